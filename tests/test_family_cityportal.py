"""City portal family: the shared world's city news pages against its truth."""
from __future__ import annotations

import pytest

from crawlers.extraction import engine, listing
from crawlers.extraction.families.cityportal import FAMILY
from tests import warc_pages as w

SITE = "haiphong"


@pytest.fixture(autouse=True)
def _world():
    w.require_world()


def test_every_article_matches_truth():
    arts = w.truth_of(SITE, "article")
    assert len(arts) == 5
    for want in arts:
        w.check_article(engine.family_article(FAMILY, w.tree(want["url"]), want["url"]), want)


def test_source_line_is_author_and_theo_line_stays():
    want = next(t for t in w.truth_of(SITE, "article") if t["author"] == "Báo Hà Giang")
    rec = engine.family_article(FAMILY, w.tree(want["url"]), want["url"])
    assert rec["date_text"] == "Thứ Năm, 01/12/2022 11:30"
    assert rec["paragraphs"] == want["body"]
    assert rec["paragraphs"][-1] == "Theo Báo Hà Giang"
    assert rec["summary"] is None


def test_missing_source_line_is_reported():
    want = w.truth_of(SITE, "article")[0]
    tree = w.tree(want["url"])
    body = tree.cssselect(".news-content")[0]
    body.remove(body.xpath("./p")[-1])
    rec = engine.family_article(FAMILY, tree, want["url"])
    assert rec["author"] is None and rec["missing"] == ["author"]


def test_listing_links_and_paging():
    listings = w.truth_of(SITE, "listing")
    assert len(listings) == 2
    for want in listings:
        articles, _ = listing.family_listing(FAMILY, w.tree(want["url"]), want["url"])
        assert articles == want["links"], want["url"]
    first, second = listings[0]["url"], listings[1]["url"]
    assert listing.family_listing(FAMILY, w.tree(first), first)[1] == [second]
