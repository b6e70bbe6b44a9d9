"""NukeViet family: pure extraction on the shared world's NukeViet pages, checked against its truth."""
from __future__ import annotations

import pytest

from crawlers.extraction import engine, listing
from crawlers.extraction.families.nukeviet import FAMILY
from tests import warc_pages as w
from transforms.text import clean

SITES = ("sxd-binhdinh", "snv-binhdinh")


@pytest.fixture(autouse=True)
def _world():
    w.require_world()


def _articles():
    return [t for s in SITES for t in w.truth_of(s, "article")]


def test_every_article_matches_truth():
    arts = _articles()
    assert len(arts) == 13
    for want in arts:
        w.check_article(engine.family_article(FAMILY, w.tree(want["url"]), want["url"]), want)


def test_seed_article_fields_exact():
    want = next(t for t in _articles() if t["author"] == "Thanh Quang - VPS")
    rec = engine.family_article(FAMILY, w.tree(want["url"]), want["url"])
    assert rec["date_text"] == "Thứ năm - 28/04/2022 12:00"
    body = [clean(p) for p in want["body"]]
    assert rec["summary"] == body[0]  # the .hometext lead, not repeated in the paragraphs
    assert rec["paragraphs"] == body[1:]
    assert rec["attachments"] == [{
        "url": want["attachments"][0], "title": "22-KH-SXD.docx",
        "media_type": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}]
    text = "\n".join(rec["paragraphs"])
    for chrome in ("Tổng số điểm", "Hôm nay", "Những tin", "Tác giả bài viết", "Tải về"):
        assert chrome not in text


def test_table_goes_to_tables_not_paragraphs():
    want = next(t for t in w.truth_of("snv-binhdinh", "article") if t["url"].endswith("-1296.html"))
    rec = engine.family_article(FAMILY, w.tree(want["url"]), want["url"])
    assert len(rec["tables"]) == 1
    table = rec["tables"][0]
    assert table["header_rows"] == 1 and len(table["rows"]) == 13
    assert table["rows"][1][:3] == ["1", "Sở Giáo dục và Đào tạo", "90,30"]
    assert not any("90,30 90,30" in p or "Cơ quan, đơn vị" in p for p in rec["paragraphs"])


def test_decomposed_unicode_page_is_nfc():
    nfd = [t for t in w.truth_of("sxd-binhdinh", "article") if "\u0301".encode() in w.body(t["url"])
           or b"\xcc\x81" in w.body(t["url"])]
    assert nfd, "the world has one NFD page"
    rec = engine.family_article(FAMILY, w.tree(nfd[0]["url"]), nfd[0]["url"])
    assert rec["title"] == nfd[0]["title"]


def test_missing_author_is_reported():
    want = _articles()[0]
    tree = w.tree(want["url"])
    for el in tree.cssselect(".text-right"):
        el.drop_tree()
    rec = engine.family_article(FAMILY, tree, want["url"])
    assert rec["author"] is None and rec["missing"] == ["author"]


def test_wrapper_variant_panel_primary():
    want = w.truth_of("snv-binhdinh", "article")[0]
    assert b"panel-primary" in w.body(want["url"])
    rec = engine.family_article(FAMILY, w.tree(want["url"]), want["url"])
    assert rec["title"] == want["title"] and rec["author"] == want["author"]


def test_listings_links_and_pagination():
    for site in SITES:
        for want in w.truth_of(site, "listing"):
            articles, pages = listing.family_listing(FAMILY, w.tree(want["url"]), want["url"])
            assert set(articles) == set(want["links"]), want["url"]
            assert len(articles) == len(want["links"])
    first = "https://sxd.binhdinh.gov.vn/news/cai-cach-hanh-chinh/"
    assert listing.family_listing(FAMILY, w.tree(first), first)[1] == [first + "page-2"]
