"""Shared pieces of fact extraction: the document context, the indicator row, periods, entities.

A fact is one stated value of one indicator for one entity and period (CONTRACT.md "indicators").
Text rules (indicators_text) and table rules (indicators_tables) both build rows through `fact_row`,
so every row has the same columns and units.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from transforms.fact_periods import period_mentions, resolve, title_period  # noqa: F401 (re-exported)
from transforms.text import clean, fold, parse_number

# Unit of each indicator of the contract vocabulary (par_index may also be stated in percent).
UNITS = {
    "par_index": "points", "par_rank": "rank", "par_component": "points",
    "sipas": "percent", "sipas_rank": "rank",
    "dossiers_received": "count", "dossiers_received_online": "count", "dossiers_resolved": "count",
    "dossiers_resolved_early": "count", "dossiers_resolved_on_time": "count", "dossiers_resolved_late": "count",
    "dossiers_pending": "count", "dossiers_digitized": "count",
    "on_time_rate": "percent", "early_rate": "percent", "online_rate": "percent", "digitization_rate": "percent",
    "procedures_reviewed": "count",
}
RANK_OF = {"par_index": "par_rank", "sipas": "sipas_rank"}

# PAR INDEX components: key -> words (folded) that name it, checked in this order
# ("công tác chỉ đạo, điều hành cải cách hành chính" names the first, not "cải cách ... hành chính").
COMPONENTS = [
    ("cong_tac_chi_dao", ("chi dao", "dieu hanh")),
    ("cai_cach_the_che", ("the che",)),
    ("cai_cach_tthc", ("thu tuc hanh chinh", "tthc")),
    ("cai_cach_to_chuc_bo_may", ("bo may", "to chuc")),
    ("cai_cach_cong_vu", ("cong vu",)),
    ("cai_cach_tai_chinh_cong", ("tai chinh cong", "tai chinh")),
    ("chinh_phu_so", ("chinh quyen dien tu", "chinh quyen so", "chinh phu dien tu", "chinh phu so",
                      "hien dai hoa")),
    ("tac_dong", ("tac dong",)),
]


@dataclass(frozen=True)
class FactContext:
    doc_id: str
    title: str
    published_date: datetime.date | None
    province_code: str | None        # province the document concerns
    agency: str | None               # canonical agency the document concerns, or None
    level: str                       # national | province | department | district | newspaper
    district: str | None = None
    method: str = "text"             # text | table | attachment


def fact_row(ctx: FactContext, entity_type: str, entity_name: str, province_code: str | None, indicator: str,
             period: str, value: float, unit: str | None, evidence: str, component: str | None = None) -> dict:
    return {
        "entity_type": entity_type,
        "entity_name": clean(entity_name),
        "province_code": province_code,
        "indicator": indicator,
        "component": component,
        "period": period,
        "value": float(value),
        "unit": unit or UNITS[indicator],
        "source_doc_id": ctx.doc_id,
        "method": ctx.method,
        "evidence": clean(evidence),
    }


def component_key(name: str) -> str | None:
    """PAR INDEX component key for a component's name as a text states it; None when unknown."""
    f = f" {fold(name)} "
    for key, words in COMPONENTS:
        if any(f" {w} " in f for w in words):
            return key
    return None


def gazetteer():
    from transforms.gazetteer import Gazetteer
    return Gazetteer.default()


def province_entity(gaz, code: str | None) -> tuple[str, str] | None:
    """(canonical name, code) of a province by GSO code; None when the code is unknown."""
    if not code:
        return None
    p = gaz.province(code)
    return (p.name, p.code) if p else None


# --- values --------------------------------------------------------------------
def value_of(text: str, unit: str) -> float | None:
    """A stated number for a unit. Careless copy writes "92.830%" or "1,411 hồ sơ": a percent or score
    above 100 read with a thousands dot is a decimal, and a count is whole, so "1,411" is 1411."""
    v = parse_number(text)
    t = text.strip()
    if v is None:
        return None
    if unit in ("percent", "points") and v > 100 and re.fullmatch(r"\d{1,3}\.\d{3}", t):
        return float(t)
    if unit in ("count", "rank") and re.fullmatch(r"\d{1,3},\d{3}", t):
        return float(t.replace(",", ""))
    if unit in ("count", "rank") and v != int(v):
        return None
    return v


def province_in_period(gaz, code: str | None, period: str | None) -> tuple[str, str] | None:
    """(name, code) of a province for a period: the unit as it was then. A period that begins on or after
    1 July 2025 belongs to the unit of the 2025 reorganisation that succeeds it."""
    p = gaz.province(code) if code else None
    if p is None:
        return None
    if period and after_2025_reform(period):
        return (p.name_2025, p.code_2025)
    return (p.name, p.code)


def after_2025_reform(period: str) -> bool:
    """The period begins on or after 1 July 2025 (or is the whole year 2025): the units of the reorganisation."""
    year = int(period[:4])
    if year != 2025:
        return year > 2025
    rest = period[5:]
    return rest in ("", "H2", "Q3", "Q4") or (rest.isdigit() and int(rest) >= 7)


def dedupe(rows: list[dict], warnings: list[str]) -> list[dict]:
    """One row per fact key and value in a document; two values for one key are both kept and reported."""
    seen: dict[tuple, float] = {}
    out = []
    for r in rows:
        key = (r["entity_type"], r["province_code"], fold(r["entity_name"]), r["indicator"], r["period"],
               r["component"])
        if key in seen:
            if abs(seen[key] - r["value"]) > 1e-9:
                warnings.append(f"two values for {r['indicator']} {r['entity_name']} {r['period']}: "
                                f"{seen[key]} and {r['value']}")
                out.append(r)
            continue
        seen[key] = r["value"]
        out.append(r)
    return out
