"""Checks a release must pass before it replaces the published one (zavod-style assertions).

`validate_release` returns blocking errors: a release with any is not
published. `site_alarms` returns warnings that go into the run report: one
broken portal must not block everyone else's data.
"""
from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc

from flows.schema import COMPONENTS, INDICATORS, OUTCOMES, PRIMARY_KEYS, arrow_schema

UNITS = {"points", "percent", "count", "rank"}
DOC_TYPES = {"plan", "ranking", "statistics", "news"}
LEVELS = {"national", "province", "department", "district", "newspaper"}
PERIOD = re.compile(r"^\d{4}(?:-(?:0[1-9]|1[0-2]|Q[1-4]|H[12]))?$")
# Minimum share of HTML pages with each field; below it a parser is broken, not a page.
FILL_RATES = {"title": 0.90, "body": 0.90, "published_date": 0.80}


def _duplicates(t: pa.Table, key: list[str]) -> int:
    if not key or t.num_rows == 0:
        return 0
    grouped = t.select(key).group_by(key, use_threads=False).aggregate([([], "count_all")])
    return int(pc.sum(pc.greater(grouped.column("count_all"), 1)).as_py() or 0)


def _fill(col: pa.ChunkedArray) -> float:
    if len(col) == 0:
        return 1.0
    ok = pc.is_valid(col)
    if pa.types.is_string(col.type):
        ok = pc.and_(ok, pc.greater(pc.utf8_length(pc.fill_null(col, "")), 0))
    return pc.sum(ok).as_py() / len(col)


def validate_release(tables: dict[str, pa.Table]) -> list[str]:
    errors: list[str] = []
    for name, t in tables.items():
        if t.schema.remove_metadata() != arrow_schema(name).remove_metadata():
            errors.append(f"{name}: schema differs from the contract")
        n = _duplicates(t, PRIMARY_KEYS.get(name, []))
        if n:
            errors.append(f"{name}: {n} duplicate keys on {PRIMARY_KEYS[name]}")
    docs = tables["documents"]
    if docs.num_rows == 0:
        errors.append("documents: empty release")
        return errors
    # Fill rates are judged on article pages: table and statistics pages state no date, attachments no title.
    html = docs.filter(pc.and_(pc.equal(pc.fill_null(docs.column("media_type"), "text/html"), "text/html"),
                               pc.is_in(docs.column("doc_type"), pa.array(["news", "plan"]))))
    for col, floor in FILL_RATES.items():
        rate = _fill(html.column(col))
        if rate < floor:
            errors.append(f"documents: {col} filled in {rate:.0%} of pages, floor {floor:.0%}")
    ids = set(docs.column("doc_id").to_pylist())
    for name, col in (("doc_refs", "doc_id"), ("indicators", "source_doc_id")):
        orphans = {x for x in tables[name].column(col).to_pylist() if x not in ids}
        if orphans:
            errors.append(f"{name}: {len(orphans)} rows point to no document")
    errors += _vocabulary(tables)
    return errors


def _bad(values: list, allowed) -> list:
    return sorted({v for v in values if v is not None and v not in allowed}, key=str)[:5]


def _vocabulary(tables: dict[str, pa.Table]) -> list[str]:
    errors = []
    d, i, c = tables["documents"], tables["indicators"], tables["crawl_log"]
    checks = [
        ("documents.doc_type", d.column("doc_type").to_pylist(), DOC_TYPES),
        ("documents.level", d.column("level").to_pylist(), LEVELS),
        ("indicators.indicator", i.column("indicator").to_pylist(), set(INDICATORS)),
        ("indicators.unit", i.column("unit").to_pylist(), UNITS),
        ("indicators.component", i.column("component").to_pylist(), set(COMPONENTS)),
        ("crawl_log.outcome", c.column("outcome").to_pylist(), set(OUTCOMES)),
    ]
    for name, values, allowed in checks:
        bad = _bad(values, allowed)
        if bad:
            errors.append(f"{name}: values outside the vocabulary: {bad}")
    periods = [p for p in i.column("period").to_pylist() if p is None or not PERIOD.match(p)]
    if periods:
        errors.append(f"indicators.period: {len(periods)} malformed, e.g. {periods[0]!r}")
    return errors


def site_alarms(site_id: str, pages_ok: int, records: int, documents_before: int, pages_before: int | None,
                missing: dict[str, int], crawl_failed: str | None) -> list[str]:
    """Warnings about one site: silent, shrinking, or with selectors that found nothing."""
    alarms = []
    if crawl_failed:
        alarms.append(f"{site_id}: crawl failed: {crawl_failed}")
    if records == 0 and documents_before > 0:
        alarms.append(f"{site_id}: zero yield (had {documents_before} documents before)")
    elif records == 0:
        alarms.append(f"{site_id}: zero yield")
    if pages_before and pages_ok < pages_before / 2:
        alarms.append(f"{site_id}: yield drop: {pages_ok} pages offered, {pages_before} in the last run of this kind")
    for part, n in sorted(missing.items()):
        alarms.append(f"{site_id}: selector found nothing for '{part}' on {n} page(s)")
    return alarms
