"""The one extraction engine: a family table (crawlers.extraction.family) and a parsed page -> the page's fields.

`family_article` reads only what the table's selectors find and names the rest in `missing`. `extract_article`
is what the spiders use: when the selectors find no title or no text, or a text implausibly short for the page
(a fragment of a body the theme now splits), the page is read by the generic extractor and its record says
`extraction = "generic"` with the reason in `fallback`; a date or byline the selectors miss is taken from the
generic reading too (`filled` names those fields). The fallback is visible, never silent.
"""
from __future__ import annotations

from crawlers.extraction.attachment_links import attachment_links
from crawlers.extraction.common import (
    all_of,
    article,
    container_of,
    date_in,
    dedupe,
    first,
    labelled_line,
    split_byline,
    text_at,
)
from crawlers.extraction.extract_generic import extract_generic
from crawlers.extraction.family import Family
from crawlers.extraction.html import paragraphs_of, text_of
from crawlers.extraction.html_tables import tables_of
from crawlers.extraction.structured_meta import date_conflict
from transforms.text import fold

# A family text shorter than this, on a page with this many times more text, is checked against the generic
# reading; the generic text replaces it when it holds the family's text and is several times longer.
SHORT_BODY = 300
_PAGE_RATIO = 20
_LONGER = 3.0
# Fields the generic reading may fill on a page the family otherwise read.
_FILLABLE = {"date": "date_text", "author": "author"}


def parts(fam: Family, tree):
    """(panel, body) of an article page under the family's table."""
    if fam.panel_from_body:
        body = first(tree, fam.body)
        panel = container_of(body, "h1") if body is not None else first(tree, fam.panel)
        return panel, body
    panel = first(tree, fam.panel)
    body = first(panel, fam.body) if panel is not None else None
    return panel, body if body is not None else first(tree, fam.body)


def _marked_byline(fam: Family, panel, body):
    """The element whose whole text is the byline: the last marked one in the text, else the first in the panel,
    else (right_byline families) a short right-aligned last paragraph."""
    if body is not None and fam.author:
        marked = all_of(body, fam.author)
        if marked:
            return marked[-1]
    found = first(panel, fam.author) if fam.author else None
    if found is not None or not fam.right_byline or body is None:
        return found
    paras = [p for p in body.xpath("./p") if text_of(p)]
    if paras and "right" in (paras[-1].get("style") or "").replace(" ", "") + (paras[-1].get("align") or ""):
        if len(text_of(paras[-1])) <= 60:
            return paras[-1]
    return None


def _attachments(fam: Family, panel, body, url: str) -> list:
    if fam.files:
        found = [a for el in all_of(panel, fam.files) for a in attachment_links(el, url, strict=False)]
        found += attachment_links(body, url, strict=True)
    else:
        found = attachment_links(body, url, strict=False)
    by_url: dict[str, dict] = {}
    for a in found:
        by_url.setdefault(a["url"], a)
    return [by_url[u] for u in dedupe(by_url)]


def family_article(fam: Family, tree, url: str) -> dict:
    """The article as the family's selectors read it; `missing` names each expected part they did not find."""
    if fam.read_page is not None:
        return fam.read_page(tree, url)
    panel, body = parts(fam, tree)
    title = text_at(panel, fam.title) or (text_at(tree, fam.title) if fam.title_anywhere else None)
    date_text = date_in(panel, fam.date, body)
    summary = text_at(panel, fam.summary) or (fam.lead(body) if fam.lead and body is not None else None)
    paras = paragraphs_of(body, fam.drop + (fam.panel_drop if body is panel else ())) if body is not None else []
    if summary and paras and paras[0] == summary:
        paras = paras[1:]
    marked = _marked_byline(fam, panel, body)
    marked_text = (text_of(marked) or None) if marked is not None else None
    if marked_text and paras and paras[-1] == marked_text:
        paras = paras[:-1]
    paras, labelled = split_byline(paras, fam.byline_labels)
    line = labelled_line(panel, fam.byline_lines, skip=body) if fam.byline_lines else None
    order = (labelled, marked_text, line) if fam.body_byline_first else (marked_text, labelled, line)
    author = next((a for a in order if a), None)
    tables = tables_of(body) if body is not None else []
    return article(title, date_text, author, summary, paras, tables, _attachments(fam, panel, body, url),
                   expect=fam.expect)


