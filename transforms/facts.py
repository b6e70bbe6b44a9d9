"""Shared pieces of fact extraction: the document context, the indicator row, periods, entities.

A fact is one stated value of one indicator for one entity and period (CONTRACT.md "indicators").
Text rules (indicators_text) and table rules (indicators_tables) both build rows through `fact_row`,
so every row has the same columns and units.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from transforms.text import clean, fold

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


# --- periods -------------------------------------------------------------------
_YEAR = r"((?:19|20)\d{2})"
# Parts of a year are no period of the vocabulary: "quý I/2022", "6 tháng đầu năm 2022".
_PARTIAL = re.compile(r"\b(?:quý\s+[IV\d]+|\d+\s+tháng\s+(?:đầu|cuối)\s+năm)\s*(?:năm\s+|/\s*)?" + _YEAR, re.I)
_MONTH = re.compile(r"\btháng\s+(\d{1,2})\s*(?:/|-|\s+năm\s+)\s*" + _YEAR + r"(?!\d)", re.I)
_RANGE = re.compile(r"\btừ\s+(?:ngày\s+)?\d{1,2}\s*/\s*\d{1,2}\s*/\s*" + _YEAR
                    + r"\s*(?:đến|tới|-)\s*(?:ngày\s+)?\d{1,2}\s*/\s*\d{1,2}\s*/\s*" + _YEAR, re.I)
_YEAR_WORD = re.compile(r"\bnăm\s+" + _YEAR + r"(?!\d)", re.I)


def period_mentions(text: str) -> list[tuple[int, str | None]]:
    """(position, period) of every period the text names, in order; period None for a part of a year."""
    found: list[tuple[int, int, str | None]] = []
    for m in _PARTIAL.finditer(text):
        found.append((m.start(), m.end(), None))
    for m in _MONTH.finditer(text):
        month = int(m.group(1))
        if 1 <= month <= 12:
            found.append((m.start(), m.end(), f"{m.group(2)}-{month:02d}"))
    for m in _RANGE.finditer(text):
        # A range inside one calendar year reports that year; one across years is no period of ours.
        found.append((m.start(), m.end(), m.group(1) if m.group(1) == m.group(2) else None))
    for m in _YEAR_WORD.finditer(text):
        found.append((m.start(), m.end(), m.group(1)))
    found.sort(key=lambda x: (x[0], -(x[1] - x[0])))
    out: list[tuple[int, str | None]] = []
    end = -1
    for start, stop, period in found:
        if start >= end:            # the longest mention at a place wins ("tháng 6 năm 2022" over "năm 2022")
            out.append((start, period))
            end = stop
    return out


def title_period(title: str) -> str | None:
    ps = [p for _, p in period_mentions(title or "") if p]
    if ps:
        return ps[0]
    years = re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", title or "")
    return years[0] if len(set(years)) == 1 else None


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
