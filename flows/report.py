"""`cchc report`: one static HTML file with ranking tables and charts that works offline.

Charts are inline SVG drawn from flows/templates/ (geometry in flows/report_charts.py): this environment
has altair but neither the vega JavaScript bundles nor vl-convert to inline them, and no plotly, so nothing
would render without a CDN. Inline SVG needs no script at all. Every chart says what it shows (axis titles,
unit, period), where the figures come from (the source documents, linked) and each bar links to its source.
Freshness comes from the release's `sources` table.
"""
from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from jinja2 import Environment, FileSystemLoader, select_autoescape

from flows.duck import connect_release, release_dir
from flows.labels import label
from flows.report_charts import bar_chart, change_chart, line_chart
from transforms.rankings import RANK_OF

TEMPLATES = Path(__file__).resolve().parent / "templates"
NATIONAL = ("par_index", "sipas")
STATUS_ORDER = {"blocked": 0, "failing": 1, "stale": 2, "ok": 3}
UNIT_TEXT = {"percent": "phần trăm / percent (0-100)", "points": "điểm / points", None: "thứ hạng / rank only"}


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    rel = con.execute(sql, params or [])
    cols = [d[0] for d in rel.description]
    return [dict(zip(cols, r, strict=True)) for r in rel.fetchall()]


def _tables(con) -> set[str]:
    return {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}


def _ranking_rows(con, where: str) -> list[dict]:
    """Rankings with their source document and the evidence the value was read from."""
    ranks = ", ".join(f"('{k}', '{v}')" for k, v in RANK_OF.items())
    have = {r[0] for r in con.execute("describe rankings").fetchall()}
    # A release made before schema 1.1.0 has neither column: shown as not recorded.
    extra = "".join(f", null::varchar as {c}" for c in ("unit", "source_doc_id") if c not in have)
    return _rows(con, f"""
        with rank_of(indicator, rank_indicator) as (values {ranks})
        select r.*, d.url as source_url, d.title as source_title, d.site_id as source_site,
               (select any_value(i.evidence) from indicators i left join rank_of o on o.indicator = r.indicator
                where i.source_doc_id = r.source_doc_id and i.period = r.period and i.entity_name = r.entity_name
                  and i.indicator in (r.indicator, coalesce(o.rank_indicator, ''))) as evidence
        from (select *{extra} from rankings) r left join documents d on d.doc_id = r.source_doc_id
        where {where} order by r.scope, r.indicator, r.period desc, r.rank, r.entity_name""")


def _sources_of(rows: list[dict]) -> list[dict]:
    """Distinct source documents of a group of rows, most used first."""
    count: dict[str, dict] = {}
    for r in rows:
        if r.get("source_url"):
            s = count.setdefault(r["source_url"], {"url": r["source_url"], "title": r.get("source_title") or
                                                   r["source_url"], "site": r.get("source_site"), "n": 0})
            s["n"] += 1
    return sorted(count.values(), key=lambda s: (-s["n"], s["title"]))


def _names(indicator: str) -> dict:
    return {"key": indicator, "vi": label(indicator) or indicator, "en": label(indicator, "en") or indicator,
            "known": label(indicator) is not None}


def _section(group: list[dict], indicator: str, period: str, entity: str) -> dict:
    unit = next((r["unit"] for r in group if r.get("unit")), None)
    names = _names(indicator)
    x_title = f"{names['en']}, {period} ({UNIT_TEXT.get(unit, unit)})"
    items = [{"label": r["entity_name"], "value": r["value"], "href": r.get("source_url"),
              "tip": r.get("evidence") or r.get("source_title") or ""} for r in group if r["value"] is not None]
    changes = sorted(((r["entity_name"], r["rank_change"]) for r in group if r["rank_change"] is not None),
                     key=lambda t: (-t[1], t[0]))
    return {"indicator": indicator, "names": names, "period": period, "unit": unit, "unit_text": UNIT_TEXT.get(unit, unit),
            "rows": group, "sources": _sources_of(group),
            "chart": bar_chart(items, x_title, entity, percent=unit == "percent") if items else None,
            "changes": change_chart(changes, "Thay đổi thứ hạng so với kỳ trước / Rank change since the previous "
                                    "period (places, + = up)", entity) if changes else None}


def _national(con) -> list[dict]:
    rows = _ranking_rows(con, "r.scope = 'national' and r.indicator in ('par_index', 'sipas')")
    out = []
    for indicator in NATIONAL:
        mine = [r for r in rows if r["indicator"] == indicator]
        for period in sorted({r["period"] for r in mine}, reverse=True):
            out.append(_section([r for r in mine if r["period"] == period], indicator, period, "Tỉnh / Province"))
    return out


