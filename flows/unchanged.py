"""An incremental run does not crawl a site that has nothing new: decided by probing it from the flow.

A site is probed, not crawled, when its last crawl was complete (it finished, within its page budget)
and the published release holds its start pages. The probe asks for each start page (conditionally,
with the validators of its last answer) and for the pages that failed with a server or network error
last time. The site counts as unchanged when every start page answers 304, the same bytes, or links
to no page of the site it did not link to last time, and every failed page still fails. New articles
appear on the start pages first (listings are newest first), so this is the idle-listing rule of the
spiders applied before a crawl process is started. `--full` never probes.

Replay runs probe the replay archives, live runs the portals: the same rule against the lake's history.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from crawlers.probe import ALWAYS_CRAWLED, PROBE_LOG, LiveFetcher, Probe, ReplayFetcher, site_links
from crawlers.registry import Site
from crawlers.replay import find_response
from crawlers.settings import build_settings, parse_pins
from flows.lake import Lake
from transforms.urls import canonical_url

COMPLETE = ("finished", "unchanged")  # exit reasons of a crawl that saw the whole site (or a probe of one)


@dataclass
class SiteHistory:
    """What the published release says about a site's last run."""
    last_run: str
    last_ok_run: dict[str, str]                       # start page (canonical URL) -> run that last got a 200
    failed: list[str] = field(default_factory=list)   # URLs that failed retryably in the last run
    last_seen: list[str] = field(default_factory=list)  # pages the last run saw (fetched or skipped as known)


@dataclass
class Verdict:
    unchanged: bool
    reason: str
    linked: set[str] = field(default_factory=set)     # what the start pages link to (canonical URLs)


def _retryable(outcome: str, status: int | None, error: str | None) -> bool:
    if outcome == "network_error":
        return not (error or "").startswith("too large")  # the size cap answers the same tomorrow
    return outcome == "http_error" and status is not None and (status >= 500 or status == 429)


def site_histories(crawl_log: pa.Table, report: dict | None, sites: list[Site]) -> dict[str, SiteHistory]:
    """Sites whose last run was complete, from the published crawl log and run report."""
    start_pages = {s.id: {canonical_url(u) for u in s.start_urls} for s in sites}
    complete = [s["site_id"] for s in (report or {}).get("sites", [])
                if s.get("ok") and s.get("exit_reason") in COMPLETE]
    log = crawl_log.select(["run_id", "site_id", "url", "status", "outcome", "error"])
    log = log.filter(pc.is_in(log["site_id"], pa.array(complete, pa.string())))
    out = {r["site_id"]: SiteHistory(r["run_id_max"], {})
           for r in log.group_by("site_id").aggregate([("run_id", "max")]).to_pylist()}
    # Only the rows that can matter are read row by row: 200s of a start page (as registered or canonical, fragments aside) and
    # failures; a site's crawl log has thousands of other rows.
    logged_as = [u for s in sites for u in (*s.start_urls, *start_pages[s.id])]
    unfragmented = pc.replace_substring_regex(log["url"], "#.*$", "")
    ok = pc.and_(pc.equal(log["outcome"], "ok"), pc.is_in(unfragmented, pa.array(logged_as, pa.string())))
    failed = pc.is_in(log["outcome"], pa.array(["network_error", "http_error"]))
    for r in log.filter(pc.or_(ok, failed)).to_pylist():
        h, key = out[r["site_id"]], canonical_url(r["url"])
        if r["outcome"] == "ok" and r["status"] == 200 and key in start_pages.get(r["site_id"], ()):
            h.last_ok_run[key] = max(h.last_ok_run.get(key, ""), r["run_id"])
        elif r["run_id"] == h.last_run and _retryable(r["outcome"], r["status"], r["error"]):
            h.failed.append(r["url"])
    return out


def _validators(prev) -> dict[str, str]:
    headers = {k.lower(): v for k, v in prev.headers}
    return {k: headers[h] for k, h in (("etag", "etag"), ("last_modified", "last-modified")) if h in headers}


def _previous(lake: Lake, site_id: str, run_id: str | None, url: str):
    if not run_id:
        return None
    raw = lake.raw_dir(run_id)
    for path in (raw / f"{site_id}.probe.warc.gz", raw / f"{site_id}.warc.gz"):
        stored = find_response(path, url)
        if stored is not None and stored.status == 200:
            return stored
    return None


def probe_site(lake: Lake, run_id: str, site: Site, history: SiteHistory, replay: list[str] | None,
               overrides: dict | None = None) -> Verdict:
    """Probe the site (every answer archived and logged) and say whether it needs a crawl. `overrides`: the
    run's crawl settings (`cchc run --set`): the probe keeps the crawl's delay, timeout and address pins."""
    if site.cms in ALWAYS_CRAWLED:
        return Verdict(False, f"cms {site.cms}: its answers change while its start pages do not")
    raw = lake.raw_dir(run_id) / f"{site.id}.probe.warc.gz"
    s = build_settings(site_id=site.id, base_url=site.base_url, run_id=run_id, out_dir=Path("."), raw_path=raw,
                       overrides=overrides)
    if replay:
        fetcher = ReplayFetcher(replay, cache_dir=lake.root / "cache" / "replay-index")
    else:
        fetcher = LiveFetcher(timeout=float(s["DOWNLOAD_TIMEOUT"]), pins=parse_pins(s["CCHC_RESOLVE"]),
                              allow_private=str(s["CCHC_ALLOW_PRIVATE_ADDRESSES"]).lower() in ("1", "true", "yes"))
    probe = Probe(fetcher, site.id, run_id, raw, lake.work_dir(run_id, site.id), delay=float(s["DOWNLOAD_DELAY"]),
                  margin=float(s["CCHC_DELAY_MARGIN"]))
    try:
        verdict = _judge(lake, site, history, probe)
        if verdict.unchanged:
            # The known pages the start pages link to are skipped, as a crawl would have logged them.
            for url in sorted(verdict.linked & {canonical_url(u) for u in history.last_seen}):
                probe.log.write(url, "skipped_known", None, 0, "known from an earlier run")
        else:
            probe.settle()  # the crawl that follows asks the same hosts
        return verdict
    finally:
        probe.close()
        if isinstance(fetcher, LiveFetcher):
            fetcher.close()


def _judge(lake: Lake, site: Site, history: SiteHistory, probe: Probe) -> Verdict:
    linked: set[str] = set()
    for url in site.start_urls:
        prev = _previous(lake, site.id, history.last_ok_run.get(canonical_url(url)), url)
        if prev is None:
            return Verdict(False, f"no earlier copy of the start page {url}")
        a = probe.get(url, _validators(prev))
        if a.status == 304 or (a.status == 200 and a.body == prev.body):
            linked |= site_links(prev.body, url, site.base_url)
            continue
        if a.status != 200:
            return Verdict(False, f"start page {url} answered {a.status or a.error}")
        now, old = site_links(a.body, url, site.base_url), site_links(prev.body, url, site.base_url)
        if not now <= old:
            return Verdict(False, f"start page {url} links to {len(now - old)} new page(s)")
        linked |= now
    for url in history.failed:
        a = probe.get(url)
        if a.status is not None and a.status < 400:
            return Verdict(False, f"{url} failed last run and answers {a.status} now")
    return Verdict(True, "start pages link to nothing new", linked)


def probe_log_path(lake: Lake, run_id: str, site_id: str) -> Path:
    return lake.work_dir(run_id, site_id) / PROBE_LOG
