"""The families on real CMS output (../shared/world/realcms: NukeViet 4.5 default theme, WordPress 6.1 as auto):
listing views with a featured first item, list views, pagers, downloads named only in the link text."""
from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawlers.extraction import auto, engine, listing
from crawlers.extraction.families.nukeviet import FAMILY as NUKEVIET
from crawlers.extraction.html import parse_html

WORLD = Path(__file__).resolve().parents[1].parent / "shared" / "world" / "realcms"
pytestmark = pytest.mark.skipif(not (WORLD / "truth.jsonl").is_file(), reason="realcms world absent")


@functools.cache
def _bodies() -> dict[str, bytes]:
    out = {}
    for path in sorted((WORLD / "warc").glob("*.warc.gz")):
        with open(path, "rb") as fh:
            for rec in ArchiveIterator(fh):
                if rec.rec_type == "response" and rec.http_headers.get_statuscode() == "200":
                    out[rec.rec_headers.get_header("WARC-Target-URI")] = rec.content_stream().read()
    return out


def _truth(site: str, kind: str) -> list[dict]:
    rows = [json.loads(x) for x in (WORLD / "truth.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    return [t for t in rows if t["site"] == site and t["kind"] == kind]


def _tree(url: str):
    return parse_html(_bodies()[url], url)


def test_nukeviet_grid_and_list_views_by_the_table():
    listings = _truth("stp-bentre", "listing")
    assert len(listings) == 5
    for t in listings:
        found, _ = listing.family_listing(NUKEVIET, _tree(t["url"]), t["url"])
        assert found == t["links"], t["url"]  # the featured first item included, in the page's order


def test_nukeviet_pager_and_download_links():
    first = "https://sotuphap.bentre.gov.vn/cai-cach-hanh-chinh/"
    _, pages, path = listing.listing_links(NUKEVIET, _tree(first), first, "https://sotuphap.bentre.gov.vn/")
    assert (path, pages) == ("family", [first + "page-2/", first + "page-3/"])
    url = next(t["url"] for t in _truth("stp-bentre", "article") if t["url"].endswith("-27.html"))
    got = engine.extract_article(NUKEVIET, _tree(url), url)
    assert [(a["url"], a["title"]) for a in got["attachments"]] == [
        (url + "?download=1&id=0", "ket-qua-chi-so-cchc-2023-cac-so-ban-nganh.xlsx")]
    assert got["attachments"][0]["media_type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_wordpress_listings_read_generically_with_their_older_posts_pager():
    for t in _truth("giongtrom-bentre", "listing"):
        found, pages, path = auto.listing_links(_tree(t["url"]), t["url"], "https://giongtrom.bentre.gov.vn/")
        assert path == "generic" and found == t["links"], t["url"]
    first = "https://giongtrom.bentre.gov.vn/category/cai-cach-hanh-chinh/"
    assert auto.listing_links(_tree(first), first)[1] == [first + "page/2/"]
