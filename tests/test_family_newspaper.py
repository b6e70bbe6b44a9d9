"""Newspaper family: the shared world's newspaper pages against its truth."""
from __future__ import annotations

import pytest

from crawlers.extraction import engine, listing
from crawlers.extraction.families.newspaper import FAMILY
from tests import warc_pages as w

SITE = "baohagiang"


@pytest.fixture(autouse=True)
def _world():
    w.require_world()


def test_every_article_matches_truth():
    arts = w.truth_of(SITE, "article")
    assert len(arts) == 6
    for want in arts:
        w.check_article(engine.family_article(FAMILY, w.tree(want["url"]), want["url"]), want)


def test_sapo_keeps_outlet_code_and_byline_leaves_text():
    want = next(t for t in w.truth_of(SITE, "article") if t["url"].endswith("-1695/"))
    rec = engine.family_article(FAMILY, w.tree(want["url"]), want["url"])
    assert rec["date_text"] == "Thứ Ba, 05/12/2023 | 08:20"
    assert rec["summary"] == "BHG – " + want["body"][0]
    assert rec["paragraphs"] == want["body"][1:]
    assert rec["author"] == "Bùi Ngọc Tuấn"
    assert not any("Từ khóa" in p or "Tin liên quan" in p for p in rec["paragraphs"])


def test_listing_links_and_xem_them():
    listings = w.truth_of(SITE, "listing")
    assert len(listings) == 2
    for want in listings:
        articles, _ = listing.family_listing(FAMILY, w.tree(want["url"]), want["url"])
        assert articles == want["links"], want["url"]
    first, second = listings[0]["url"], listings[1]["url"]
    assert listing.family_listing(FAMILY, w.tree(first), first)[1] == [second]
    assert listing.family_listing(FAMILY, w.tree(second), second)[1] == []
