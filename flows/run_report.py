"""The run report: JSON for machines, a small HTML page for people, a summary table on the terminal."""
from __future__ import annotations

import datetime as dt
import html
import json
import sys
from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.table import Table

from flows.validate import site_alarms

ERROR_OUTCOMES = ("http_error", "network_error", "parse_error", "robots_disallowed")

COLUMNS = [("site_id", "site"), ("mode", "crawl"), ("pages", "pages"), ("documents", "documents"), ("documents_new", "new"),
           ("documents_changed", "changed"), ("documents_unchanged", "unchanged"), ("facts", "facts"),
           ("skipped_known", "skipped"), ("error_count", "errors"), ("newest_document_date", "newest")]


def crawl_mode(full: bool, known: list[str]) -> str:
    """How a site is crawled: everything (--full, or nothing known yet), or what is new."""
    return "full" if full or not known else "incremental"


def offered_before(lake_root: Path, limit: int = 60) -> dict[tuple[str, str], int]:
    """Pages each site offered (fetched, or skipped as known) in its last published run of each mode: an
    incremental crawl that stops paging early is compared with the last incremental one, not a full one."""
    out: dict[tuple[str, str], int] = {}
    runs = sorted((Path(lake_root) / "runs").glob("*/run_report.json"), reverse=True)[:limit]
    for path in runs:
        try:
            report = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if report.get("status") != "published":
            continue
        for s in report.get("sites", []):
            mode = s.get("mode") or ("incremental" if s.get("skipped_known") else "full")
            if mode != "unchanged":
                out.setdefault((s["site_id"], mode), s.get("pages", 0) + s.get("skipped_known", 0))
    return out


# A family site whose pages fall back on generic extraction this often has a theme its table no longer matches.
DRIFT_SHARE = 0.2
DRIFT_EXAMPLES = 5


def extraction_shares(counts: dict[str, int]) -> dict[str, float]:
    """Share of a site's pages (attachments aside) by the path that read them (documents.extraction)."""
    total = sum(counts.values())
    return {k: round(v / total, 3) for k, v in sorted(counts.items())} if total else {}


def drift_alarm(site_id: str, counts: dict[str, int], fallbacks: list[str]) -> list[str]:
    """'family selectors no longer match' when at least DRIFT_SHARE of the pages a family's table was tried on
    were read generically instead (they are counted generic), with example URLs."""
    tried = counts.get("family", 0) + len(fallbacks)
    if not fallbacks or len(fallbacks) < DRIFT_SHARE * tried:
        return []
    examples = "; ".join(fallbacks[:DRIFT_EXAMPLES])
    return [f"{site_id}: family selectors no longer match: {len(fallbacks)} of {tried} pages read by generic "
            f"extraction, e.g. {examples}"]


def listing_drift_alarm(site_id: str, cms: str, found: Counter, examples: list[str]) -> list[str]:
    """'family listing selectors no longer match' when at least DRIFT_SHARE of the articles a family site's
    listings led to were found by generic listing discovery (crawl_log.found_by), with example URLs. A site of
    no known family (cms "auto", none of its articles found by a table) is read generically by design."""
    generic, family = found.get("listing_generic", 0), found.get("listing", 0)
    if not generic or (cms == "auto" and not family) or generic < DRIFT_SHARE * (generic + family):
        return []
    return [f"{site_id}: family listing selectors no longer match: {generic} of {generic + family} articles were "
            f"found by generic listing discovery, e.g. {'; '.join(examples[:DRIFT_EXAMPLES])}"]


REPORTED_CONFLICTS = 200
REPORTED_SOURCES = 20


def _compact(conflict: dict) -> dict:
    """A conflict as the report lists it: its first values and sources, and how many there are."""
    return {**conflict, "values": conflict["values"][:REPORTED_SOURCES], "n_values": len(conflict["values"]),
            "sources": conflict["sources"][:REPORTED_SOURCES], "n_sources": len(conflict["sources"])}


def conflicts_section(conflicts: list[dict] | None, last_report: dict | None) -> dict:
    """The report's conflicts: this run's, or, when the facts did not change (None), the last report's."""
    if conflicts is None:  # the facts did not change: neither did their conflicts
        last = last_report or {}
        return {"conflicts": last.get("conflicts", []), "conflicts_total": last.get("conflicts_total", len(last.get("conflicts", [])))}
    return {"conflicts": [_compact(c) for c in conflicts[:REPORTED_CONFLICTS]], "conflicts_total": len(conflicts)}


