"""`cchc run`: the nightly Prefect flow — crawl every site, transform, merge, validate, publish.

Sites are grouped into crawl batches (transforms/batches.py), each a Prefect task on the flow's task
runner that crawls its sites in one Scrapy process, a crawler and download slots per site
(flows/batches.py); each site's records are transformed as soon as its crawl ends. A site that fails is
reported and the others go on; a release that fails validation is not published, and the previous one
stays in place.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

from prefect import flow
from prefect.futures import as_completed
from prefect.task_runners import ThreadPoolTaskRunner
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from crawlers.registry import RegistryError, Site, default_registry_path, load_registry
from crawlers.replay import ArchiveError, check_archives
from crawlers.settings import parse_overrides
from flows import interrupt
from flows.batches import built, crawl_batch_task
from flows.build import build_probed_site
from flows.errors import UserError
from flows.lake import Lake, read_jsonl, relative_paths
from flows.prefect_api import EarlyApi, using
from flows.publish import PublishError, assemble, publish
from flows.remote import working_lake
from flows.replay_check import archived_pages, replay_index, replay_refusals
from flows.run_report import (
    conflicts_section,
    crawl_mode,
    offered_before,
    print_summary,
    site_report,
    write_report_json,
)
from flows.unchanged import SiteHistory, probe_log_path, site_histories
from transforms.batches import BATCH_PAGES, BATCH_SITES, default_batch_sites, plan_batches
from transforms.urls import canonical_url


@contextmanager
def lake_lock(lake: Lake):
    """One run at a time per lake: a second concurrent run would publish over the first."""
    try:
        lake.root.mkdir(parents=True, exist_ok=True)
        fh = open(lake.root / ".lock", "w")
    except OSError as e:
        raise UserError(f"cannot write to the lake {lake.root}: {lake_problem(lake, e)}") from e
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as e:
        fh.close()
        raise UserError(f"another run holds the lake {lake.root}") from e
    try:
        try:
            lake.check_writable()
        except OSError as e:
            raise UserError(f"cannot write to the lake {lake.root}: {lake_problem(lake, e)}") from e
        yield
    finally:
        fcntl.flock(fh, fcntl.LOCK_UN)
        fh.close()


def lake_problem(lake: Lake, e: OSError) -> str:
    """Why the lake cannot be written, in a few words: the error, and the path when it is not the lake's root."""
    path = Path(e.filename) if e.filename else lake.root
    what = "not a folder" if path.exists() and not path.is_dir() else (e.strerror or str(e))
    return what if path == lake.root else f"{what} ({path})"


def new_run_id(lake: Lake) -> str:
    base = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    run_id, n = base, 1
    while lake.release_dir(run_id).exists() or lake.run_dir(run_id).exists():
        n += 1
        run_id = f"{base}-{n}"
    return run_id


def _history(lake: Lake, sites: list[Site], last_report: dict | None) -> tuple[dict[str, list[str]], Counter,
                                                                               dict[str, SiteHistory]]:
    """Known URLs per site, documents per site, and what a probe needs."""
    docs = lake.read_published("documents", ["site_id", "url", "last_seen_at"]).to_pylist()
    known: dict[str, list[str]] = {}
    newest: dict[str, object] = {}
    for d in docs:
        known.setdefault(d["site_id"], []).append(d["url"])
        if d["last_seen_at"] is not None:
            newest[d["site_id"]] = max(newest.get(d["site_id"], d["last_seen_at"]), d["last_seen_at"])
    table = lake.read_published("crawl_log", ["run_id", "site_id", "url", "status", "outcome", "error"])
    histories = site_histories(table, last_report, sites)
    for d in docs:
        if d["site_id"] in histories and d["last_seen_at"] == newest.get(d["site_id"]):
            histories[d["site_id"]].last_seen.append(d["url"])
    return known, Counter(d["site_id"] for d in docs), histories


def _published_report(lake: Lake) -> dict | None:
    rel = lake.current_release()
    path = rel / "run_report.json" if rel else None
    if path is None or not path.exists():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # no report: every site is crawled


@dataclass
class CrawlOutcomes:
    """One read of a site's crawl log."""
    outcomes: Counter = field(default_factory=Counter)      # requests by outcome
    skipped: set[str] = field(default_factory=set)          # canonical URLs skipped as already known
    found_by: Counter = field(default_factory=Counter)      # requests by the path that found them
    generic_found: list[str] = field(default_factory=list)  # some URLs generic listing discovery found


