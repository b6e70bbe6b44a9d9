"""SharePoint family: provincial portal pages of the shared world against its truth."""
from __future__ import annotations

import pytest

from crawlers.extraction import engine, listing
from crawlers.extraction.families.sharepoint import FAMILY
from tests import warc_pages as w

SITE = "tayninh"


@pytest.fixture(autouse=True)
def _world():
    w.require_world()


def test_every_article_matches_truth():
    arts = w.truth_of(SITE, "article")
    assert len(arts) == 6
    for want in arts:
        # "Ngày cập nhật dd/mm/yyyy" states no time of day: only the date is compared.
        rec = engine.family_article(FAMILY, w.tree(want["url"]), want["url"])
        w.check_article(rec, want, with_time=False)


def test_date_line_without_hidden_flag_and_view_count():
    want = next(t for t in w.truth_of(SITE, "article") if t["attachments"])
    rec = engine.family_article(FAMILY, w.tree(want["url"]), want["url"])
    assert rec["date_text"] == "Ngày cập nhật 26/04/2022"
    assert rec["author"] == "Trần Thị Lan"
    assert rec["attachments"] == [{"url": want["attachments"][0],
                                   "title": "Quyết định công bố Chỉ số CCHC năm 2021 (PDF)",
                                   "media_type": "application/pdf"}]
    text = "\n".join(rec["paragraphs"])
    for chrome in ("False", "Xem tin theo ngày", "Tập tin đính kèm", "Trần Thị Lan"):
        assert chrome not in text


def test_listings_links_and_page_pagination():
    listings = w.truth_of(SITE, "listing")
    assert len(listings) == 2
    for want in listings:
        articles, _ = listing.family_listing(FAMILY, w.tree(want["url"]), want["url"])
        assert articles == want["links"], want["url"]
    start = listings[0]["url"]
    assert listing.family_listing(FAMILY, w.tree(start), start)[1] == [start + "?Page=2"]
