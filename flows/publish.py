"""Merge a run's rows into the lake's history, group duplicates, rank, validate, and publish atomically.

Upsert rules: a document keeps its first_seen_at; last_seen_at moves when a
run sees the page (fetched, or skipped as already known); run_id moves only
when the content changed. A page that disappears is kept. Facts and citations
of a re-read document replace its old ones; the others are carried over.
"""
from __future__ import annotations

import datetime as dt
import json
import shutil
import signal
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds

from flows import interrupt
from flows.lake import Lake, conform, write_table
from flows.schema import TABLES, to_arrow
from flows.units import units_table
from flows.validate import validate_release
from transforms.dedup import DedupInput, group_duplicates
from transforms.rankings import compute_rankings, find_conflicts

CHANGE_FIELDS = ("content_hash", "title", "published_date", "published_at", "author", "province_code", "agency",
                 "doc_type", "reform_related")


@dataclass
class Assembled:
    tables: dict[str, pa.Table]
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    per_site: dict[str, dict] = field(default_factory=dict)
    conflicts: list[dict] | None = field(default_factory=list)  # None: unchanged since the last release
    warnings: list[str] = field(default_factory=list)


def _read_rows(folders: list[str], table: str) -> list[dict]:
    paths = [str(p) for f in folders for p in sorted((Path(f) / table).glob("*.parquet"))]
    if not paths:
        return []
    return conform(table, ds.dataset(paths, format="parquet").to_table()).to_pylist()


def assemble(lake: Lake, run_id: str, now: dt.datetime, row_folders: list[str], seen_urls: set[str]) -> Assembled:
    prev_docs = {d["doc_id"]: d for d in lake.read_published("documents").to_pylist()}
    new_docs = _read_rows(row_folders, "documents")
    out = Assembled(tables={})
    docs: dict[str, dict] = dict(prev_docs)
    reread: set[str] = set()
    for d in new_docs:
        old = prev_docs.get(d["doc_id"])
        site = out.per_site.setdefault(d["site_id"], {"new": 0, "changed": 0, "unchanged": 0})
        d["last_seen_at"] = now
        if old is None:
            d["first_seen_at"], d["run_id"] = now, run_id
            out.new += 1
            site["new"] += 1
        else:
            d["first_seen_at"] = old["first_seen_at"] or now
            changed = any(d.get(k) != old.get(k) for k in CHANGE_FIELDS)
            d["run_id"] = run_id if changed else old["run_id"]
            out.changed += changed
            out.unchanged += not changed
            site["changed" if changed else "unchanged"] += 1
        docs[d["doc_id"]] = d
        reread.add(d["doc_id"])
    seen_ids = reread | {d["doc_id"] for d in docs.values() if d["url"] in seen_urls}
    for d in docs.values():
        # Skipped as known: still linked from the site; so are the attachments of a page seen this run.
        if d["doc_id"] not in reread and (d["doc_id"] in seen_ids or d.get("parent_doc_id") in seen_ids):
            d["last_seen_at"] = now
            out.per_site.setdefault(d["site_id"], {"new": 0, "changed": 0, "unchanged": 0})["unchanged"] += 1

    def grouping_key(ds: dict) -> set:
        return {(i, d["content_hash"], d.get("published_at"), d.get("published_date")) for i, d in ds.items()}
    same_groups = grouping_key(docs) == grouping_key(prev_docs) and all(d.get("dup_group") for d in prev_docs.values())
    if same_groups:
        # Nothing new or changed: the groups of the last release stand (grouping is the costly step).
        for i, d in docs.items():
            d["dup_group"], d["is_primary"] = prev_docs[i]["dup_group"], prev_docs[i]["is_primary"]
    else:
        groups = group_duplicates([DedupInput(d["doc_id"], d.get("body") or "", d["content_hash"] or "",
                                              d.get("published_at") or d.get("published_date")) for d in docs.values()])
        for d in docs.values():
            d["dup_group"], d["is_primary"] = groups[d["doc_id"]]

    crawl = pa.concat_tables([lake.read_published("crawl_log"), to_arrow("crawl_log", _read_rows(row_folders, "crawl_log"))])
    units, out.warnings = units_table(lake, row_folders)
    documents = to_arrow("documents", sorted(docs.values(), key=lambda d: (d["site_id"], d["url"])))
    if not reread and same_groups:
        # Nothing re-read and the same groups: citations, facts (and whether they count) and rankings stand.
        # Conflicts stay as the last report listed them (None here).
        out.conflicts = None
        out.tables = {"documents": documents, **{t: lake.read_published(t) for t in ("doc_refs", "indicators", "rankings")},
                      "crawl_log": crawl, "units": units}
        return out

    def carried(table: str, key: str) -> list[dict]:
        old = [r for r in lake.read_published(table).to_pylist() if r[key] not in reread and r[key] in docs]
        return old + _read_rows(row_folders, table)

    refs = _unique(carried("doc_refs", "doc_id"), ("doc_id", "number"))
    facts = carried("indicators", "source_doc_id")
    for f in facts:
        f["counted"] = bool(docs[f["source_doc_id"]]["is_primary"])
    facts = _unique(facts, ("source_doc_id", "entity_type", "entity_name", "indicator", "component", "period",
                            "method", "evidence"))
    out.conflicts = find_conflicts([f for f in facts if f["counted"]])
    out.tables = {
        "documents": documents,
        "doc_refs": to_arrow("doc_refs", refs),
        "indicators": to_arrow("indicators", facts),
        "rankings": to_arrow("rankings", compute_rankings(facts)),
        "crawl_log": crawl,
        "units": units,
    }
    return out


