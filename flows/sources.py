"""The `sources` table: one row per registered site, for freshness (CONTRACT.md "sources").

Built at publish time from the registry, this run's report, the release's own tables and the previous
release's `sources` rows (what earlier runs knew: when a site last answered, when it last had news).
A site this run did not try (`--only`) keeps its previous row, with counts from this release.

status, first that applies:
- blocked: its last run's crawl_log has outcome `blocked` (the site refused the crawler);
- failing: its last run failed (the crawl or the transform broke);
- stale: no successful crawl in the last STALE_DAYS days (or never);
- ok.
"""
from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from pathlib import Path

import pyarrow as pa

STALE_DAYS = 7
OK_OUTCOMES = ("ok", "not_modified", "skipped_known")


def _when(value) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def _registry(report: dict, root: Path | None) -> list:
    """The registered sites (all of them, not only those this run tried); [] when the file cannot be read.
    The report names the registry relative to the lake root."""
    from crawlers.registry import RegistryError, load_registry

    path = report.get("sites_file")
    if not path:
        return []
    path = Path(path)
    if not path.is_absolute() and root is not None:
        path = Path(os.path.normpath(Path(root) / path))
    try:
        return load_registry(path)
    except (OSError, RegistryError, ValueError):
        return []


def _site_facts(tables: dict[str, pa.Table]) -> tuple[Counter, Counter]:
    docs = tables["documents"].select(["doc_id", "site_id"]).to_pylist()
    site_of = {d["doc_id"]: d["site_id"] for d in docs}
    documents = Counter(d["site_id"] for d in docs)
    facts = Counter(site_of.get(i) for i in tables["indicators"].column("source_doc_id").to_pylist())
    return documents, facts


def _crawl_history(crawl_log: pa.Table) -> tuple[dict, dict, dict]:
    """Per site: its latest run id, and per (run, site): blocked requests and the last good answer."""
    last_run: dict[str, str] = {}
    blocked: Counter = Counter()
    last_ok: dict[str, dt.datetime] = {}
    for r in crawl_log.select(["run_id", "site_id", "outcome", "fetched_at"]).to_pylist():
        sid, run = r["site_id"], r["run_id"]
        if run and (sid not in last_run or run > last_run[sid]):
            last_run[sid] = run
        if r["outcome"] == "blocked":
            blocked[(run, sid)] += 1
        if r["outcome"] in OK_OUTCOMES and r["fetched_at"] is not None:
            last_ok[sid] = max(last_ok.get(sid, r["fetched_at"]), r["fetched_at"])
    return last_run, blocked, last_ok


def _newest_seen(documents: pa.Table) -> dict[str, dt.datetime]:
    out: dict[str, dt.datetime] = {}
    for d in documents.select(["site_id", "first_seen_at"]).to_pylist():
        if d["first_seen_at"] is not None:
            out[d["site_id"]] = max(out.get(d["site_id"], d["first_seen_at"]), d["first_seen_at"])
    return out


def build_sources(report: dict, tables: dict[str, pa.Table], previous: list[dict],
                  registry: list | None = None, root: Path | None = None) -> list[dict]:
    """The rows of `sources` for this release (see the module docstring)."""
    now = _when(report.get("finished_at") or report.get("started_at")) or dt.datetime.now(dt.UTC)
    run_id = report.get("run_id")
    registry = _registry(report, root) if registry is None else registry
    tried = {s["site_id"]: s for s in report.get("sites", [])}
    prev = {r["site_id"]: r for r in previous}
    documents, facts = _site_facts(tables)
    last_run, blocked, last_ok_logged = _crawl_history(tables["crawl_log"])
    newest = _newest_seen(tables["documents"])
    meta = {s.id: {"name": s.name, "cms": s.cms, "level": s.level, "province_code": s.province} for s in registry}
    if not meta:  # the registry could not be read: the sites this run tried and the last release knew
        keys = ("name", "cms", "level", "province_code")
        meta = {sid: {k: prev.get(sid, {}).get(k) for k in keys} for sid in [*tried, *prev]}
    rows = []
    for sid, info in meta.items():
        p, site = prev.get(sid, {}), tried.get(sid)
        row = {"site_id": sid, **info, "documents": documents.get(sid, 0), "facts": facts.get(sid, 0)}
        if site is not None:
            row["last_run_id"] = run_id
            n_blocked = blocked.get((run_id, sid), 0)
            failed = not site.get("ok", True)
            row["last_ok_at"] = now if not failed and not n_blocked else _when(p.get("last_ok_at", last_ok_logged.get(sid)))
            fresh = (site.get("documents_new") or 0) + (site.get("documents_changed") or 0)
            row["last_new_at"] = now if fresh else _when(p.get("last_new_at", newest.get(sid)))
            reason = next(iter(site.get("alarms") or []), None)
        else:
            row["last_run_id"] = p.get("last_run_id", last_run.get(sid))
            row["last_ok_at"] = _when(p.get("last_ok_at", last_ok_logged.get(sid)))
            row["last_new_at"] = _when(p.get("last_new_at", newest.get(sid)))
            n_blocked = blocked.get((row["last_run_id"], sid), 0)
            failed, reason = p.get("status") == "failing", None
        row["status"], row["note"] = _status(row, now, n_blocked, failed, reason)
        if site is None and row["status"] == "failing":
            row["note"] = p.get("note")  # why its last run failed, as that run said
        rows.append(row)
    return sorted(rows, key=lambda r: r["site_id"])


def _status(row: dict, now: dt.datetime, n_blocked: int, failed: bool, reason: str | None) -> tuple[str, str | None]:
    run = row["last_run_id"]
    if n_blocked:
        return "blocked", f"run {run}: the site refused {n_blocked} request{'s' if n_blocked != 1 else ''}"
    if failed:
        return "failing", f"run {run} failed" + (f": {reason}" if reason else "")
    last_ok = row["last_ok_at"]
    if last_ok is None:
        return "stale", "never crawled successfully"
    if now - last_ok > dt.timedelta(days=STALE_DAYS):
        return "stale", f"no successful crawl since {last_ok.date().isoformat()} ({(now - last_ok).days} days)"
    return "ok", None
