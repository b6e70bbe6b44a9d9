"""Liferay family: asset publisher pages of the shared world against its truth."""
from __future__ import annotations

import pytest

from crawlers.extraction import engine, listing
from crawlers.extraction.families.liferay import FAMILY
from tests import warc_pages as w

SITE = "hocmon-hcm"


@pytest.fixture(autouse=True)
def _world():
    w.require_world()


def test_every_article_matches_truth():
    arts = w.truth_of(SITE, "article")
    assert len(arts) == 4
    for want in arts:
        w.check_article(engine.family_article(FAMILY, w.tree(want["url"]), want["url"]), want)


def test_article_fields_exact():
    want = next(t for t in w.truth_of(SITE, "article") if t["author"] == "Thành Lợi")
    rec = engine.family_article(FAMILY, w.tree(want["url"]), want["url"])
    assert rec["date_text"] == "14/04/2022 09:30"
    assert rec["summary"] is None
    assert len(rec["paragraphs"]) == 11
    text = "\n".join(rec["paragraphs"])
    for chrome in ("Lượt xem", "Tin cùng chuyên mục", "Chi tiết bài viết", "Thành Lợi", "Xuất bản thông tin"):
        assert chrome not in text


def test_bold_first_paragraph_is_the_lead():
    html = (b"<html><body><div class='asset-full-content'><h3 class='header-title'>T</h3>"
            b"<span class='metadata-publish-date'>01/02/2022</span><div class='journal-content-article'>"
            b"<p><strong>Lead text.</strong></p><p>Body <strong>bold</strong> text.</p>"
            b"<div class='author-name'>A B</div></div></div></body></html>")
    from crawlers.extraction.html import parse_html

    rec = engine.family_article(FAMILY, parse_html(html, "https://x.vn/-/t"), "https://x.vn/-/t")
    assert rec["summary"] == "Lead text."
    assert rec["paragraphs"] == ["Body bold text."]
    assert rec["author"] == "A B" and rec["missing"] == []


def test_listings_links_and_cur_pagination():
    listings = w.truth_of(SITE, "listing")
    assert len(listings) == 2
    for want in listings:
        articles, _ = listing.family_listing(FAMILY, w.tree(want["url"]), want["url"])
        assert articles == want["links"], want["url"]
    start = listings[0]["url"]
    assert listing.family_listing(FAMILY, w.tree(start), start)[1] == [start + "?_cur=2&delta=10"]
