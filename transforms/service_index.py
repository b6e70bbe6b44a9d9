"""One answer of the national service index API (QĐ 766/QĐ-TTg) in, its document and facts out.

Two generations: the legacy gateway (a bare JSON array of units, numbers as strings, a published rank)
and the reporting API (an envelope whose `data.evaluation` lists units, no rank). Units are identified
by H-code (transforms/units.py), never by name; a unit whose code the table does not know is reported.
A null score is no row. A value of a period still open on the day the answer was captured is provisional.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field

from transforms.requests import canonical_json
from transforms.text import clean, fold
from transforms.units import PRE_2025, Y2025, UnitTable, hcode_of
from transforms.urls import canonical_url

# API component code -> contract component key (the six of QĐ 766; ONLINE_SERVICE is two of them summed).
COMPONENTS = {"CKMB": "cong_khai_minh_bach", "TDGQ": "tien_do_giai_quyet", "CLGQ": "dich_vu_cong_truc_tuyen",
              "TTTT": "thanh_toan_truc_tuyen", "MDHL": "muc_do_hai_long", "MDSH": "so_hoa_ho_so"}
LEGACY_LEVEL = {"0": "province", "1": "department", "2": "commune"}            # CAPDONVIID
LEGACY_KIND = {"1": "province", "2": "department", "3": "commune"}             # LOAI_COQUAN, when CAPDONVIID is absent
REPORTING_GROUP = {"AGENCY": "department", "COMMUNE": "commune"}               # childGroup
OLD_PROVINCE_COUNT = 34        # an answer listing more provinces than the 34 of 2025 lists the 63 before
_PERIOD = re.compile(r"^(\d{4})(?:-(Q[1-4]|H[12]|\d{2}))?$")
_WHERE = re.compile(r"^(?:tỉnh|thành phố|tp\.?)\s+", re.I)


@dataclass
class ApiRows:
    document: dict
    indicators: list[dict] = field(default_factory=list)
    learned: list[dict] = field(default_factory=list)     # {era, province_code, hcode, dvc_legacy_id | dvc_uuid}
    warnings: list[str] = field(default_factory=list)


def period_bounds(period: str) -> tuple[dt.date, dt.date]:
    """First and last day of `YYYY`, `YYYY-Hn`, `YYYY-Qn` or `YYYY-MM`."""
    m = _PERIOD.match(period)
    if not m:
        raise ValueError(f"not a period: {period!r}")
    year, part = int(m.group(1)), m.group(2)
    first, last = 1, 12
    if part and part[0] == "Q":
        first = 3 * int(part[1]) - 2
        last = first + 2
    elif part and part[0] == "H":
        first = 6 * int(part[1]) - 5
        last = first + 5
    elif part:
        first = last = int(part)
    end = dt.date(year + (last == 12), last % 12 + 1, 1) - dt.timedelta(days=1)
    return dt.date(year, first, 1), end


def is_provisional(period: str, captured: dt.date) -> bool:
    """Open on the capture day (its last day is that day or later): its values may still change."""
    return period_bounds(period)[1] >= captured


def api_doc_id(url: str, request: str | None) -> str:
    key = canonical_url(url) + ("\n" + request if request else "")
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def _number(v) -> float | None:
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    if isinstance(v, bool):
        raise ValueError(f"not a number: {v!r}")
    return float(v) if not isinstance(v, str) else float(v.strip())


def _strip_where(name: str, province: str) -> str:
    """'Sở Tư pháp - tỉnh Gia Lai' / 'Sở Tư pháp tỉnh An Giang' -> 'Sở Tư pháp'; 'Thanh tra tỉnh' stays."""
    head, sep, tail = name.rpartition(" - ")
    if sep and (_WHERE.match(tail) or fold(tail) == fold(province)):
        name = head
    for kind in ("tỉnh", "thành phố"):
        suffix = f" {kind} {province}"
        if fold(name).endswith(fold(suffix)) and len(name) > len(suffix):
            return name[: len(name) - len(suffix)].strip()
    return name.strip()


def entity_name(kind: str, raw: str, province: str) -> str:
    name = clean(raw)
    if kind == "department":
        return _strip_where(name, province)
    if kind == "commune":
        if fold(name).startswith("ubnd "):
            name = name[5:].strip()
        return name.rpartition(" - ")[0].strip() if " - " in name else name
    return name


class _Answer:
    """Facts of one answer, built row by row."""

    def __init__(self, rec: dict, units: UnitTable, doc_id: str):
        self.rec, self.units, self.doc_id = rec, units, doc_id
        self.period = rec["period"]
        self.provisional = is_provisional(self.period, dt.date.fromisoformat(rec["captured"][:10]))
        self.out = ApiRows(document={})
        self.named: dict[str, object] = {}             # GSO code -> the Unit the answer named by it

    def warn(self, msg: str) -> None:
        self.out.warnings.append(msg)

    def fact(self, kind: str, name: str, code: str, indicator: str, value, evidence: str,
             component: str | None = None) -> None:
        try:
            v = _number(value)
        except (TypeError, ValueError):
            self.warn(f"{indicator} of {name} {self.period}: unreadable value {value!r}")
            return
        if v is None:
            return                                     # a null is no row, never 0
        unit = "rank" if indicator.endswith("_rank") else "points"
        self.out.indicators.append({
            "entity_type": kind, "entity_name": name, "province_code": code, "indicator": indicator,
            "component": component, "period": self.period, "value": v, "unit": unit,
            "source_doc_id": self.doc_id, "method": "api", "provisional": self.provisional, "evidence": evidence})

    def scores(self, kind: str, name: str, code: str, total, components: dict, evidence: str, rank=None) -> None:
        self.fact(kind, name, code, "service_index", total, evidence)
        if rank is not None:
            self.fact(kind, name, code, "service_index_rank", rank, evidence)
        for api_code, key in COMPONENTS.items():
            if api_code in components:
                self.fact(kind, name, code, "service_component", components[api_code], evidence, key)

    def province(self, hcode: str | None, era: str, what: str):
        unit = self.units.unit(hcode, era)
        if unit is not None:
            self.named[unit.code] = unit
        if unit is None:
            self.warn(f"unit not in the reference table ({'codes before' if era == PRE_2025 else 'codes of'} "
                      f"2025): {what} (H-code {hcode or 'none'}); no facts for it")
        return unit


def _era(year: int, n_provinces: int) -> str:
    return PRE_2025 if n_provinces > OLD_PROVINCE_COUNT or year < 2025 else Y2025


def _level(r: dict) -> str | None:
    if r.get("CAPDONVIID") is not None:
        return LEGACY_LEVEL.get(str(r["CAPDONVIID"]))
    return LEGACY_KIND.get(str(r.get("LOAI_COQUAN")))


def _legacy(a: _Answer, rows: list) -> None:
    year = int(a.period[:4])
    provinces = [r for r in rows if isinstance(r, dict) and _level(r) == "province"]
    era = _era(year, len(provinces))
    for r in rows:
        if not isinstance(r, dict):
            a.warn(f"legacy answer row is not an object: {str(r)[:60]}")
            continue
        kind = _level(r)
        what = f"{r.get('TEN')!r} (ID {r.get('ID')})"
        if kind is None:
            a.warn(f"unknown unit level CAPDONVIID={r.get('CAPDONVIID')!r} LOAI_COQUAN={r.get('LOAI_COQUAN')!r}: {what}")
            continue
        unit = a.province(hcode_of(r.get("MA_COQUAN")), era, what)
        if unit is None:
            continue
        name = unit.name if kind == "province" else entity_name(kind, r.get("TEN") or "", unit.name)
        evidence = canonical_json(r)
        a.scores(kind, name, unit.code, r.get("TONG_SCORE"), {c: r.get(c) for c in COMPONENTS if c in r},
                 evidence, rank=r.get("ROW_STT"))
        if kind == "province" and r.get("ID"):
            a.out.learned.append({"era": era, "province_code": unit.code, "hcode": hcode_of(r.get("MA_COQUAN")),
                                  "dvc_legacy_id": str(r["ID"])})


def _reporting(a: _Answer, data: dict, drill: bool) -> None:
    rows = data.get("evaluation") or []
    if drill:
        ov = data.get("overview") or {}
        unit = a.province(hcode_of(ov.get("departmentCode")), Y2025, f"overview {ov.get('departmentName')!r}")
        if unit is not None:
            radar = {x.get("code"): x.get("score") for x in data.get("radar") or [] if isinstance(x, dict)}
            a.scores("province", unit.name, unit.code, ov.get("totalScore"),
                     {c: v for c, v in radar.items() if c in COMPONENTS}, canonical_json(ov))
    for r in rows:
        if not isinstance(r, dict):
            a.warn(f"reporting answer row is not an object: {str(r)[:60]}")
            continue
        what = f"{r.get('departmentName')!r} ({r.get('departmentCode')})"
        kind = REPORTING_GROUP.get(r.get("childGroup")) if drill else "province"
        if kind is None:
            a.warn(f"unknown childGroup {r.get('childGroup')!r}: {what}")
            continue
        unit = a.province(hcode_of(r.get("departmentCode")), Y2025, what)
        if unit is None:
            continue
        name = unit.name if kind == "province" else entity_name(kind, r.get("departmentName") or "", unit.name)
        a.scores(kind, name, unit.code, r.get("totalScore"), r.get("groupScores") or {}, canonical_json(r))
        if kind == "province" and r.get("departmentId"):
            a.out.learned.append({"era": Y2025, "province_code": unit.code, "hcode": hcode_of(r.get("departmentCode")),
                                  "dvc_uuid": str(r["departmentId"])})


def api_rows(rec: dict, site_id: str, level: str, units: UnitTable) -> ApiRows:
    """The document and facts of one API answer record (kind `api`, see crawlers/families/dichvucong.py)."""
    url, request = canonical_url(rec["url"]), rec.get("request")
    doc_id = api_doc_id(url, request)
    a = _Answer(rec, units, doc_id)
    payload = rec.get("payload") or ""
    try:
        answer = json.loads(payload)
    except ValueError:
        answer = None
        a.warn("answer is not JSON")
    if rec.get("api") == "legacy":
        if isinstance(answer, list):
            _legacy(a, answer)
        elif answer is not None:
            a.warn("legacy answer is not a JSON array")
    elif isinstance(answer, dict) and isinstance(answer.get("data"), dict):
        _reporting(a, answer["data"], bool(rec.get("drill")))
    elif answer is not None:
        a.warn(f"reporting answer without data (code {answer.get('code') if isinstance(answer, dict) else '?'})")
    codes = {f["province_code"] for f in a.out.indicators if f["entity_type"] != "province"}
    code = codes.pop() if len(codes) == 1 else None     # a drill-down answer concerns its province
    unit = a.named.get(code) if code else None
    name = unit.name if unit else None
    successor = (units.gaz.province(code) if unit and unit.era == PRE_2025 else None)
    code_2025, name_2025 = ((successor.code_2025, successor.name_2025) if successor
                            else (code, name) if unit else (None, None))
    captured = dt.date.fromisoformat(rec["captured"][:10])
    a.out.document = {
        "doc_id": doc_id, "url": url, "request": request, "extraction": "api", "site_id": site_id,
        "title": f"{rec.get('title') or 'service index'} {a.period}" + (f" ({name or code})" if code else ""),
        "published_date": captured, "published_at": None, "author": None, "body": None,
        "doc_type": "ranking", "reform_related": True, "province_code": code, "province_name": name,
        "province_code_2025": code_2025, "province_name_2025": name_2025,
        "agency": None, "level": level, "attachments": [],
        "content_hash": hashlib.sha256(payload.encode("utf-8")).hexdigest(),
        "media_type": "application/json", "parent_doc_id": None}
    return a.out
