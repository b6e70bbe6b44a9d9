"""National family: PAR INDEX / SIPAS ranking pages of the shared world."""
from __future__ import annotations

import pytest

from crawlers.extraction.families import national
from tests import warc_pages as w
from transforms.text import fold, parse_number

SITE = "cchc-national"


@pytest.fixture(autouse=True)
def _world():
    w.require_world()


def test_ranking_tables_match_truth():
    pages = w.truth_of(SITE, "table")
    assert len(pages) == 4
    for want in pages:
        rec = national.extract_page(w.tree(want["url"]), want["url"])
        assert rec["title"].startswith("Kết quả Chỉ số") and rec["missing"] == []
        (table,) = rec["tables"]
        assert table["header_rows"] == 1 and len(table["rows"]) == 64
        ranks = {m["entity"]: m["value"] for m in want["metrics"] if m["indicator"].endswith("_rank")}
        assert sorted(parse_number(r[0]) for r in table["rows"][1:]) == sorted(ranks.values())
        assert len(rec["paragraphs"]) == 1 and "công bố kết quả" in rec["paragraphs"][0]


def test_title_exact():
    url = "https://caicachhanhchinh.gov.vn/chi-so-cai-cach-hanh-chinh/2022.html"
    rec = national.extract_page(w.tree(url), url)
    assert rec["title"] == ("Kết quả Chỉ số cải cách hành chính (PAR INDEX) năm 2022 của các tỉnh, "
                            "thành phố trực thuộc Trung ương")
    assert rec["tables"][0]["rows"][1][1] == "Quảng Nam"


def test_follows_main_content_links_only():
    url = "https://caicachhanhchinh.gov.vn/chi-so-cai-cach-hanh-chinh/2022.html"
    articles, pages = national.listing_links(w.tree(url), url)
    want = {t["url"] for t in w.truth_of(SITE, "table")} - {url}
    assert articles == [] and set(pages) == want and len(pages) == 3
    assert not any(fold(p).endswith("lien he") or "/lien-he/" in p for p in pages)