def _headlines(national: list[dict]) -> list[dict]:
    """For the latest period of each national ranking: first, last, and the furthest moves."""
    out, seen = [], set()
    for sec in national:
        valued = [r for r in sec["rows"] if r["value"] is not None]
        if sec["indicator"] in seen or not valued:
            continue
        seen.add(sec["indicator"])
        moved = [r for r in valued if r["rank_change"]]
        up = max(moved, key=lambda r: r["rank_change"], default=None)
        down = min(moved, key=lambda r: r["rank_change"], default=None)
        out.append({"names": sec["names"], "period": sec["period"], "first": valued[0], "last": valued[-1],
                    "n": len(sec["rows"]), "up": up if up and up["rank_change"] > 0 else None,
                    "down": down if down and down["rank_change"] < 0 else None,
                    "anchor": f"{sec['indicator']}-{sec['period']}"})
    return out


def _province_names(con) -> dict[str, str]:
    rows = _rows(con, "select province_code, any_value(province_name) as name from documents "
                      "where province_code is not null and province_name is not null group by province_code")
    return {r["province_code"]: r["name"] for r in rows}


def _departments(con, names: dict[str, str]) -> list[dict]:
    groups: dict[tuple, list[dict]] = {}
    for r in _ranking_rows(con, "r.scope like 'province:%'"):
        groups.setdefault((r["scope"], r["indicator"], r["period"]), []).append(r)
    out = []
    for (scope, indicator, period), group in groups.items():
        code = scope.split(":", 1)[1]
        sec = _section(group, indicator, period, "Sở, ngành / Department")
        sec["province"] = f"{names.get(code, code)} ({code})"
        out.append(sec)
    return out


def _on_time(con, names: dict[str, str]) -> list[dict]:
    rows = _rows(con, "select i.province_code, i.entity_name, i.period, avg(i.value) as value, "
                      "list(distinct d.url order by d.url) as urls, any_value(d.title) as title "
                      "from indicators i left join documents d on d.doc_id = i.source_doc_id "
                      "where i.indicator = 'on_time_rate' and length(i.period) = 7 and coalesce(i.counted, true) "
                      "group by all order by 1, 2, 3")
    by_province: dict[str, dict[str, dict[str, float]]] = {}
    sources: dict[str, dict[str, dict]] = {}
    for r in rows:
        by_province.setdefault(r["province_code"] or "", {}).setdefault(r["entity_name"], {})[r["period"]] = r["value"]
        for url in r["urls"] or []:
            sources.setdefault(r["province_code"] or "", {}).setdefault(url, {"url": url, "title": r["title"] or url})
    out = []
    for code, series in by_province.items():
        months = sorted({m for points in series.values() for m in points})
        chart = line_chart(series, "Tháng / Month", "Đúng hạn (%) / On time (percent)")
        out.append({"title": names.get(code, code or "unknown province"), "months": months,
                    "period": f"{months[0]} – {months[-1]}" if months else "",
                    "sources": list(sources.get(code, {}).values()),
                    "table": [{"agency": a, "values": [series[a].get(m) for m in months], "color": line["color"]}
                              for a, line in zip(sorted(series), chart["lines"], strict=True)],
                    "chart": chart})
    return out


def _freshness(con, now: datetime) -> tuple[list[dict], dict[str, int]] | tuple[None, dict]:
    if "sources" not in _tables(con):
        return None, {}
    rows = _rows(con, "select * from sources")
    rows.sort(key=lambda r: (STATUS_ORDER.get(r["status"], 9), r["site_id"]))
    for r in rows:
        r["news_age_days"] = (now - r["last_new_at"]).days if r.get("last_new_at") else None
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    return rows, counts


def build_report_html(lake: str | Path) -> str:
    rel = release_dir(lake)
    path = rel / "run_report.json"
    run_report = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    finished = run_report.get("finished_at")
    now = datetime.fromisoformat(finished.replace("Z", "+00:00")) if finished else datetime.now(UTC)
    con = connect_release(lake)
    try:
        names = _province_names(con)
        national, departments = _national(con), _departments(con, names)
        sources, status_counts = _freshness(con, now)
        totals = con.execute("select (select count(*) from documents), (select count(*) from indicators), "
                             "(select count(*) from rankings)").fetchone()
        context = {"run_id": run_report.get("run_id") or rel.name, "run": run_report,
                   "report_missing": not path.is_file(), "national": national, "departments": departments,
                   "headlines": _headlines(national),
                   "on_time": _on_time(con, names), "sources": sources, "status_counts": status_counts,
                   "totals": dict(zip(("documents", "facts", "rankings"), totals, strict=True)),
                   "unlabelled": sorted({s["indicator"] for s in national + departments if not s["names"]["known"]}),
                   "generated_at": datetime.now().astimezone().isoformat("T", "seconds")}
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