def _text_len(rec: dict) -> int:
    return sum(len(p) for p in [rec.get("summary") or "", *(rec.get("paragraphs") or [])])


def _page_text_len(tree) -> int:
    body = tree.find("body")
    return len(text_of(body if body is not None else tree))


def _holds(longer: dict, shorter: dict) -> bool:
    """Most words of `shorter`'s text are in `longer`'s text (the family read a fragment of the same body)."""
    words = set(fold(" ".join(shorter.get("paragraphs") or [])).split())
    have = set(fold(" ".join([longer.get("summary") or "", *(longer.get("paragraphs") or [])])).split())
    return bool(words) and len(words & have) >= 0.8 * len(words)


def _why_generic(got: dict, tree) -> str | None:
    """Why the family's reading of a page is not to be trusted, or None."""
    missing = set(got.get("missing") or [])
    if "title" in missing and "body" in missing:
        return "no title, no text"
    if "title" in missing:
        return "no title"
    if "body" in missing:
        return "no text"
    n = _text_len(got)
    if n < SHORT_BODY and _page_text_len(tree) > _PAGE_RATIO * max(n, 1):
        return "text short for the page"
    return None


def extract_article(fam: Family, tree, url: str) -> dict:
    """The article's fields by the family's table, generic where the table fails (see module doc)."""
    got = family_article(fam, tree, url)
    if fam.read_page is not None:
        return {**got, "extraction": "family"}
    reason = _why_generic(got, tree)
    if reason is not None:
        gen = extract_generic(tree, url)
        usable = gen.get("title") and (gen.get("paragraphs") or gen.get("tables"))
        if reason == "text short for the page":
            usable = usable and _text_len(gen) >= _LONGER * max(_text_len(got), 1) and _holds(gen, got)
        if usable:
            return _from_generic(gen, got, reason)
        if reason == "text short for the page":
            reason = None
    if reason is None:
        return _fill(got, tree, url)
    return {**got, "extraction": "family", "date_conflict": date_conflict(got.get("date_text"), tree)}


def _from_generic(gen: dict, got: dict, reason: str) -> dict:
    out = {**gen, "extraction": "generic", "fallback": reason}
    for key in ("date_text", "author", "summary"):  # a part the family did find is not thrown away
        if not out.get(key) and got.get(key):
            out[key] = got[key]
    if not out.get("attachments") and got.get("attachments"):
        out["attachments"] = got["attachments"]
    found = {"title": out.get("title"), "date": out.get("date_text"), "author": out.get("author"),
             "body": out.get("paragraphs") or out.get("tables")}
    out["missing"] = [k for k in ("title", "date", "body", "author") if not found[k]]
    return out


def _fill(got: dict, tree, url: str) -> dict:
    """A date or byline the selectors missed, from the generic reading; `filled` names them."""
    want = [k for k in _FILLABLE if k in (got.get("missing") or [])]
    out = {**got, "extraction": "family", "date_conflict": date_conflict(got.get("date_text"), tree)}
    if not want:
        return out
    gen = extract_generic(tree, url)
    filled = [k for k in want if gen.get(_FILLABLE[k])]
    for k in filled:
        out[_FILLABLE[k]] = gen[_FILLABLE[k]]
    if filled:
        out["missing"] = [k for k in got["missing"] if k not in filled]
        out["filled"] = filled
        out["date_conflict"] = date_conflict(out.get("date_text"), tree)
    return out
