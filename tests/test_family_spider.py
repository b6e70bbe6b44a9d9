"""Spider glue without a reactor: callbacks fed with WARC responses, requests' roles and caps checked."""
from __future__ import annotations

import tomllib
from collections import deque

import pytest
import scrapy

from crawlers.spiders import SPIDERS, spider_for
from tests import warc_pages as w

START = "https://sxd.binhdinh.gov.vn/news/cai-cach-hanh-chinh/"


@pytest.fixture(autouse=True)
def _world():
    w.require_world()


def _site(**kw):
    return w.site_like("sxd-binhdinh", "nukeviet", "https://sxd.binhdinh.gov.vn/", (START,), **kw)


def _call(req: scrapy.Request) -> list:
    return list(req.callback(w.response(req.url, meta=req.meta)))


def _requests(out: list) -> list[scrapy.Request]:
    return [x for x in out if isinstance(x, scrapy.Request)]


def test_spider_for():
    assert spider_for("nukeviet").family == "nukeviet"
    assert spider_for("auto").__name__ == "GenericSpider"
    assert set(SPIDERS) == {"nukeviet", "liferay", "sharepoint", "newspaper", "cityportal", "stats", "national", "dichvucong", "auto"}
    with pytest.raises(ValueError, match="unknown cms family 'joomla'"):
        spider_for("joomla")


def test_nukeviet_callbacks_and_roles():
    spider = spider_for("nukeviet")(site=_site())
    (start,) = spider.initial_requests()
    assert start.url == START and start.meta["cchc_role"] == "listing"
    reqs = _requests(_call(start))
    roles = [(r.meta["cchc_role"], r.url) for r in reqs]
    listing = w.truth()[START]
    assert [u for role, u in roles if role == "article"] == listing["links"]
    assert [u for role, u in roles if role == "listing"] == [START + "page-2"]
    assert all(r.meta["cchc_parent"] == START for r in reqs)

    art = next(r for r in reqs if r.url.endswith("-1091.html"))
    out = _call(art)
    (rec,) = [x for x in out if isinstance(x, dict)]
    assert rec["site_id"] == "sxd-binhdinh" and rec["url"] == art.url and rec["requested_url"] == art.url
    assert (rec["status"], rec["media_type"], rec["family"], rec["kind"]) == (200, "text/html", "nukeviet", "article")
    assert rec["last_modified"] == "Thu, 28 Apr 2022 12:00:00 +0700" and rec["etag"] is None
    (att,) = _requests(out)
    assert att.meta["cchc_role"] == "attachment" and att.meta["cchc_parent"] == art.url
    assert att.url == w.truth()[art.url]["attachments"][0]

    (doc,) = _call(att)
    assert (doc["kind"], doc["parent_url"], doc["family"]) == ("attachment", art.url, "nukeviet")
    assert doc["media_type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert len(doc["paragraphs"]) >= 2


def test_idle_listings_stop_paging():
    spider = spider_for("nukeviet")(site=_site(), max_idle_listings=1)
    (start,) = spider.initial_requests()
    first = _requests(_call(start))
    assert any(r.meta["cchc_role"] == "listing" for r in first)
    # The same listing again adds no new article: paging stops (and nothing is requested twice).
    spider.seen.discard(START + "page-2")
    again = list(spider.parse_listing(w.response(START, meta=start.meta)))
    assert again == [] and spider.idle == 1


def test_page_budget():
    spider = spider_for("nukeviet")(site=_site(), max_pages=4)
    (start,) = spider.initial_requests()
    assert len(_requests(_call(start))) == 3 and spider.scheduled == 4


def test_offsite_links_not_followed():
    spider = spider_for("nukeviet")(site=_site())
    assert spider.make_request("https://example.org/x.html", "article", spider.parse_article) is None
    assert spider.make_request("https://cdn.sxd.binhdinh.gov.vn/a.pdf", "attachment", spider.parse_attachment)


def _drive(spider) -> list[dict]:
    """Run a spider's callbacks breadth-first over the WARC; non-200 responses are dropped as Scrapy does."""
    stored = set(w.urls())
    queue, records = deque(spider.initial_requests()), []
    while queue:
        req = queue.popleft()
        if req.url not in stored:
            continue
        resp = w.response(req.url, meta=req.meta)
        if resp.status != 200:
            continue
        for x in req.callback(resp):
            (queue.append if isinstance(x, scrapy.Request) else records.append)(x)
    return records


def _registry() -> list[dict]:
    return tomllib.loads((w.WORLD / "sites.toml").read_text(encoding="utf-8"))["site"]


@pytest.mark.parametrize("cms", ["registry", "auto"])
def test_whole_world_crawl(cms):
    for entry in _registry():
        site = w.site_like(entry["id"], entry["cms"], entry["base_url"], tuple(entry["start_urls"]), entry["kind"])
        spider = spider_for(entry["cms"] if cms == "registry" else "auto")(site=site)
        records = _drive(spider)
        by_kind: dict[str, set] = {}
        for r in records:
            by_kind.setdefault(r["kind"], set()).add(r["url"])
        truth = {k: {t["url"] for t in w.truth_of(entry["id"], k)}
                 for k in ("article", "attachment", "stats", "table")}
        truth["stats"] |= {t["url"] for t in w.truth_of(entry["id"], "stats_index")}
        for kind, want in truth.items():
            assert by_kind.get(kind, set()) == want, (entry["id"], cms, kind)


def test_theme_variant_falls_back_to_generic_reading():
    """Family selectors that miss the body (an unknown theme) leave it to the generic reader, not empty."""
    want = next(t for t in w.truth_of("sxd-binhdinh", "article") if t["url"].endswith("-1091.html"))
    html = w.body(want["url"]).replace(b'id="news-bodyhtml" class="bodytext', b'class="noi-dung')
    spider = spider_for("nukeviet")(site=_site())
    resp = scrapy.http.HtmlResponse(url=want["url"], body=html, headers={"Content-Type": "text/html"},
                                    request=scrapy.Request(want["url"], meta={"cchc_role": "article"}))
    (rec,) = [x for x in spider.parse_article(resp) if isinstance(x, dict)]
    assert rec["missing"] == []
    assert rec["title"] == want["title"] and rec["author"] == want["author"]
    assert w.token_f1(w.body_text(rec), "\n".join(want["body"])) >= 0.9
