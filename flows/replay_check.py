"""Before a replay run crawls: which sites the archives cannot answer for, and why.

A damaged archive file (truncated, corrupt gzip data, a record cut short) is named with the byte offset of
the damage; every site it holds responses for (by the records read before the damage; every site, when none
could be read) is not crawled: its crawl fails and nothing of it is published by this run, so its last good
rows stay as they were. A site whose robots.txt is not in the archives has unknown rules, and an unknown rule
forbids: nothing of it is fetched, each start URL is logged `robots_disallowed` with the reason.
"""
from __future__ import annotations

from collections import Counter
from urllib.parse import urlsplit

from crawlers.archive_check import key_host
from crawlers.crawl_log import LOG_NAME, CrawlLog
from crawlers.registry import Site
from crawlers.replay import WarcIndex
from flows.lake import Lake
from transforms.urls import same_site


def _origin(url: str) -> str:
    p = urlsplit(url)
    return f"{p.scheme}://{p.netloc}"


def robots_missing_error(origin: str) -> str:
    return f"robots.txt of {origin} is not in the archives: its rules are unknown, and unknown rules forbid"


def replay_index(lake: Lake, replay: list[str]) -> WarcIndex:
    """The index the crawl processes read (cached beside the lake), so that this costs no second reading."""
    return WarcIndex(replay, cache_dir=lake.root / "cache" / "replay-index")


def archived_pages(index: WarcIndex, sites: list[Site]) -> dict[str, int]:
    """{site_id: answers the archives hold for its hosts}: what a replay crawl will fetch at most, the expected
    size of a site the lake has not seen yet (crawl batches start with the biggest)."""
    hosts = Counter(h for key in index.entries if (h := key_host(key)))
    return {site.id: sum(n for h, n in hosts.items() if same_site(f"http://{h}/", site.base_url)) for site in sites}


def replay_refusals(lake: Lake, run_id: str, index: WarcIndex, sites: list[Site]) -> dict[str, dict]:
    """{site_id: {"error": one line, "robots": bool}} for the sites the archives cannot answer for."""
    out: dict[str, dict] = {}
    for site in sites:
        hit = next((d for d in index.damaged
                    if not d.hosts or any(same_site(f"http://{h}/", site.base_url) for h in d.hosts)), None)
        if hit is not None:
            out[site.id] = {"error": f"replay: {hit.path} is damaged at byte {hit.offset}: {hit.why}", "robots": False}
            continue
        missing = sorted({_origin(u) for u in (site.base_url, *site.start_urls)} - _robots_origins(index, site))
        if missing:
            error = robots_missing_error(missing[0])
            log = CrawlLog(lake.work_dir(run_id, site.id) / LOG_NAME, run_id, site.id)
            for url in site.start_urls:
                log.write(url, "robots_disallowed", None, 0, error, found_by="start")
            log.close()
            out[site.id] = {"error": f"replay: {error}: nothing of the site was fetched", "robots": True}
    return out


def _robots_origins(index: WarcIndex, site: Site) -> set[str]:
    origins = {_origin(u) for u in (site.base_url, *site.start_urls)}
    return {o for o in origins if f"{o}/robots.txt" in index}
