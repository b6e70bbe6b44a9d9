"""The shared world with every class and id replaced by a meaningless hash: an unknown CMS.

Generic extraction runs directly on every article page (title, date, author,
body) and on every listing page (article links and next pages, followed from
each site's start URL), with no crawl.
"""
from __future__ import annotations

import collections
import datetime as dt
import json
from pathlib import Path

import pytest

from crawlers.extraction.extract_generic import detect_family, extract_generic, generic_listing_links
from crawlers.extraction.html import parse_html
from crawlers.registry import load_registry
from tests.mangle import mangle_html, mangle_warcs
from transforms.dates import parse_date
from transforms.text import fold

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
WORLD = SHARED / "world" / "small"
pytestmark = pytest.mark.skipif(not (WORLD / "truth.jsonl").is_file(), reason="shared world absent")


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, bytes]:
    """url -> body of every response in the mangled copy of the world."""
    from warcio.archiveiterator import ArchiveIterator

    out: dict[str, bytes] = {}
    for path in mangle_warcs(WORLD / "warc", tmp_path_factory.mktemp("mangled")):
        with open(path, "rb") as fh:
            for rec in ArchiveIterator(fh):
                out[rec.rec_headers.get_header("WARC-Target-URI")] = rec.content_stream().read()
    return out


@pytest.fixture(scope="module")
def truth() -> list[dict]:
    return [json.loads(line) for line in (WORLD / "truth.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def extracted(pages, truth) -> list[tuple[dict, dict]]:
    """(truth, generic extraction) for every article page."""
    return [(t, extract_generic(parse_html(pages[t["url"]], t["url"]), t["url"]))
            for t in truth if t["kind"] == "article"]


def token_f1(got: str, want: str) -> float:
    a, b = collections.Counter(fold(got).split()), collections.Counter(fold(want).split())
    common = sum((a & b).values())
    if not common:
        return 0.0
    p, r = common / sum(a.values()), common / sum(b.values())
    return 2 * p * r / (p + r)


def test_mangling_hides_every_name(pages):
    html = mangle_html('<div class="news-detail a" id="content"><p class="author">X</p></div>')
    assert html == '<div class="x5eff05 x0cc175" id="x9a0364"><p class="x02bd92">X</p></div>'
    url = next(u for u in pages if "/news/" in u and u.endswith(".html") and b"<h1" in pages[u])
    assert b"news-bodyhtml" not in pages[url] and b'class="x' in pages[url]


def test_article_pages_look_unknown(pages, extracted):
    assert len(extracted) == 34
    assert [t["url"] for t, _ in extracted if detect_family(parse_html(pages[t["url"]], t["url"]), t["url"])] == []


def test_titles_and_dates_exact(extracted):
    for want, got in extracted:
        assert got["title"] == want["title"], want["url"]
        day, _ = parse_date(got["date_text"])
        assert day == dt.date.fromisoformat(want["published"][:10]), (want["url"], got["date_text"])


def test_authors(extracted):
    wrong = [(w["url"], g["author"], w["author"]) for w, g in extracted if g["author"] != w["author"]]
    assert 1 - len(wrong) / len(extracted) >= 0.95, wrong


def test_bodies(extracted):
    f1 = {w["url"]: token_f1(" ".join(([g["summary"]] if g["summary"] else []) + g["paragraphs"]),
                             " ".join(w["body"])) for w, g in extracted}
    assert sum(f1.values()) / len(f1) >= 0.97
    assert min(f1.values()) >= 0.9, min(f1.items(), key=lambda kv: kv[1])


def test_attachments(extracted):
    for want, got in extracted:
        assert sorted(a["url"] for a in got["attachments"]) == sorted(want["attachments"]), want["url"]


def test_listings_reach_every_article_from_the_start_url(pages, truth):
    """Follow next pages from each news site's start URL: the listing pages visited and the article links found
    are exactly the world's (deleted and moved articles are linked from listings too)."""
    checked = 0
    for site in load_registry(WORLD / "sites.toml"):
        listings = {t["url"] for t in truth if t["site"] == site.id and t["kind"] == "listing"}
        if not listings:
            continue
        linked = {u for t in truth if t["url"] in listings for u in t["links"]}
        articles = {t["url"] for t in truth if t["site"] == site.id and t["kind"] == "article"}
        queue, visited, found = list(site.start_urls), [], set()
        while queue:
            url = queue.pop(0)
            if url in visited:
                continue
            assert url in pages, f"{site.id}: next page {url} does not exist"
            visited.append(url)
            got, next_pages = generic_listing_links(parse_html(pages[url], url), url, site.base_url)
            found |= set(got)
            queue += next_pages
        assert set(visited) == listings, site.id
        assert found == linked, site.id
        assert articles <= found, site.id
        checked += 1
    assert checked == 6