def _crawl_outcomes(lake: Lake, run_id: str, sid: str) -> CrawlOutcomes:
    out = CrawlOutcomes()
    rows = chain(read_jsonl(probe_log_path(lake, run_id, sid)), read_jsonl(lake.work_dir(run_id, sid) / "crawl_log.jsonl"))
    for r in rows:
        out.outcomes[r.get("outcome")] += 1
        out.found_by[r.get("found_by")] += 1
        if r.get("outcome") == "skipped_known":
            out.skipped.add(canonical_url(r["url"]))
        if r.get("found_by") == "listing_generic" and len(out.generic_found) < 5:
            out.generic_found.append(r["url"])
    return out


@flow(name="cchc-nightly", log_prints=False)
def nightly(lake_root: str, sites_file: str, site_ids: list[str] | None = None, replay: list[str] | None = None,
            full: bool = False, show_progress: bool = True, max_pages: int | None = None, keep: int = 14,
            keep_raw_days: float | None = None, overrides: dict | None = None, batch_sites: int = BATCH_SITES,
            batch_pages: int = BATCH_PAGES, workers: int = 2) -> dict:
    interrupt.rearm()
    t0 = time.monotonic()
    lake = Lake(lake_root)
    lake.ensure()
    stale = lake.clean_stale()
    run_id = new_run_id(lake)
    started = dt.datetime.now(dt.UTC)
    sites = {s.id: s for s in load_registry(Path(sites_file)) if site_ids is None or s.id in site_ids}
    last_report = _published_report(lake)  # the release this run builds on
    known, docs_before, histories = _history(lake, list(sites.values()), last_report)
    offered = offered_before(lake.root)
    crawls, builds = {}, {}
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        console=Console(stderr=True), disable=not show_progress, transient=False)
    with progress:
        bar = progress.add_task(f"run {run_id}: crawling {len(sites)} sites", total=len(sites))
        # Expected size: what the lake holds of a site, or in a replay what the archives hold. One batch per
        # worker at least, so that they start together; the biggest sites are spread first, so that the batches
        # end together. Replay: a site the archives cannot answer for (damaged file, no robots.txt) is not
        # crawled; it fails.
        index = replay_index(lake, replay) if replay else None
        expected = {sid: len(known.get(sid, [])) for sid in sites}
        if index is not None:
            expected = {sid: max(n, expected[sid]) for sid, n in archived_pages(index, list(sites.values())).items()}
        for sid, why in (replay_refusals(lake, run_id, index, list(sites.values())) if index else {}).items():
            crawls[sid] = {"site_id": sid, "ok": False, "seconds": 0.0, "error": why["error"],
                           "summary": {"exit_reason": "refused"}}
            builds[sid] = built(build_probed_site(lake_root, run_id, sid)) if why["robots"] else {"site_id": sid}
        progress.update(bar, completed=len(crawls))
        todo = [sid for sid in sites if sid not in crawls]
        batches = plan_batches({sid: expected[sid] for sid in todo}, batch_sites, batch_pages, workers)
        futures = [crawl_batch_task.submit(lake_root, run_id, sites_file, f"batch-{n:03d}", [sites[sid] for sid in b],
                                           replay, {sid: known.get(sid, []) for sid in b}, full, max_pages,
                                           {sid: histories[sid] for sid in b if sid in histories}, overrides)
                   for n, b in enumerate(batches, start=1)]
        for fut in as_completed(futures):
            for res in fut.result():
                crawls[res["site_id"]], builds[res["site_id"]] = res["crawl"], res["build"]
            progress.update(bar, completed=len(crawls), description=f"crawled and transformed {len(crawls)} sites")
        progress.update(bar, description=f"run {run_id}: merging and publishing")
        t_crawl = time.monotonic()
        now = dt.datetime.now(dt.UTC)
        logs = {sid: _crawl_outcomes(lake, run_id, sid) for sid in sites}
        seen = set().union(*(log.skipped for log in logs.values()))
        # A site found unchanged still offers every page its last run saw.
        seen.update(*(histories[sid].last_seen for sid, c in crawls.items() if c.get("unchanged")))
        folders = [b["folder"] for b in builds.values() if b.get("folder")]
        merged = assemble(lake, run_id, now, folders, seen)
    t_merge = time.monotonic()
    report = {"run_id": run_id, "started_at": started.isoformat(), "sites_file": sites_file,
              "replay": replay, "full": full, "stale_staging_removed": stale, "sites": [], "alarms": [],
              # Crawled like the others, but nobody has checked them online yet (registry `verified = false`).
              "unverified_sites": sorted(sid for sid in sites if not sites[sid].verified),
              **conflicts_section(merged.conflicts, last_report), "counts": {k: t.num_rows for k, t in merged.tables.items()}}
    for sid in sites:
        s = site_report(sid, crawls.get(sid, {}), builds.get(sid, {}), merged.per_site.get(sid, {}),
                         docs_before.get(sid, 0), offered, crawl_mode(full, known.get(sid, [])), logs[sid].outcomes,
                         sites[sid].cms, logs[sid].found_by, logs[sid].generic_found)
        s["verified"] = sites[sid].verified
        report["sites"].append(s)
        report["alarms"].extend(s["alarms"])
    report["alarms"].extend(merged.warnings)
    # Paths relative to the lake: the report is published, and read on other machines.
    report = relative_paths(report, lake.root, [sites_file, *(replay or [])])
    report["finished_at"] = dt.datetime.now(dt.UTC).isoformat()
    report["seconds"] = round(time.monotonic() - t0, 2)
    try:
        publish(lake, run_id, merged.tables, {**report, "status": "published"})
        report["status"] = "published"
    except PublishError as e:
        report["status"] = f"not published: {e}"
    retain(lake, report, keep, keep_raw_days)
    report["stage_seconds"] = {"crawl_and_transform": round(t_crawl - t0, 2), "merge": round(t_merge - t_crawl, 2),
                               "validate_and_publish": round(time.monotonic() - t_merge, 2)}
    write_report_json(lake.run_dir(run_id) / "run_report.json", report)
    return report


