"""How `cchc serve` shows cells: links for URLs and attachments, readable indicator names, and the body of a
document as a short excerpt, or, on a search, as a snippet around the words found with them highlighted."""
from __future__ import annotations

import json
import re
from html import escape
from urllib.parse import parse_qs, urlsplit

from datasette import hookimpl

from flows.labels import labels
from flows.serve_guard import REQUEST
from transforms.text import fold

URL_COLUMNS = {"url", "source_url"}
LABELLED_COLUMNS = {"indicator", "component"}
EXCERPT, CONTEXT = 240, 90
CSS = """
.rows-and-columns td.col-body { min-width: 26em; max-width: 44em; }
.rows-and-columns td.col-title, .rows-and-columns td.col-source { min-width: 14em; }
.rows-and-columns td.col-evidence, .rows-and-columns td.col-note { min-width: 16em; }
.rows-and-columns td.col-indicator { min-width: 15em; }
.rows-and-columns td.col-province, .rows-and-columns td.col-department, .rows-and-columns td.col-entity_name,
.rows-and-columns td.col-name, .rows-and-columns td.col-agency, .rows-and-columns td.col-province_name { min-width: 10em; }
.rows-and-columns td.col-published_date, .rows-and-columns td.col-last_ok_at, .rows-and-columns td.col-last_new_at,
.rows-and-columns td.col-site_id, .rows-and-columns td.col-period, .rows-and-columns td.col-status { white-space: nowrap; }
mark { background: #fefcbf; padding: 0 1px; }
.cchc-key { color: #718096; font-size: 85%; }
details.cchc-columns { margin: .5em 0 1em; } details.cchc-columns dt { font-weight: 600; }
"""


def _folded_with_index(text: str) -> tuple[str, list[int]]:
    """`text` folded character by character (as the search folds it), with each folded character's position."""
    chars, where = [], []
    for i, c in enumerate(text):
        f = fold(c) if not c.isspace() else " "
        for ch in f or ("" if c.isalnum() else " "):
            chars.append(ch)
            where.append(i)
    return "".join(chars), where


def snippet(text: str, query: str) -> str | None:
    """HTML: the text around the first word of the query found in it, every such word in <mark>; None if none."""
    terms = [t for t in fold(query).split() if t]
    folded, where = _folded_with_index(text)
    spans = sorted((where[m.start()], where[m.end() - 1] + 1) for t in terms
                   for m in re.finditer(rf"(?<!\w){re.escape(t)}", folded))
    if not spans:
        return None
    start = max(0, spans[0][0] - CONTEXT)
    end = min(len(text), spans[0][1] + 2 * CONTEXT)
    out, pos = [], start
    for a, b in spans:
        if a < pos or b > end:
            continue
        out += [escape(text[pos:a]), "<mark>", escape(text[a:b]), "</mark>"]
        pos = b
    out.append(escape(text[pos:end]))
    return ("…" if start else "") + "".join(out) + ("…" if end < len(text) else "")


def _search_terms() -> str | None:
    query = (REQUEST.get() or {}).get("query") or ""
    values = parse_qs(query).get("_search")
    return values[0] if values and values[0].strip() else None


class CellLinks:
    """Datasette plugin: URL columns as short links, attachment lists as links, names for indicator keys,
    body excerpts and search snippets, and the stylesheet that gives long text room."""

    @staticmethod
    @hookimpl
    def render_cell(value, column, table, database, datasette):
        from markupsafe import Markup

        if column in URL_COLUMNS and isinstance(value, str) and value.startswith(("http://", "https://")):
            parts = urlsplit(value)
            text = parts.netloc + (parts.path if len(parts.path) < 48 else parts.path[:45] + "…")
            return Markup(f'<a href="{escape(value)}" rel="nofollow noopener">{escape(text)}</a>')
        if column == "attachments" and isinstance(value, str) and value.startswith("["):
            try:
                items = json.loads(value)
            except ValueError:
                return None
            links = [f'<a href="{escape(a.get("url") or "")}" rel="nofollow noopener">'
                     f'{escape(a.get("title") or a.get("url") or "")}</a>' for a in items if isinstance(a, dict)]
            return Markup("<br>".join(links))
        if column in LABELLED_COLUMNS and isinstance(value, str) and value in labels():
            row = labels()[value]
            return Markup(f'{escape(row["vi"])}<br><span class="cchc-key">{escape(row["en"])} · '
                          f'{escape(value)}</span>')
        if column == "title" and isinstance(value, str) and _search_terms():
            found = snippet(value, _search_terms())
            return Markup(found) if found else None
        if column == "body" and isinstance(value, str):
            terms = _search_terms()
            found = snippet(value, terms) if terms else None
            if found:
                return Markup(found)
            return value if len(value) <= EXCERPT else value[:EXCERPT].rsplit(" ", 1)[0] + " …"
        return None

    @staticmethod
    @hookimpl
    def register_routes():
        from datasette import Response

        async def stylesheet():
            return Response(CSS, content_type="text/css; charset=utf-8")
        return [(r"^/-/cchc\.css$", stylesheet)]

    @staticmethod
    @hookimpl
    def extra_css_urls():
        return ["/-/cchc.css"]
