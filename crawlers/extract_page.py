"""What the pipeline reads from one page, as `cchc extract` shows it: a pure function of the page's bytes.

The family (named, else detected) reads the page with its selectors; a page where they find no title or no
body is read by the generic extractor instead, and `extraction` says which path produced the result.
"""
from __future__ import annotations

from crawlers.families.generic import ARTICLE_FAMILIES, PAGE_FAMILIES, detect_family
from crawlers.html import parse_document
from crawlers.extract_generic import extract_generic
from crawlers.structured_meta import date_conflict
from transforms.dates import parse_date
from transforms.documents import main_paragraphs, table_lines

# "auto" detects (the registry's word), "generic" skips the families.
KNOWN_FAMILIES = (*ARTICLE_FAMILIES, *PAGE_FAMILIES, "auto", "generic")


def _published(date_text: str | None) -> str | None:
    day, at = parse_date(date_text)
    if at is not None:
        return at.isoformat(timespec="minutes")
    return day.isoformat() if day else None


def _body(out: dict) -> list[str]:
    """What the pipeline reads as the page's text: the lead and paragraphs as `documents` composes them, then
    the rows of the page's tables as "cell | cell" lines."""
    return main_paragraphs(out) + table_lines(out.get("tables") or [])


def read_page(tree, url: str, cms: str | None = None, markup: str | None = None) -> dict:
    """The record fields of an article page: the family's reading when it finds a title and a body, else the
    generic one; `family` is the family tried (None when none matched), `extraction` the path used."""
    family = detect_family(tree, url, markup) if cms in (None, "auto") else cms
    if family in PAGE_FAMILIES:
        extract, kind = PAGE_FAMILIES[family]
        return {**extract(tree, url), "family": family, "kind": kind, "extraction": "family"}
    if family in ARTICLE_FAMILIES:
        out = ARTICLE_FAMILIES[family].extract_article(tree, url)
        if out.get("title") and (out.get("paragraphs") or out.get("tables")):
            return {**out, "date_conflict": out.get("date_conflict") or date_conflict(out.get("date_text"), tree),
                    "family": family, "kind": "article", "extraction": "family"}
    family = None if family == "generic" else family
    return {**extract_generic(tree, url), "family": family, "kind": "article", "extraction": "generic"}


def extract_page(html: bytes, url: str | None = None, cms: str | None = None) -> dict:
    """`cchc extract`'s object for one page (without `source`): title, published, author, body, extraction,
    family, plus the date line as stated and any disagreement between it and the page's structured data."""
    page_url = url or ""
    markup, tree = parse_document(html, page_url)
    got = read_page(tree, page_url, cms, markup)
    out = {
        "title": got.get("title"),
        "published": _published(got.get("date_text")),
        "author": got.get("author"),
        "body": _body(got),
        "extraction": got["extraction"],
        "family": got.get("family"),
        "date_text": got.get("date_text"),
    }
    if got.get("date_conflict"):
        out["date_conflict"] = got["date_conflict"]
    return out