def retain(lake: Lake, report: dict, keep: int, keep_raw_days: float | None) -> None:
    """Retention after a successful publish (never after a failed run: its folders are what explains it)."""
    if report.get("status") != "published":
        return
    report["retention"] = lake.prune(report["run_id"], keep, keep_raw_days, dt.datetime.now(dt.UTC))


def run_command(args, api: EarlyApi | None = None) -> int:
    sites_file = Path(args.sites) if args.sites else default_registry_path()
    if not sites_file.exists():
        raise UserError(f"no site registry at {sites_file}")
    try:
        sites = load_registry(sites_file)
    except RegistryError as e:
        raise UserError(str(e)) from e
    ids = [s.id for s in sites]
    if args.only:
        unknown = [x for x in args.only if x not in ids]
        if unknown:
            raise UserError(f"unknown site id {unknown[0]!r} (not in {sites_file})")
        ids = [x for x in ids if x in args.only]
    replay = None
    if args.replay:
        missing = [str(p) for p in args.replay if not Path(p).exists()]
        if missing:
            raise UserError(f"replay archive not found: {missing[0]}")
        try:
            check_archives(args.replay)
        except (ArchiveError, OSError) as e:
            raise UserError(f"replay: {e}") from e
        replay = [str(Path(p).resolve()) for p in args.replay]
    try:
        overrides = parse_overrides(args.set or [])
    except ValueError as e:
        raise UserError(str(e)) from e
    batch_sites = default_batch_sites(len(ids), args.workers, bool(replay)) if args.batch_sites is None else args.batch_sites
    if batch_sites < 1 or args.batch_pages < 1 or args.workers < 1:
        raise UserError("--batch-sites, --batch-pages and --workers must be at least 1")
    flow_fn = nightly.with_options(task_runner=_task_runner(args))
    with working_lake(args.lake, publish_back=True) as (local, record_run):
        lake = Lake(local)
        with lake_lock(lake), using(api):
            report = flow_fn(str(lake.root), str(sites_file.resolve()), ids, replay, args.full,
                             show_progress=os.environ.get("CCHC_NO_PROGRESS") is None, max_pages=args.max_pages,
                             keep=args.keep, keep_raw_days=args.keep_raw_days,
                             overrides=overrides, batch_sites=batch_sites, batch_pages=args.batch_pages,
                             workers=args.workers)
        record_run(report["run_id"])
    print_summary(report)
    return 0 if report["status"] == "published" else 1


def _task_runner(args):
    if args.task_runner == "dask":
        from prefect_dask import DaskTaskRunner
        if args.dask_address:
            return DaskTaskRunner(address=args.dask_address)
        return DaskTaskRunner(cluster_kwargs={"n_workers": args.workers, "threads_per_worker": 1,
                                              "processes": True, "dashboard_address": None,
                                              "preload": ["flows.dask_worker"]})
    return ThreadPoolTaskRunner(max_workers=args.workers)
