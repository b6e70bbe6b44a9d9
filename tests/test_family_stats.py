"""Stats family: monthly TTHC statistics pages of the shared world."""
from __future__ import annotations

import pytest

from crawlers.extraction.families import stats
from tests import warc_pages as w
from transforms.text import parse_number

SITE = "dvc-binhdinh"


@pytest.fixture(autouse=True)
def _world():
    w.require_world()


def _page(url: str) -> dict:
    return stats.extract_page(w.tree(url), url)


def test_period_page_heading_and_table():
    pages = w.truth_of(SITE, "stats")
    assert len(pages) == 6
    for want in pages:
        rec = _page(want["url"])
        month = want["url"].rsplit("thang=", 1)[1]
        assert rec["title"] == f"Thống kê tình hình giải quyết hồ sơ thủ tục hành chính tháng {month}/2022"
        assert rec["date_text"] is None and rec["missing"] == []
        (table,) = rec["tables"]
        assert table["header_rows"] == 2
        received = {m["entity"]: m["value"] for m in want["metrics"] if m["indicator"] == "dossiers_received"}
        rows = table["rows"][2:]
        assert {r[1]: parse_number(r[2]) for r in rows} == received


def test_index_page_with_empty_table_and_period_links_is_not_broken():
    rec = _page("https://dichvucong.binhdinh.gov.vn/thong-ke")
    assert rec["missing"] == []
    assert rec["tables"][0]["rows"] and len(rec["tables"][0]["rows"]) == rec["tables"][0]["header_rows"]


def test_empty_table_without_period_links_reports_no_rows():
    from lxml import html as lh
    page = ("<html><body><div class='thong-ke'><h2>Thống kê tháng 1/2024</h2><table><tr><th>STT</th>"
            "<th>Đơn vị</th></tr></table></div></body></html>")
    rec = stats.extract_page(lh.fromstring(page), "https://dvc.example/thong-ke")
    assert rec["missing"] == ["rows"]


def test_period_links_are_same_path_other_queries():
    want = {t["url"] for t in w.truth_of(SITE, "stats")}
    index = "https://dichvucong.binhdinh.gov.vn/thong-ke"
    articles, pages = stats.listing_links(w.tree(index), index)
    assert articles == [] and set(pages) == want and len(pages) == 6
    one = sorted(want)[0]
    assert set(stats.listing_links(w.tree(one), one)[1]) == want - {one}
