"""Facts stated in tables: ranking tables (PAR INDEX, SIPAS) and TTHC dossier statistics.

Columns are read by what their header means, never by position: "Xếp hạng"/"Thứ hạng" is a rank,
"Tỉnh, thành phố"/"Cơ quan, đơn vị" the entity, "Điểm đạt được"/"Kết quả (%)" the index value, and a
two-row header ("Tiếp nhận > Trực tuyến", "Đã giải quyết > Trễ hạn") names the dossier counts.
Title rows above the header are skipped; totals rows are dropped; an unknown label is reported.
Which index, which period and whose departments come from the heading, the caption and the context.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from transforms.fact_ranks import ordinal
from transforms.facts import (
    RANK_OF,
    UNITS,
    FactContext,
    component_key,
    dedupe,
    fact_row,
    gazetteer,
    period_mentions,
    province_in_period,
    title_period,
    value_of,
)
from transforms.text import clean, fold, parse_number

# Column kinds that carry no fact but are known.
IGNORED = "ignored"
_ENTITY_KINDS = ("province", "entity", "district")
# (kind, folded words that must all appear), first match wins; a label is folded parent+child.
_LABELS: list[tuple[str, tuple[str, ...]]] = [
    (IGNORED, ("stt",)), (IGNORED, ("tt",)), (IGNORED, ("so thu tu",)), (IGNORED, ("thu tu",)), (IGNORED, ("ghi chu",)),
    (IGNORED, ("ma", "don vi")), (IGNORED, ("xep loai",)), (IGNORED, ("toi da",)), (IGNORED, ("tu danh gia",)),
    (IGNORED, ("tu cham",)), (IGNORED, ("tham dinh",)), (IGNORED, ("dieu tra",)), (IGNORED, ("xhh",)),
    (IGNORED, ("tang", "giam")), (IGNORED, ("so voi",)), (IGNORED, ("chenh lech",)),
    ("on_time_rate", ("ty le", "dung han")), ("early_rate", ("ty le", "truoc han")),
    ("online_rate", ("ty le", "truc tuyen")), ("digitization_rate", ("ty le", "so hoa")),
    (IGNORED, ("thay doi",)), (IGNORED, ("bien dong",)),
    ("rank", ("xep hang",)), ("rank", ("thu hang",)), ("rank", ("hang",)), ("rank", ("xep thu",)), ("rank", ("vi tri",)),
    ("dossiers_pending", ("dang giai quyet", "tong")), (IGNORED, ("dang giai quyet", "han")),
    ("dossiers_pending", ("dang giai quyet",)),
    ("dossiers_resolved_early", ("giai quyet", "truoc han")), ("dossiers_resolved_on_time", ("giai quyet", "dung han")),
    ("dossiers_resolved_late", ("giai quyet", "tre han")), ("dossiers_resolved_late", ("giai quyet", "qua han")),
    ("dossiers_resolved", ("da giai quyet",)), ("dossiers_resolved", ("giai quyet", "tong")),
    ("dossiers_received_online", ("tiep nhan", "truc tuyen")), (IGNORED, ("tiep nhan", "truc tiep")),
    (IGNORED, ("tiep nhan", "ky truoc")), ("dossiers_received", ("tiep nhan",)),
    ("dossiers_received_online", ("truc tuyen",)), (IGNORED, ("truc tiep",)),
    ("dossiers_digitized", ("so hoa",)),
    ("value_pct", ("chi so", "%")), ("value_pct", ("ket qua", "%")), ("value_pct", ("%",)),
    ("value_pts", ("tong diem",)), ("value_pts", ("diem",)), ("value_pts", ("chi so",)), ("value_pts", ("ket qua",)),
    ("value_pts", ("gia tri",)),
    ("district", ("huyen",)), ("district", ("thi xa",)),
    ("province", ("tinh",)), ("province", ("thanh pho",)), ("province", ("dia phuong",)),
    ("entity", ("don vi",)), ("entity", ("co quan",)), ("entity", ("so", "nganh")), ("entity", ("ten",)),
]
_TOTALS = {"tong", "tong cong", "tong so", "cong", "toan tinh", "toan thanh pho", "trung binh", "binh quan",
           "tong toan tinh"}
_SIPAS = re.compile(r"\bsipas\b|\bhai long\b")
_PAR = re.compile(r"\bpar index\b|\bcai cach hanh chinh\b|\bcchc\b")
# Indices that are not the contract's: their columns are known and carry no fact.
_OTHER_INDEX = re.compile(r"\b(?:pci|papi|dti|ddci|ict index|ict|chuyen doi so|nang luc canh tranh)\b")
_DISTRICT_CELL = re.compile(r"^(?:ubnd\s+)?(?P<unit>huyen|quan|thi xa|thanh pho)\s+(?P<name>.+)$")
_MAX_TITLE_ROWS = 6


_MAX_NOTE = re.compile(r"\((?:[^)]*tối\s+đa[^)]*)\)", re.I)     # "Điểm (tối đa 100)": a note, not the maximum
_YEAR_ONLY = re.compile(r"^(?:nam )?(?:19|20)\d{2}$")


def classify(label: str) -> str | None:
    f = fold(_MAX_NOTE.sub(" ", label))
    if _YEAR_ONLY.match(f):
        return "value_pts"                  # "Năm 2023": that year's value, beside "Năm 2022"
    words = f" {f} "
    if "%" in label:
        words += " % "
    for kind, need in _LABELS:
        if all(f" {w} " in words for w in need):
            return kind
    return None


def _label(parent: str, child: str) -> str:
    return parent if fold(parent) == fold(child) or not child else f"{parent} > {child}"


def _header(rows: list[list[str]]) -> tuple[int, list[str]] | None:
    """(index of the first data row, column labels): the first row whose cells read as known labels,
    joined with the next row when that one is a second header row (no numbers, other labels)."""
    for i, row in enumerate(rows[:_MAX_TITLE_ROWS + 1]):
        kinds = [classify(c) or ("index" if _index_of(c) else None) for c in row if clean(c)]
        if sum(k is not None for k in kinds) < 2 or not any(k in _ENTITY_KINDS for k in kinds):
            continue
        labels = [clean(c) for c in row]
        nxt = rows[i + 1] if i + 1 < len(rows) else []
        second = (len(nxt) == len(row) and not any(parse_number(c) is not None for c in nxt if clean(c))
                  and any(fold(a) != fold(b) for a, b in zip(row, nxt, strict=False)) and len({c for c in nxt if c}) > 1)
        if second:
            return i + 2, [_label(p, clean(c)) for p, c in zip(labels, nxt, strict=True)]
        return i + 1, labels
    return None


def _index_of(text: str) -> str | None:
    f = fold(text)
    sipas, par = bool(_SIPAS.search(f)), bool(_PAR.search(f))
    return "sipas" if sipas and not par else "par_index" if par and not sipas else None


def _entity(cell: str, kind: str, ctx: FactContext, gaz) -> tuple[str, str, str | None] | None:
    """Whom a row is about. In a district column ("Huyện, thành phố") a name is a district, with or without
    its unit word; elsewhere a department, a province, or a district named with its unit word."""
    ministry = gaz.find_ministry(cell) if kind != "district" else None
    if ministry:
        return ("ministry", ministry, None)
    d = _DISTRICT_CELL.match(fold(cell))
    p = gaz.find_province(cell) if d else None
    city_of_tinh = bool(d and p and p.kind != "thành phố" and d.group("unit") == "thanh pho")
    if kind == "district" or (d and (p is None or city_of_tinh)):
        name = clean(re.sub(r"^(?:UBND\s+)?(?:huyện|quận|thị\s+xã|thành\s+phố)\s+", "", cell, flags=re.I))
        return ("district", name, ctx.province_code) if name and name[:1].isupper() else None
    if kind != "province":
        agency = gaz.find_agency(cell)
        if agency:
            return ("department", agency, ctx.province_code)
    p = gaz.find_province(cell)
    return ("province", p.name, p.code) if p else None


@dataclass(frozen=True)
class Column:
    j: int
    label: str
    kind: str | None
    index: str | None        # par_index | sipas, when the label names it
    period: str | None       # when the label names it ("Năm 2023 > Điểm", "PAR INDEX 2023")


def _columns(labels: list[str]) -> list[Column]:
    cols = []
    for j, lb in enumerate(labels):
        if not lb:
            cols.append(Column(j, lb, IGNORED, None, None))
            continue
        f = fold(lb)
        index = _index_of(lb)
        kind = classify(lb)
        if _OTHER_INDEX.search(f) and index is None:
            kind = IGNORED                       # PCI, PAPI, DTI ... side by side with ours
        elif kind is None and component_key(lb):
            kind = f"component:{component_key(lb)}"
        elif kind is None and index:             # "PAR INDEX 2023", "SIPAS"
            kind = "value_pct" if index == "sipas" or "%" in lb else "value_pts"
        named = [p for _, p in period_mentions(lb) if p] or re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", lb)
        cols.append(Column(j, lb, kind, index, named[0] if named else None))
    return cols


def facts_from_table(table: dict, ctx: FactContext, heading: str = "", gaz=None) -> tuple[list[dict], list[str]]:
    gaz = gaz or gazetteer()
    rows = [[clean(str(c) if c is not None else "") for c in r] for r in table.get("rows") or []]
    caption = table.get("caption") or ""
    context = " ".join(x for x in (heading, caption, ctx.title) if x)
    warnings: list[str] = []
    head = _header(rows)
    if head is None:
        return [], [f"table without a recognisable header: {context[:120]}"]
    first, labels = head
    titles = " ".join(c for r in rows[:first] for c in r if c and c not in labels)
    context = " ".join(x for x in (heading, caption, titles, ctx.title) if x)
    cols = _columns(labels)
    for c in cols:
        if c.kind is None:
            warnings.append(f"unknown column {c.label!r} in table: {context[:120]}")
    ent = next((c for c in cols if c.kind in _ENTITY_KINDS), None)
    table_index = _index_of(" ".join([heading, caption, titles])) or _index_of(ctx.title)
    table_period = _period(heading, caption, titles, ctx.title)
    picked = _pick(cols, table_index, table_period)
    if any(ind is None for ind, _ in picked.values()):
        warnings.append(f"which index the table ranks is not stated: {context[:120]}")
    if any(per is None for _, per in picked.values()) or (table_period is None and not picked):
        return [], warnings + [f"table names no period: {context[:120]}"]
    out: list[dict] = []
    for row in rows[first:]:
        out += _row_facts(row, cols, ent, picked, table_index, table_period, ctx, gaz, warnings)
    return dedupe(out, warnings), warnings


def _pick(cols: list[Column], table_index, table_period) -> dict[int, tuple[str | None, str | None]]:
    """Index columns that state facts -> (index, period): per index and period one value column (the
    percent before the points, as "Chỉ số (%)" is the index) and one rank column; components go with them."""
    out: dict[int, tuple[str | None, str | None]] = {}
    chosen: set[tuple] = set()
    order = {"value_pct": 0, "value_pts": 1, "rank": 2}
    for c in sorted((c for c in cols if c.kind in order or (c.kind or "").startswith("component:")),
                    key=lambda c: (order.get(c.kind, 3), c.j)):
        ind, per = c.index or table_index, c.period or table_period
        slot = ("value" if c.kind in ("value_pct", "value_pts") else c.kind, ind, per)
        if slot in chosen:
            continue
        chosen.add(slot)
        out[c.j] = (ind, per)
    return out


def _period(*texts: str) -> str | None:
    for t in texts:
        named = [p for _, p in period_mentions(t or "") if p and not p.startswith("?")]
        if named:
            return named[0]
    for t in texts:
        p = title_period(t or "")
        if p and not p.startswith("?"):
            return p
    return None


def _row_facts(row, cols, ent, picked, table_index, table_period, ctx, gaz, warnings) -> list[dict]:
    cells = [c for c in row if c]
    if ent is None or ent.j >= len(row) or not cells or len(set(cells)) == 1:
        return []                        # blank or a group row spanning the table ("Khối sở, ngành")
    name = row[ent.j]
    if fold(name) in _TOTALS or fold(name).startswith(("tong cong", "tong so")):
        return []
    who = _entity(name, ent.kind, ctx, gaz)
    if who is None:
        warnings.append(f"unmapped entity {name!r} in table row: {' | '.join(row)}")
        return []
    if who[2] is None and who[0] != "ministry":
        warnings.append(f"no province for {name!r}: {' | '.join(row)}")
        return []
    out = []
    for c in cols:
        if c.j >= len(row) or not row[c.j] or row[c.j] in ("-", "…", "..."):
            continue
        index, period = picked.get(c.j, (None, None))
        if c.kind in UNITS:
            ind, unit, period = c.kind, UNITS[c.kind], c.period or table_period
        elif c.j not in picked or index is None:
            continue
        elif c.kind == "rank":
            ind, unit = RANK_OF[index], "rank"
        elif c.kind.startswith("component:"):
            if index != "par_index":
                continue
            ind, unit = "par_component", "points"
        else:
            ind, unit = index, "percent" if c.kind == "value_pct" or index == "sipas" else "points"
        if period is None:
            continue
        evidence = f"{ent.label}: {name} | {c.label}: {row[c.j]}"
        value = value_of(row[c.j], unit) if unit != "rank" else ordinal(re.sub(r"(?i)^thứ\s+", "", row[c.j]))
        if value is None or (unit in ("percent", "points") and not 0 <= value <= 100) or (unit == "rank" and value < 1):
            warnings.append(f"unreadable {c.label!r} value {row[c.j]!r}: {' | '.join(row)}")
            continue
        component = c.kind.split(":", 1)[1] if ind == "par_component" else None
        name_, code = province_in_period(gaz, who[2], period) if who[0] == "province" else (who[1], who[2])
        out.append(fact_row(ctx, who[0], name_, code, ind, period, value, unit, evidence, component=component))
    return out
