"""Facts stated in tables: ranking tables (PAR INDEX, SIPAS) and TTHC dossier statistics.

Columns are read by what their header means, never by position: "Xếp hạng"/"Thứ hạng" is a rank,
"Tỉnh, thành phố"/"Cơ quan, đơn vị" the entity, "Điểm đạt được"/"Kết quả (%)" the index value, and a
two-row header ("Tiếp nhận > Trực tuyến", "Đã giải quyết > Trễ hạn") names the dossier counts.
Title rows above the header are skipped; totals rows are dropped; an unknown label is reported.
Which index, which period and whose departments come from the heading, the caption and the context.
"""
from __future__ import annotations

import re

from transforms.facts import (
    RANK_OF,
    UNITS,
    FactContext,
    component_key,
    dedupe,
    fact_row,
    gazetteer,
    period_mentions,
    title_period,
)
from transforms.text import clean, fold, parse_number

# Column kinds that carry no fact but are known.
IGNORED = "ignored"
# (kind, folded words that must all appear), first match wins; a label is folded parent+child.
_LABELS: list[tuple[str, tuple[str, ...]]] = [
    (IGNORED, ("stt",)), (IGNORED, ("so thu tu",)), (IGNORED, ("ghi chu",)), (IGNORED, ("ma", "don vi")),
    ("on_time_rate", ("ty le", "dung han")), ("early_rate", ("ty le", "truoc han")),
    ("online_rate", ("ty le", "truc tuyen")), ("digitization_rate", ("ty le", "so hoa")),
    ("rank", ("xep hang",)), ("rank", ("thu hang",)), ("rank", ("hang",)), ("rank", ("xep thu",)),
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
    ("province", ("tinh",)), ("province", ("thanh pho",)), ("province", ("dia phuong",)),
    ("entity", ("don vi",)), ("entity", ("co quan",)), ("entity", ("so", "nganh")), ("entity", ("ten",)),
]
_TOTALS = {"tong", "tong cong", "tong so", "cong", "toan tinh", "toan thanh pho", "trung binh", "binh quan",
           "tong toan tinh"}
_SIPAS = re.compile(r"\bsipas\b|\bhai long\b")
_PAR = re.compile(r"\bpar index\b|\bcai cach hanh chinh\b|\bcchc\b")
_MAX_TITLE_ROWS = 6


def classify(label: str) -> str | None:
    f = fold(label)
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
        kinds = [classify(c) for c in row if clean(c)]
        if sum(k is not None for k in kinds) < 2 or not any(k in ("province", "entity") for k in kinds):
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
    if kind != "province":
        agency = gaz.find_agency(cell)
        if agency:
            return ("department", agency, ctx.province_code)
    p = gaz.find_province(cell)
    return ("province", p.name, p.code) if p else None


def facts_from_table(table: dict, ctx: FactContext, heading: str = "", gaz=None) -> tuple[list[dict], list[str]]:
    gaz = gaz or gazetteer()
    rows = [[clean(str(c) if c is not None else "") for c in r] for r in table.get("rows") or []]
    context = " ".join(x for x in (heading, table.get("caption") or "", ctx.title) if x)
    warnings: list[str] = []
    head = _header(rows)
    if head is None:
        return [], [f"table without a recognisable header: {context[:120]}"]
    first, labels = head
    titles = " ".join(c for r in rows[:first] for c in r if c and c not in labels)
    context = " ".join(x for x in (heading, table.get("caption") or "", titles, ctx.title) if x)
    # A column named after a PAR INDEX component (national tables publish all eight) is that component's score.
    kinds = [(classify(lb) or (f"component:{component_key(lb)}" if component_key(lb) else None)) if lb else IGNORED
             for lb in labels]
    for lb, k in zip(labels, kinds, strict=True):
        if k is None:
            warnings.append(f"unknown column {lb!r} in table: {context[:120]}")
    ent_col = next((j for j, k in enumerate(kinds) if k in ("province", "entity")), None)
    value_col = next((j for j, k in enumerate(kinds) if k == "value_pct"), None)
    if value_col is None:
        value_col = next((j for j, k in enumerate(kinds) if k == "value_pts"), None)
    rank_col = next((j for j, k in enumerate(kinds) if k == "rank"), None)
    index = None
    if value_col is not None or rank_col is not None:
        index = _index_of(" ".join([heading, table.get("caption") or "", titles, labels[value_col or 0]])) \
            or _index_of(ctx.title)
        if index is None:
            warnings.append(f"which index the table ranks is not stated: {context[:120]}")
    period = _period(heading, table.get("caption") or "", titles, ctx.title)
    if period is None:
        return [], warnings + [f"table names no period: {context[:120]}"]
    out: list[dict] = []
    for row in rows[first:]:
        out += _row_facts(row, kinds, ent_col, value_col, rank_col, index, period, labels, ctx, gaz, warnings)
    return dedupe(out, warnings), warnings


def _period(*texts: str) -> str | None:
    for t in texts:
        named = [p for _, p in period_mentions(t or "") if p]
        if named:
            return named[0]
    for t in texts:
        p = title_period(t or "")
        if p:
            return p
    return None


def _row_facts(row, kinds, ent_col, value_col, rank_col, index, period, labels, ctx, gaz, warnings) -> list[dict]:
    cells = [c for c in row if c]
    if ent_col is None or ent_col >= len(row) or not cells or len(set(cells)) == 1:
        return []                        # blank or a group row spanning the table ("Khối sở, ngành")
    name = row[ent_col]
    if fold(name) in _TOTALS or fold(name).startswith(("tong cong", "tong so")):
        return []
    ent = _entity(name, kinds[ent_col], ctx, gaz)
    if ent is None:
        warnings.append(f"unmapped entity {name!r} in table row: {' | '.join(row)}")
        return []
    if ent[2] is None:
        warnings.append(f"no province for {name!r}: {' | '.join(row)}")
        return []
    evidence = " | ".join(row)
    out = []
    for j, kind in enumerate(kinds):
        if j >= len(row) or not row[j] or row[j] in ("-", "…", "..."):
            continue
        if j == value_col and index:
            ind, unit = index, "percent" if kind == "value_pct" or index == "sipas" else "points"
        elif j == rank_col and index:
            ind, unit = RANK_OF[index], "rank"
        elif kind in UNITS:
            ind, unit = kind, UNITS[kind]
        elif kind and kind.startswith("component:") and index == "par_index":
            ind, unit = "par_component", "points"
        else:
            continue
        value = parse_number(row[j])
        if value is None or (unit in ("percent", "points") and not 0 <= value <= 100) or (unit == "rank" and value < 1):
            warnings.append(f"unreadable {labels[j]!r} value {row[j]!r}: {evidence}")
            continue
        component = kind.split(":", 1)[1] if ind == "par_component" else None
        out.append(fact_row(ctx, ent[0], ent[1], ent[2], ind, period, value, unit, evidence, component=component))
    return out
