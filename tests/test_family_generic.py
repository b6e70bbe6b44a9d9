"""Generic extraction: one page of each family read as an unknown CMS, and the auto spider's delegation."""
from __future__ import annotations

import pytest

from crawlers.extraction import auto as generic
from crawlers.extraction.extract_generic import extract_generic
from tests import warc_pages as w

NEWS_SITES = ("sxd-binhdinh", "hocmon-hcm", "tayninh", "baohagiang", "haiphong")


@pytest.fixture(autouse=True)
def _world():
    w.require_world()


@pytest.mark.parametrize("site", NEWS_SITES)
def test_unknown_cms_extraction(site):
    want = w.truth_of(site, "article")[0]
    rec = extract_generic(w.tree(want["url"]), want["url"])
    assert rec["title"] == want["title"]
    assert w.token_f1(w.body_text(rec), "\n".join(want["body"])) >= 0.9


@pytest.mark.parametrize("site,family", [("sxd-binhdinh", "nukeviet"), ("hocmon-hcm", "liferay"),
                                         ("tayninh", "sharepoint"), ("baohagiang", "newspaper"),
                                         ("haiphong", "cityportal")])
def test_auto_delegates_to_detected_family(site, family):
    want = w.truth_of(site, "article")[-1]
    rec = generic.extract_article(w.tree(want["url"]), want["url"])
    assert rec["family"] == family and rec["kind"] == "article"
    w.check_article(rec, want, with_time=family != "sharepoint")


def test_auto_table_pages_keep_their_kind():
    url = "https://caicachhanhchinh.gov.vn/chi-so-hai-long-sipas/2021.html"
    rec = generic.extract_article(w.tree(url), url)
    assert (rec["family"], rec["kind"]) == ("national", "table")
    url = "https://dichvucong.binhdinh.gov.vn/thong-ke?nam=2022&thang=2"
    rec = generic.extract_article(w.tree(url), url)
    assert (rec["family"], rec["kind"]) == ("stats", "stats")


@pytest.mark.parametrize("site", NEWS_SITES)
def test_auto_listing_links(site):
    for want in w.truth_of(site, "listing"):
        articles, _, _path = generic.listing_links(w.tree(want["url"]), want["url"], want["url"])
        assert set(articles) == set(want["links"]), want["url"]
