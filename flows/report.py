"""`cchc report`: one static HTML file with ranking tables and charts that works offline.

Charts are inline SVG drawn from flows/templates/: this environment has altair but neither
the vega JavaScript bundles nor vl-convert to inline them, and no plotly, so nothing would
render without a CDN. Inline SVG needs no script at all.
"""
from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import duckdb
from jinja2 import Environment, FileSystemLoader, select_autoescape

from flows.duck import connect_release, release_dir

TEMPLATES = Path(__file__).resolve().parent / "templates"
NATIONAL = {"par_index": "PAR INDEX", "sipas": "SIPAS"}
BAR_HEIGHT, LABEL_WIDTH, PLOT_WIDTH = 16, 190, 420
PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f",
           "#bcbd22"]


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    rel = con.execute(sql, params or [])
    cols = [d[0] for d in rel.description]
    return [dict(zip(cols, r, strict=True)) for r in rel.fetchall()]


def bar_chart(items: list[tuple[str, float]], unit: str = "") -> dict:
    """Geometry of a horizontal bar chart (label, value), scaled to the largest value."""
    top = max((v for _, v in items if v is not None), default=0) or 1
    bars = [{"y": i * (BAR_HEIGHT + 4), "label": label, "value": v, "w": round(PLOT_WIDTH * (v or 0) / top, 1)}
            for i, (label, v) in enumerate(items)]
    return {"bars": bars, "label_width": LABEL_WIDTH, "plot_width": PLOT_WIDTH, "bar_height": BAR_HEIGHT,
            "height": len(items) * (BAR_HEIGHT + 4) + 4, "unit": unit}


def change_chart(items: list[tuple[str, int]]) -> dict:
    """Diverging bars of rank changes (positive = moved up)."""
    top = max((abs(v) for _, v in items), default=0) or 1
    half = PLOT_WIDTH / 2
    bars = [{"y": i * (BAR_HEIGHT + 4), "label": label, "value": v, "x": half if v >= 0 else half - half * -v / top,
             "w": round(half * abs(v) / top, 1)} for i, (label, v) in enumerate(items)]
    return {"bars": bars, "label_width": LABEL_WIDTH, "plot_width": PLOT_WIDTH, "bar_height": BAR_HEIGHT,
            "height": len(items) * (BAR_HEIGHT + 4) + 4, "mid": half}


def line_chart(series: dict[str, dict[str, float]], lo: float | None = None) -> dict:
    """Geometry of a line chart: one line per series over the sorted union of x labels."""
    xs = sorted({x for points in series.values() for x in points})
    values = [v for points in series.values() for v in points.values()]
    low = lo if lo is not None else min(values, default=0)
    low = min(low, min(values, default=low))
    high = max(values, default=100)
    span = (high - low) or 1
    width, height = 560, 220
    step = width / max(len(xs) - 1, 1)

    def y(v: float) -> float:
        return round(height - (v - low) / span * height, 1)
    lines = []
    for i, (name, points) in enumerate(sorted(series.items())):
        pts = [(round(xs.index(x) * step, 1), y(v)) for x, v in sorted(points.items())]
        lines.append({"name": name, "color": PALETTE[i % len(PALETTE)], "points": pts,
                      "path": " ".join(f"{a},{b}" for a, b in pts)})
    ticks = [{"x": round(i * step, 1), "label": x} for i, x in enumerate(xs)]
    yticks = [{"y": y(v), "label": f"{v:g}"} for v in (round(low, 1), round((low + high) / 2, 1), round(high, 1))]
    return {"lines": lines, "xticks": ticks, "yticks": yticks, "width": width, "height": height}


