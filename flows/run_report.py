"""The run report: JSON for machines, a small HTML page for people, a summary table on the terminal."""
from __future__ import annotations

import html
import json
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

COLUMNS = [("site_id", "site"), ("mode", "crawl"), ("pages", "pages"), ("documents", "documents"), ("documents_new", "new"),
           ("documents_changed", "changed"), ("documents_unchanged", "unchanged"), ("facts", "facts"),
           ("skipped_known", "skipped"), ("error_count", "errors"), ("newest_document_date", "newest")]


def write_report_json(path: Path, report: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str), encoding="utf-8")


def write_report_html(path: Path, report: dict) -> None:
    e = html.escape
    head = "".join(f"<th>{e(label)}</th>" for _, label in COLUMNS) + "<th>errors by kind</th><th>alarms</th>"
    rows = []
    for s in report.get("sites", []):
        cells = "".join(f"<td>{e(str(s.get(k, '')))}</td>" for k, _ in COLUMNS)
        errs = ", ".join(f"{k}: {v}" for k, v in sorted((s.get("errors") or {}).items()))
        alarms = "<br>".join(e(a) for a in s.get("alarms", []))
        rows.append(f"<tr>{cells}<td>{e(errs)}</td><td>{alarms}</td></tr>")
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
    for a in report.get("alarms", [])[:30]:
        console.print(f"[yellow]alarm[/yellow] {a}")
    if len(report.get("alarms", [])) > 30:
        console.print(f"… {len(report['alarms']) - 30} more alarms in the run report")
    for e in report.get("validation_errors", []):
        console.print(f"[red]validation[/red] {e}")