def site_report(sid: str, crawl: dict, built: dict, counts: dict, before_docs: int,
                before: dict[tuple[str, str], int], mode: str, outcomes: Counter, cms: str = "auto",
                found: Counter | None = None, generic_found: list[str] | None = None) -> dict:
    """One site's entry: what its crawl (or probe), transform and merge did, and its alarms. `before` is
    offered_before(), `mode` crawl_mode(); `found` counts the crawl's requests by found_by, `generic_found`
    names some found by generic listing discovery."""
    errors = {k: outcomes[k] for k in ERROR_OUTCOMES if outcomes.get(k)}
    failed = crawl.get("error") if not crawl.get("ok") else None
    failed = failed or built.get("error")
    offered = outcomes.get("ok", 0) + outcomes.get("skipped_known", 0)  # an incremental run skips, it does not lose
    mode = "unchanged" if crawl.get("unchanged") else mode
    if mode == "unchanged":
        alarms = []  # it answered, and offers what it offered last run
    else:
        alarms = site_alarms(sid, offered, built.get("records", 0) + outcomes.get("skipped_known", 0),
                             before_docs, before.get((sid, mode)), built.get("missing", {}), failed)
        alarms += drift_alarm(sid, built.get("extraction", {}), built.get("fallbacks", []))
        alarms += listing_drift_alarm(sid, cms, found or Counter(), generic_found or [])
    if outcomes.get("blocked"):
        # The site refused the crawler: its crawl stopped there (circuit breaker); earlier facts stay published.
        alarms.append(f"{sid}: blocked: the site refused {outcomes['blocked']} request(s); circuit breaker open, "
                      "its crawl stopped for this run and its last good data stays published")
    return {"site_id": sid, "ok": failed is None, "pages": outcomes.get("ok", 0), "requests": sum(outcomes.values()),
            "documents": built.get("documents", 0), "documents_new": counts.get("new", 0),
            "documents_changed": counts.get("changed", 0), "documents_unchanged": counts.get("unchanged", 0),
            "facts": built.get("facts", 0), "skipped_known": outcomes.get("skipped_known", 0),
            "errors": errors, "error_count": sum(errors.values()), "alarms": alarms,
            "warnings": built.get("warnings", [])[:200], "newest_document_date": built.get("newest_date"),
            "crawl_seconds": round(crawl.get("seconds", 0.0), 2),
            # When the site's crawl ended and its transform was done (a batch's sites end on their own).
            "crawl_ended_at": _iso(crawl.get("ended_at")), "transformed_at": _iso(built.get("built_at")),
            "crawled": mode != "unchanged", "mode": mode, "probe": crawl.get("probe"),
            "exit_reason": (crawl.get("summary") or {}).get("exit_reason"), "blocked": outcomes.get("blocked", 0),
            "extraction": extraction_shares(built.get("extraction", {})),
            "filled_by_generic": built.get("filled", {}),
            # Pages whose structured data (JSON-LD, OpenGraph) names another day than their visible date line.
            "date_conflicts": len(built.get("date_conflicts", [])),
            "date_conflict_examples": built.get("date_conflicts", [])[:DRIFT_EXAMPLES]}


def _iso(epoch: float | None) -> str | None:
    return None if epoch is None else dt.datetime.fromtimestamp(epoch, dt.UTC).isoformat(timespec="milliseconds")


def write_report_json(path: Path, report: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str), encoding="utf-8")


def write_report_html(path: Path, report: dict) -> None:
    e = html.escape
    head = "".join(f"<th>{e(label)}</th>" for _, label in COLUMNS) + "<th>read by</th><th>errors by kind</th><th>alarms</th>"
    rows = []
    for s in report.get("sites", []):
        cells = "".join(f"<td>{e(str(s.get(k, '')))}</td>" for k, _ in COLUMNS)
        errs = ", ".join(f"{k}: {v}" for k, v in sorted((s.get("errors") or {}).items()))
        alarms = "<br>".join(e(a) for a in s.get("alarms", []))
        paths = ", ".join(f"{k} {v:.0%}" for k, v in (s.get("extraction") or {}).items())
        rows.append(f"<tr>{cells}<td>{e(paths)}</td><td>{e(errs)}</td><td>{alarms}</td></tr>")
    conflicts = "".join(f"<li>{e(json.dumps(c, ensure_ascii=False, default=str))}</li>" for c in report.get("conflicts", [])[:200])
    alarms = "".join(f"<li>{e(a)}</li>" for a in report.get("alarms", []))
    errors = "".join(f"<li>{e(a)}</li>" for a in report.get("validation_errors", []))
    page = f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>cchc run {e(report.get('run_id', ''))}</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:3px 6px;font-size:90%}}</style>
</head><body><h1>Run {e(report.get('run_id', ''))}</h1>
<p>Status: <b>{e(str(report.get('status', '')))}</b> · started {e(str(report.get('started_at', '')))} · finished {e(str(report.get('finished_at', '')))}
· {e(str(report.get('seconds', '')))} s</p>
<table><tr>{head}</tr>{''.join(rows)}</table>
<h2>Alarms</h2><ul>{alarms or '<li>none</li>'}</ul>
<h2>Validation</h2><ul>{errors or '<li>passed</li>'}</ul>
<h2>Conflicting values between sources</h2><ul>{conflicts or '<li>none</li>'}</ul>
</body></html>"""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")


def print_summary(report: dict, console: Console | None = None) -> None:
    # Site ids must stay whole when the output goes to a log file (no terminal width to fit).
    console = console or Console(stderr=True, width=None if sys.stderr.isatty() else 150)
    t = Table(title=f"cchc run {report.get('run_id')}: {report.get('status')}")
    for _, label in COLUMNS:
        t.add_column(label, justify="left" if label in ("site", "newest") else "right", no_wrap=label == "site")
    for s in report.get("sites", []):
        t.add_row(*[str(s.get(k, "") if s.get(k) is not None else "") for k, _ in COLUMNS])
    console.print(t)
    unverified = report.get("unverified_sites") or []
    if unverified:
        shown = ", ".join(unverified[:20]) + (f" … ({len(unverified) - 20} more)" if len(unverified) > 20 else "")
        console.print(f"{len(unverified)} site(s) not verified online (verified = false in the registry): {shown}")
    for a in report.get("alarms", [])[:30]:
        console.print(f"[yellow]alarm[/yellow] {a}")
    if len(report.get("alarms", [])) > 30:
        console.print(f"… {len(report['alarms']) - 30} more alarms in the run report")
    for e in report.get("validation_errors", []):
        console.print(f"[red]validation[/red] {e}")
