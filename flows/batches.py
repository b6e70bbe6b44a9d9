"""A crawl batch as one Prefect task: probe its sites, crawl the ones with something new in one process
(a crawler per site, crawlers/run_batch.py), and transform each site the moment its crawl ends.

Batches run on the flow's task runner (threads locally, Dask workers on a cluster); a batch task needs
the lake on a filesystem it shares with the flow, as the per-site tasks did. Unchanged sites cost no crawl:
their probes run in threads of the task, each polite to its host (crawlers/probe.py).
"""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from prefect import task

from crawlers.registry import Site
from flows.build import SiteRows, build_probed_site, build_site
from flows.crawl import CrawlResult, batch_entry, crawl_batch
from flows.lake import Lake
from flows.unchanged import SiteHistory, Verdict, probe_site
from transforms.documents import SiteInfo

PROBE_THREADS = 64  # probes of one batch at once: each waits on its own host's delay, not on the CPU


def site_info(s: Site) -> SiteInfo:
    return SiteInfo(id=s.id, level=s.level, province=s.province, agency=s.agency, district=s.district)


def built(r: SiteRows) -> dict:
    return {"site_id": r.site_id, "folder": r.folder, "records": r.records, "documents": r.documents,
            "facts": r.facts, "refs": r.refs, "warnings": r.warnings, "missing": dict(r.missing),
            "extraction": dict(r.extraction), "fallbacks": r.fallbacks, "filled": dict(r.filled),
            "newest_date": r.newest_date, "date_conflicts": r.date_conflicts}


def transform(lake_root: str, run_id: str, site: Site) -> dict:
    try:
        return built(build_site(lake_root, run_id, site_info(site)))
    except Exception as e:  # noqa: BLE001 (reported per site; the others go on)
        return {"site_id": site.id, "error": f"transform failed: {type(e).__name__}: {e}"}


def _probe(lake_root: str, run_id: str, site: Site, history: SiteHistory, replay, overrides) -> Verdict:
    try:
        return probe_site(Lake(lake_root), run_id, site, history, replay, overrides)
    except Exception as e:  # noqa: BLE001 (a probe that breaks only costs a crawl)
        return Verdict(False, f"probe failed: {type(e).__name__}: {e}")


@task(name="crawl-batch", retries=0)
def crawl_batch_task(lake_root: str, run_id: str, sites_file: str, name: str, sites: list[Site],
                     replay: list[str] | None, known: dict[str, list[str]], full: bool, max_pages: int | None,
                     histories: dict[str, SiteHistory], overrides: dict | None = None) -> list[dict]:
    """[{"site_id", "crawl": crawl result, "build": transform result}] for every site of the batch."""
    t0 = time.monotonic()
    out: list[dict] = []
    by_id = {s.id: s for s in sites}
    probed: dict[str, str] = {}
    to_probe = [s for s in sites if s.id in histories and not full]
    if to_probe:
        with ThreadPoolExecutor(max_workers=min(PROBE_THREADS, len(to_probe))) as pool:
            verdicts = pool.map(lambda s: (s, _probe(lake_root, run_id, s, histories[s.id], replay, overrides)),
                                to_probe)
            for s, verdict in verdicts:
                if verdict.unchanged:  # nothing to extract: the probe's log rows are the site's rows
                    crawl = {"site_id": s.id, "ok": True, "seconds": time.monotonic() - t0, "unchanged": True,
                             "probe": verdict.reason, "summary": {"exit_reason": "unchanged"}}
                    out.append({"site_id": s.id, "crawl": crawl,
                                "build": built(build_probed_site(lake_root, run_id, s.id))})
                else:
                    probed[s.id] = verdict.reason
    lake = Lake(lake_root)
    done = {o["site_id"] for o in out}
    entries = [batch_entry(lake, run_id, s.id, known.get(s.id, []), full, max_pages) for s in sites if s.id not in done]

    def finished(res: CrawlResult) -> None:  # the site's crawl has ended: transform it now
        crawl = {**res.to_dict(), "probe": probed.get(res.site_id), "ended_at": time.time()}
        build = transform(lake_root, run_id, by_id[res.site_id])
        out.append({"site_id": res.site_id, "crawl": crawl, "build": {**build, "built_at": time.time()}})

    if entries:
        crawl_batch(lake_root, run_id, sites_file, name, entries, replay, overrides, finished)
    return out
