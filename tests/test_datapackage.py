"""datapackage.json and cchc.duckdb of a release; frictionless validates it with no error at all.

frictionless reads Parquet through pandas: integer columns carry pandas' nullable dtypes in the Parquet
metadata (so a null stays missing) and list columns are typed `any` (pandas hands them over as numpy arrays).
"""
from __future__ import annotations

import shutil

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from flows.cli import UserError
from flows.datapackage import DICTIONARY_PATH, build_datapackage, data_dictionary_markdown
from flows.duck import connect_release
from flows.schema import TABLES
from tests.release_fixture import RUN_ID, make_release

frictionless = pytest.importorskip("frictionless")


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    return make_release(tmp_path_factory.mktemp("lake"))


def _errors(path):
    report = frictionless.validate(str(path))
    return report, [{"resource": task.name, **dict(zip(["type", "fieldName", "rowNumber"], e, strict=True))}
                    for task in report.tasks for e in task.flatten(["type", "fieldName", "rowNumber"])]


def test_descriptor(published):
    dp = build_datapackage(published, RUN_ID)
    assert dp["run_id"] == RUN_ID and dp["schema_version"] == "1.3.0"
    assert [r["name"] for r in dp["resources"]] == list(TABLES)
    docs = dp["resources"][0]
    assert docs["path"] == "documents/part-0.parquet" and docs["format"] == "parquet"
    assert docs["schema"]["primaryKey"] == ["doc_id"]
    fields = {f["name"]: f for f in docs["schema"]["fields"]}
    assert fields["published_date"]["type"] == "date" and fields["first_seen_at"]["type"] == "datetime"
    assert fields["attachments"]["type"] == "any" and fields["is_primary"]["type"] == "boolean"
    assert fields["doc_id"]["description"].startswith("Stable id")
    by_name = {r["name"]: r for r in dp["resources"]}
    assert by_name["doc_refs"]["schema"]["foreignKeys"] == [
        {"fields": ["doc_id"], "reference": {"resource": "documents", "fields": ["doc_id"]}}]
    assert by_name["indicators"]["schema"]["foreignKeys"] == [
        {"fields": ["source_doc_id"], "reference": {"resource": "documents", "fields": ["doc_id"]}}]
    assert "primaryKey" not in by_name["crawl_log"]["schema"]


def test_frictionless_validates_against_parquet(published):
    report, errors = _errors(published / "datapackage.json")
    rows = {t.name: t.stats["rows"] for t in report.tasks}
    assert rows == {"documents": 4, "doc_refs": 3, "indicators": 18, "rankings": 18, "crawl_log": 5, "units": 97,
                    "sources": 3}
    assert errors == [] and report.valid


def test_frictionless_catches_a_broken_foreign_key(published, tmp_path):
    release = tmp_path / "release"
    shutil.copytree(published, release)
    path = release / "indicators" / "part-0.parquet"
    table = pq.read_table(path)
    ids = table.column("source_doc_id").to_pylist()
    ids[0] = "ffffffffffffffff"
    i = table.schema.get_field_index("source_doc_id")
    pq.write_table(table.set_column(i, table.schema.field(i), pa.array(ids)), path)
    _report, errors = _errors(release / "datapackage.json")
    assert [(e["resource"], e["type"]) for e in errors] == [("indicators", "foreign-key")]


def test_pandas_reads_null_integers_as_missing(published):
    import pandas as pd

    ranks = pd.read_parquet(published / "rankings")
    assert str(ranks["rank_change"].dtype) == "Int32"
    assert ranks["rank_change"].isna().sum() == 9  # the first year of each of the three rankings
    refs = pd.read_parquet(published / "doc_refs")
    assert str(refs["year"].dtype) == "Int32" and refs["year"].tolist()[:2] == [pd.NA, pd.NA]


def test_fields_match_parquet_schema(published):
    dp = build_datapackage(published, RUN_ID)
    for res in dp["resources"]:
        schema = pq.read_schema(published / res["path"])
        assert [f["name"] for f in res["schema"]["fields"]] == schema.names
        for f in res["schema"]["fields"]:
            assert schema.field(f["name"]).type == dict((n, t) for n, t, _ in TABLES[res["name"]])[f["name"]]


def test_missing_table_is_an_error(tmp_path):
    (tmp_path / "documents").mkdir()
    with pytest.raises(FileNotFoundError, match="documents"):
        build_datapackage(tmp_path, "r1")


def test_data_dictionary_is_current():
    md = data_dictionary_markdown()
    assert "## doc_refs" in md and "| year | integer | `int32` |" in md
    assert "Foreign key: `source_doc_id` → `documents.doc_id`." in md
    assert DICTIONARY_PATH.read_text(encoding="utf-8") == md, "run python -m flows.datapackage --dictionary"


def test_duckdb_views(published):
    con = connect_release(published.parent)
    assert con.execute("select count(*) from documents").fetchall() == [(4,)]
    assert con.sql("select rank_change from rankings where period = '2023' and scope = 'national' "
                   "and indicator = 'par_index' order by rank").fetchall() == [(1,), (-1,), (0,)]
    assert str(con.execute("select first_seen_at from documents limit 1").fetchall()[0][0]) == "2024-03-15 02:05:00+00:00"
    with pytest.raises(Exception, match="read-only"):
        con.execute("create table x as select 1")
    con.close()


def test_connect_without_release(tmp_path):
    with pytest.raises(UserError, match="no published release under"):
        connect_release(tmp_path)


def test_duckdb_file_holds_no_path_and_opens_anywhere(published, tmp_path):
    import duckdb

    release = published.resolve()
    data = (release / "cchc.duckdb").read_bytes()
    assert str(release).encode() not in data and str(release.parent.parent).encode() not in data
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(data)
    con = duckdb.connect(str(copy), read_only=True)
    assert con.execute("select count(*) from documents").fetchall() == [(4,)]
    assert con.execute("select count(*) from sources where status = 'ok'").fetchall() == [(1,)]
    con.close()
