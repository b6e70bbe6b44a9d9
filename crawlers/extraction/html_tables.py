"""Tables of a page as grids of cell texts: rowspan and colspan expanded, header rows counted, a caption."""
from __future__ import annotations

from crawlers.extraction.html import is_element, text_of
from crawlers.records import Table


def _span(cell, attr: str) -> int:
    try:
        n = int(str(cell.get(attr, "1")).strip() or 1)
    except ValueError:
        return 1
    return min(max(n, 1), 200)  # a garbage span must not blow the grid up


def _own_rows(table) -> list:
    return table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")


def _is_header_row(tr) -> bool:
    parent = tr.getparent()
    if parent is not None and parent.tag.lower() == "thead":
        return True
    cells = [c for c in tr if is_element(c) and c.tag.lower() in ("td", "th")]
    return bool(cells) and all(c.tag.lower() == "th" for c in cells)


def _fill_carried(line: list[str], carry: dict[tuple[int, int], str], r: int) -> None:
    while (r, len(line)) in carry:
        line.append(carry.pop((r, len(line))))


def _grid(rows: list) -> list[list[str]]:
    """Expand rowspan/colspan: a spanned cell repeats its text in every slot it covers."""
    grid: list[list[str]] = []
    carry: dict[tuple[int, int], str] = {}  # (row, col) -> text from a rowspan above
    for r, tr in enumerate(rows):
        line: list[str] = []
        for cell in tr:
            if not is_element(cell) or cell.tag.lower() not in ("td", "th"):
                continue
            _fill_carried(line, carry, r)
            text = text_of(cell)
            rs, cs = _span(cell, "rowspan"), _span(cell, "colspan")
            for _ in range(cs):
                for dr in range(1, rs):
                    carry[(r + dr, len(line))] = text
                line.append(text)
        _fill_carried(line, carry, r)
        grid.append(line)
    width = max((len(line) for line in grid), default=0)
    return [line + [""] * (width - len(line)) for line in grid]


def _caption(table) -> str | None:
    cap = table.find("caption")
    if cap is not None and text_of(cap):
        return text_of(cap)
    prev = table.xpath("preceding::*[self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6][1]")
    return (text_of(prev[0]) or None) if prev else None


def tables_of(el) -> list[Table]:
    """Every <table> under `el` (including `el` itself), with spans expanded and header rows counted."""
    if el is None or not is_element(el):
        return []
    tables = [el] if el.tag.lower() == "table" else []
    tables += el.xpath(".//table")
    out: list[Table] = []
    for table in tables:
        rows = [tr for tr in _own_rows(table) if any(is_element(c) and c.tag.lower() in ("td", "th") for c in tr)]
        if not rows:
            continue
        header = 0
        for tr in rows:
            if not _is_header_row(tr):
                break
            header += 1
        out.append(Table(rows=_grid(rows), header_rows=header, caption=_caption(table)))
    return out