def _unique(rows: list[dict], key: tuple[str, ...]) -> list[dict]:
    seen, out = set(), []
    for r in rows:
        k = tuple(r.get(c) for c in key)
        if k not in seen:
            seen.add(k)
            out.append(r)
    return out


class PublishError(Exception):
    """The release failed validation; the previous one stays published."""


def publish(lake: Lake, run_id: str, tables: dict[str, pa.Table], report: dict) -> Path:
    """Write the release to a staging folder, validate it, then make it the published one in one rename."""
    from flows.sources import build_sources

    previous = lake.read_published("sources").to_pylist()
    tables = {**tables, "sources": to_arrow("sources", build_sources(report, tables, previous, root=lake.root))}
    errors = validate_release(tables)
    report["validation_errors"] = errors
    if errors:
        raise PublishError("; ".join(errors[:5]))
    staging = lake.staging_dir(run_id)
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    sort = {"documents": ["site_id", "url"], "doc_refs": ["doc_id", "number"],
            "indicators": ["province_code", "indicator", "period"], "rankings": ["indicator", "period", "scope", "rank"],
            "crawl_log": ["run_id", "site_id", "fetched_at"], "units": ["valid_from", "province_code"]}
    for name in TABLES:
        write_table(staging, name, tables[name], sort_by=sort.get(name))
    final = lake.release_dir(run_id)
    _write_extras(staging, run_id, report)
    staging.rename(final)
    try:
        # DuckDB views hold absolute paths, so they are made where the release will stay; it is not visible until
        # the swap.
        from flows.duck import write_duckdb
        write_duckdb(final)
        with interrupt.held():  # an interrupt is either before the swap (nothing published) or after it
            if interrupt.pending():
                raise interrupt.Interrupted(interrupt.received() or signal.SIGINT)
            lake.swap_published(run_id)
    except BaseException:
        if lake.current_release() != final:  # never published: not a release
            shutil.rmtree(final, ignore_errors=True)
        raise
    return final


def _write_extras(staging: Path, run_id: str, report: dict) -> None:
    """datapackage.json and the run report inside the release."""
    from flows.datapackage import write_datapackage
    from flows.run_report import write_report_html

    (staging / "run_report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str),
                                             encoding="utf-8")
    write_report_html(staging / "run_report.html", report)
    write_datapackage(staging, run_id)
