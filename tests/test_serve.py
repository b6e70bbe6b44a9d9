"""`cchc serve`: the SQLite export (FTS that ignores diacritics and đ) and Datasette as a subprocess."""
from __future__ import annotations

import sqlite3
import urllib.parse

import pytest

from flows.serve import CANNED_QUERIES, datasette_metadata
from flows.sqlite_export import build_sqlite
from tests.release_fixture import DOCS, RUN_ID, get_json, make_release, serving


@pytest.fixture(scope="module")
def lake(tmp_path_factory):
    lake = tmp_path_factory.mktemp("lake")
    make_release(lake)
    return lake


def _search(db, query: str) -> list[str]:
    con = sqlite3.connect(db)
    try:
        rows = con.execute("select d.title from documents d where d.rowid in "
                           "(select rowid from documents_fts where documents_fts match ?) order by d.title",
                           [" ".join(f'"{t}"' for t in query.split())]).fetchall()
    finally:
        con.close()
    return [r[0] for r in rows]


def test_sqlite_export(lake):
    db = build_sqlite(lake / "published")
    assert db == (lake / "releases" / RUN_ID / "cchc.sqlite")
    con = sqlite3.connect(db)
    assert con.execute("select count(*) from documents").fetchone() == (4,)
    assert con.execute("select year, published_date, is_primary, attachments like '[{%' from documents "
                       "where doc_id = ?", [DOCS[0]["doc_id"]]).fetchone() == (2024, "2024-02-20", 1, 1)
    assert con.execute("select first_seen_at from documents limit 1").fetchone() == ("2024-03-15T02:05:00Z",)
    con.close()
    mtime = db.stat().st_mtime_ns
    assert build_sqlite(lake / "published") == db and db.stat().st_mtime_ns == mtime  # cached per release


def test_search_ignores_diacritics_and_d_stroke(lake):
    db = build_sqlite(lake / "published")
    both = ["Kế hoạch cải cách hành chính năm 2024 của Sở Nội vụ", "Đánh giá kết quả cải cách hành chính năm 2023"]
    assert _search(db, "cai cach hanh chinh") == both
    assert _search(db, "cải cách hành chính") == both
    assert _search(db, "danh gia") == ["Đánh giá kết quả cải cách hành chính năm 2023"]
    assert _search(db, "đánh giá") == ["Đánh giá kết quả cải cách hành chính năm 2023"]
    assert _search(db, "dong khe") == ["Hội nghị tổng kết công tác năm 2023"]


def test_metadata():
    meta = datasette_metadata(RUN_ID)
    docs = meta["databases"]["cchc"]["tables"]["documents"]
    assert docs["facets"] == ["province_name", "agency", "doc_type", "year"]
    assert docs["fts_table"] == "documents_fts" and "<dt>doc_id</dt><dd>Stable id" in docs["description_html"]
    assert set(meta["databases"]["cchc"]["queries"]) == set(CANNED_QUERIES)
    assert all(not q.get("write") and q["sql"].lower().startswith("select") for q in CANNED_QUERIES.values())


def test_serve_subprocess(lake):
    with serving(lake) as base:
        status, versions = get_json(base + "/-/versions.json")
        assert status == 200 and "datasette" in versions
        _, rows = get_json(base + "/cchc/national_par_index_ranking.json?year=2023&_shape=array")
        assert [(r["rank"], r["province"], r["rank_change"]) for r in rows] == [
            (1, "Tỉnh Hòa Sơn", 1), (2, "Tỉnh Đồng Khê", -1), (3, "Tỉnh Bắc Thủy", 0)]
        _, rows = get_json(base + "/cchc/department_ranking.json?province_code=91&year=2023&_shape=array")
        assert [r["department"] for r in rows] == ["Sở Tư pháp", "Sở Nội vụ", "Sở Xây dựng"]
        _, rows = get_json(base + "/cchc/documents_citing_number.json?_shape=array&number="
                           + urllib.parse.quote("61/2018/NĐ-CP"))
        assert [r["title"] for r in rows] == ["Kế hoạch cải cách hành chính năm 2024 của Sở Nội vụ"]
        _, rows = get_json(base + "/cchc/on_time_rate_by_agency_month.json?province_code=91&_shape=array")
        assert (rows[0]["agency"], rows[0]["month"], rows[0]["on_time_rate"]) == ("Sở Nội vụ", "2023-10", 97.5)
        _, rows = get_json(base + "/cchc/documents.json?_search=danh+gia&_shape=array&_col=title")
        assert [r["title"] for r in rows] == ["Đánh giá kết quả cải cách hành chính năm 2023"]
        _, dbs = get_json(base + "/-/databases.json")
        assert [(d["name"], d["is_mutable"]) for d in dbs] == [("cchc", False)]
        _, facets = get_json(base + "/cchc/documents.json?_facet=year")
        assert {f["value"]: f["count"] for f in facets["facet_results"]["year"]["results"]} == {2024: 3, 2023: 1}
