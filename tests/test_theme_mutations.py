"""Generalisation: the shared world's and the demo archive's news sites, crawled under their registry family
after the markup changes a redesign makes (tests/theme_mutations.py), still yield every article with body
F1 >= 0.95. The spider's callbacks are driven over the mutated WARC responses, no reactor.
"""
from __future__ import annotations

import functools
import json
from collections import Counter, deque
from pathlib import Path

import pytest
import scrapy
from scrapy.http import HtmlResponse, Response
from warcio.archiveiterator import ArchiveIterator

from crawlers.registry import load_registry
from crawlers.spiders import spider_for
from tests import theme_mutations as tm
from transforms.text import fold

ROOT = Path(__file__).resolve().parents[1]
WORLDS = {"small": ROOT.parent / "shared" / "world" / "small", "demo": ROOT / "data" / "demo"}
NEWS = ("nukeviet", "liferay", "sharepoint", "newspaper", "cityportal", "auto")
MUTATIONS = sorted(set(tm.ARTICLE_MUTATIONS) | set(tm.LISTING_MUTATIONS) | {"featured"})


@functools.cache
def _world(name: str):
    """(sites, truth by url, url -> (status, headers, body)) of a world or the demo archive."""
    root = WORLDS[name]
    if not (root / "truth.jsonl").is_file():
        pytest.skip(f"{root} absent")
    stored: dict[str, tuple[int, list, bytes]] = {}
    for path in sorted(root.glob("**/*.warc.gz")):
        with open(path, "rb") as fh:
            for rec in ArchiveIterator(fh):
                if rec.rec_type == "response":
                    stored[rec.rec_headers.get_header("WARC-Target-URI")] = (
                        int(rec.http_headers.get_statuscode()), list(rec.http_headers.headers),
                        rec.content_stream().read())
    truth = {}
    for line in (root / "truth.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            t = json.loads(line)
            truth[t["url"]] = t
    registry = next(root.glob("sites.toml"))
    sites = [s for s in load_registry(registry) if s.cms in NEWS and s.kind == "news"]
    return sites, truth, stored


def _mutate(name: str, url: str, body: bytes, truth: dict) -> bytes:
    t = truth.get(url) or {}
    text = body.decode("utf-8", "replace")
    if t.get("kind") == "article" and name in tm.ARTICLE_MUTATIONS:
        text = tm.ARTICLE_MUTATIONS[name](text)
    elif t.get("kind") == "listing" and name in tm.LISTING_MUTATIONS:
        text = tm.LISTING_MUTATIONS[name](text)
    elif t.get("kind") == "listing" and name == "featured":
        text = tm.featured(text, (t.get("links") or [None])[0])
    return text.encode("utf-8")


def _crawl(site, name: str, truth: dict, stored: dict) -> list[dict]:
    """Records of a breadth-first crawl of `site` over the mutated responses (non-200 dropped, as Scrapy does)."""
    spider = spider_for(site.cms)(site=site)
    queue, records = deque(spider.initial_requests()), []
    while queue:
        req = queue.popleft()
        if req.url not in stored:
            continue
        status, headers, body = stored[req.url]
        if status != 200:
            continue
        ctype = next((v for k, v in headers if k.lower() == "content-type"), "")
        html = "html" in ctype.lower()
        cls = HtmlResponse if html else Response
        resp = cls(url=req.url, status=status, headers=headers, request=scrapy.Request(req.url, meta=req.meta),
                   body=_mutate(name, req.url, body, truth) if html else body)
        for x in req.callback(resp):
            (queue.append if isinstance(x, scrapy.Request) else records.append)(x)
    return records


def _f1(got: str, want: str) -> float:
    a, b = Counter(fold(got).split()), Counter(fold(want).split())
    common = sum((a & b).values())
    return 0.0 if not common else 2 * common / (sum(a.values()) + sum(b.values()))


@pytest.mark.parametrize("world", sorted(WORLDS))
@pytest.mark.parametrize("mutation", MUTATIONS)
def test_every_article_survives_the_redesign(world, mutation):
    sites, truth, stored = _world(world)
    assert sites
    for site in sites:
        want = {u: t for u, t in truth.items() if t["site"] == site.id and t["kind"] == "article"}
        got = {r["url"]: r for r in _crawl(site, mutation, truth, stored) if r.get("kind") == "article"}
        missing = sorted(set(want) - set(got))
        assert not missing, (site.id, mutation, missing)
        for url, t in want.items():
            rec = got[url]
            text = "\n".join(([rec["summary"]] if rec.get("summary") else []) + list(rec.get("paragraphs") or []))
            assert _f1(text, "\n".join(t["body"])) >= 0.95, (site.id, mutation, url, rec.get("extraction"))
            assert rec["title"] == t["title"], (site.id, mutation, url)
