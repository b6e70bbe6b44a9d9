"""Turn one site's crawl output (records.jsonl, crawl_log.jsonl) into table rows, written next to it.

Runs as one task per site, so the transforms fan out with the crawls (threads
or a Dask cluster). Streams the records: attachments are done in a second pass,
once the pages that link them are known.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from crawlers.probe import PROBE_LOG
from flows.lake import Lake, read_jsonl, write_jsonl, write_table
from transforms.documents import SiteInfo
from transforms.gazetteer import Gazetteer
from transforms.pages import page_rows
from transforms.service_index import api_rows
from transforms.units import default_units
from transforms.urls import canonical_url, doc_id

UNIT_IDS = "unit_ids.jsonl"   # ids of units the site's API answers stated (flows/units.py makes `units` of them)


@dataclass
class SiteRows:
    site_id: str
    folder: str
    records: int = 0
    documents: int = 0
    facts: int = 0
    refs: int = 0
    warnings: list[str] = field(default_factory=list)
    missing: Counter = field(default_factory=Counter)
    extraction: Counter = field(default_factory=Counter)   # pages (not attachments) by the path that read them
    fallbacks: list[str] = field(default_factory=list)     # pages a family's selectors failed on (read generically)
    filled: Counter = field(default_factory=Counter)       # parts of family pages the generic reading supplied
    newest_date: str | None = None
    date_conflicts: list[str] = field(default_factory=list)  # "URL (the structured date)" of pages whose dates differ


def _parse_ts(s: str | None) -> dt.datetime | None:
    if not s:
        return None
    try:
        t = dt.datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        return None
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def crawl_log_rows(path: Path, run_id: str, site_id: str) -> list[dict]:
    rows = []
    for r in read_jsonl(path):
        rows.append({"run_id": r.get("run_id") or run_id, "site_id": r.get("site_id") or site_id, "url": r.get("url"),
                     "method": r.get("method") or "GET", "request": r.get("request"), "status": r.get("status"), "outcome": r.get("outcome"), "fetched_at": _parse_ts(r.get("fetched_at")),
                     "bytes": r.get("bytes"), "error": r.get("error"), "found_by": r.get("found_by")})
    return rows


def _logged_requests(folder: Path, run_id: str, site_id: str) -> list[dict]:
    # A crawled site was probed first (flows/unchanged.py): those requests are part of its log too.
    return crawl_log_rows(folder / PROBE_LOG, run_id, site_id) + crawl_log_rows(folder / "crawl_log.jsonl", run_id, site_id)


def build_probed_site(lake_root: str, run_id: str, site_id: str) -> SiteRows:
    """A site the probe found unchanged: its only rows are the probe's requests."""
    folder = Lake(lake_root).work_dir(run_id, site_id)
    out = SiteRows(site_id, str(folder / "rows"))
    write_table(folder / "rows", "crawl_log", _logged_requests(folder, run_id, site_id))
    return out


def build_site(lake_root: str, run_id: str, site: SiteInfo) -> SiteRows:
    """records.jsonl -> rows/{documents,doc_refs,indicators,crawl_log}/part-0.parquet for one site."""
    lake = Lake(lake_root)
    folder = lake.work_dir(run_id, site.id)
    gaz = Gazetteer.default()
    out = SiteRows(site.id, str(folder / "rows"))
    docs: dict[str, dict] = {}
    refs: list[dict] = []
    facts: list[dict] = []
    parents: dict[str, object] = {}
    attachments_of: dict[str, list[dict]] = {}
    learned: list[dict] = []

    def take_api(rec: dict) -> None:
        try:
            rows = api_rows(rec, site.id, site.level, default_units())
        except Exception as e:  # one bad answer must not stop the site; it is reported with its URL
            out.warnings.append(f"{site.id}: {rec.get('url')} {rec.get('request')}: transform failed: "
                                f"{type(e).__name__}: {e}")
            return
        d = rows.document
        d["raw_warc"] = f"raw/{run_id}/{site.id}.warc.gz"
        if d["doc_id"] not in docs:
            docs[d["doc_id"]] = d
            facts.extend(rows.indicators)
            learned.extend(rows.learned)
        out.warnings.extend(f"{site.id}: {d['url']} {d['request']}: {w}" for w in rows.warnings)

    def take(rec: dict, parent=None) -> None:
        if rec.get("kind") in ("api", "api_index"):   # an API answer, or the public page that offers the API
            out.records += 1
            if rec["kind"] == "api":
                take_api(rec)
            else:
                out.missing.update(rec.get("missing") or [])
            return
        out.records += 1
        # An attachment's title falls back to its link text: a file without one is not a broken selector.
        out.missing.update(m for m in rec.get("missing") or [] if not (rec.get("kind") == "attachment" and m == "title"))
        try:
            rows = page_rows(rec, site, gaz, parent)
        except Exception as e:  # one bad page must not stop the site; it is reported with its URL
            out.warnings.append(f"{site.id}: {rec.get('url')}: transform failed: {type(e).__name__}: {e}")
            return
        d = rows.document
        if rec.get("kind") != "attachment":
            out.extraction[d["extraction"]] += 1
            if rec.get("fallback"):
                out.fallbacks.append(f"{rec.get('url')} ({rec['fallback']})")
            out.filled.update(rec.get("filled") or [])
            if rec.get("date_conflict"):
                out.date_conflicts.append(f"{rec.get('url')} ({rec['date_conflict']})")
        d["raw_warc"] = f"raw/{run_id}/{site.id}.warc.gz"  # provenance: the WARC (under the lake) holding the response
        if d["doc_id"] in docs:
            return  # the same canonical page reached twice (a redirect or a tracking twin)
        docs[d["doc_id"]] = d
        refs.extend(rows.doc_refs)
        facts.extend(rows.indicators)
        out.warnings.extend(f"{site.id}: {d['url']}: {w}" for w in rows.warnings)
        if rec.get("kind") != "attachment":
            parents[canonical_url(rec.get("url", ""))] = rows.parent_info()
            if rec.get("requested_url"):
                parents[canonical_url(rec["requested_url"])] = parents[canonical_url(rec["url"])]

    pending = []
    for rec in read_jsonl(folder / "records.jsonl"):
        if rec.get("kind") == "attachment":
            pending.append(rec)
        else:
            take(rec)
    for rec in pending:
        parent = parents.get(canonical_url(rec.get("parent_url") or ""))
        if parent is None:
            out.warnings.append(f"{site.id}: {rec.get('url')}: attachment without a crawled parent page")
        take(rec, parent)
        if parent is not None:
            d = docs.get(doc_id(rec["url"]))
            if d is not None:
                attachments_of.setdefault(parent.doc_id, []).append(
                    {"url": d["url"], "title": d["title"], "media_type": d["media_type"]})
    for pid, atts in attachments_of.items():
        if pid in docs:
            docs[pid]["attachments"] = atts
    dates = [d["published_date"] for d in docs.values() if d.get("published_date")]
    out.newest_date = max(dates).isoformat() if dates else None
    out.documents, out.facts, out.refs = len(docs), len(facts), len(refs)
    rows_dir = folder / "rows"
    write_table(rows_dir, "documents", list(docs.values()))
    write_table(rows_dir, "doc_refs", refs)
    write_table(rows_dir, "indicators", facts)
    write_table(rows_dir, "crawl_log", _logged_requests(folder, run_id, site.id))
    write_jsonl(rows_dir / UNIT_IDS, learned)
    return out