def _national(con) -> list[dict]:
    sections = []
    for indicator, title in NATIONAL.items():
        rows = _rows(con, "select period, rank, entity_name, province_code, value, rank_change, rank_source, n_ranked "
                          "from rankings where indicator = ? and scope = 'national' order by period desc, rank",
                     [indicator])
        for period in sorted({r["period"] for r in rows}, reverse=True):
            year = [r for r in rows if r["period"] == period]
            changes = sorted(((r["entity_name"], r["rank_change"]) for r in year if r["rank_change"] is not None),
                             key=lambda t: (-t[1], t[0]))
            sections.append({"indicator": indicator, "title": f"{title} {period}", "rows": year,
                             "chart": bar_chart([(r["entity_name"], r["value"]) for r in year]),
                             "changes": change_chart(changes) if changes else None})
    return sections


def _province_names(con) -> dict[str, str]:
    rows = _rows(con, "select province_code, any_value(province_name) as name from documents "
                      "where province_code is not null and province_name is not null group by province_code")
    return {r["province_code"]: r["name"] for r in rows}


def _departments(con, names: dict[str, str]) -> list[dict]:
    rows = _rows(con, "select scope, indicator, period, rank, entity_name, value, rank_change, n_ranked "
                      "from rankings where scope like 'province:%' order by scope, indicator, period desc, rank")
    groups: dict[tuple, list[dict]] = {}
    for r in rows:
        groups.setdefault((r["scope"], r["indicator"], r["period"]), []).append(r)
    out = []
    for (scope, indicator, period), group in groups.items():
        code = scope.split(":", 1)[1]
        out.append({"title": f"{names.get(code, code)} ({code}): {indicator} {period}", "rows": group,
                    "chart": bar_chart([(r["entity_name"], r["value"]) for r in group])})
    return out


def _on_time(con, names: dict[str, str]) -> list[dict]:
    rows = _rows(con, "select province_code, entity_name, period, avg(value) as value from indicators "
                      "where indicator = 'on_time_rate' and length(period) = 7 and coalesce(counted, true) "
                      "group by all order by province_code, entity_name, period")
    by_province: dict[str, dict[str, dict[str, float]]] = {}
    for r in rows:
        by_province.setdefault(r["province_code"] or "", {}).setdefault(r["entity_name"], {})[r["period"]] = r["value"]
    out = []
    for code, series in by_province.items():
        months = sorted({m for points in series.values() for m in points})
        chart = line_chart(series)
        out.append({"title": f"{names.get(code, code or 'unknown province')}", "months": months,
                    "table": [{"agency": a, "values": [series[a].get(m) for m in months], "color": line["color"]}
                              for a, line in zip(sorted(series), chart["lines"], strict=True)],
                    "chart": chart})
    return out


def _freshness(run_report: dict) -> list[dict]:
    finished = str(run_report.get("finished_at") or "")[:10]
    today = date.fromisoformat(finished) if finished else None
    sites = []
    for s in run_report.get("sites", []):
        newest = s.get("newest_document_date")
        age = (today - date.fromisoformat(str(newest)[:10])).days if today and newest else None
        sites.append({**s, "age_days": age, "error_total": sum((s.get("errors") or {}).values())})
    return sites


def build_report_html(lake: str | Path) -> str:
    rel = release_dir(lake)
    path = rel / "run_report.json"
    run_report = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    con = connect_release(lake)
    try:
        names = _province_names(con)
        context = {"run_id": run_report.get("run_id") or rel.name, "run": run_report,
                   "report_missing": not path.is_file(), "national": _national(con),
                   "departments": _departments(con, names), "on_time": _on_time(con, names),
                   "sites": _freshness(run_report), "generated_at": datetime.now().astimezone().isoformat("T", "seconds")}
    finally:
        con.close()
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))
    return env.get_template("report.html.j2").render(**context)


def write_report(lake: str | Path, out: Path | None = None) -> Path:
    out_dir = Path(out) if out else Path(lake) / "report"
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / "index.html"
    target.write_text(build_report_html(lake), encoding="utf-8")
    return target


def report_command(args) -> int:
    print(write_report(args.lake, args.out))
    return 0
