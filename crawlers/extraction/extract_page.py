"""What the pipeline reads from one page, as `cchc extract` shows it: a pure function of the page's bytes.

The family (named, else detected) reads the page through the extraction engine the crawl uses
(crawlers.extraction.engine): its table's selectors, the generic extractor where they fail, and
`extraction` says which path produced the result.
"""
from __future__ import annotations

from crawlers.extraction import engine
from crawlers.extraction.extract_generic import detect_family, extract_generic
from crawlers.extraction.families import FAMILIES
from crawlers.extraction.html import parse_document
from transforms.dates import parse_date
from transforms.documents import main_paragraphs, table_lines

# "auto" detects (the registry's word), "generic" skips the families.
KNOWN_FAMILIES = (*FAMILIES, "auto", "generic")


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
    """The record fields of a page as the crawl reads them: the family's table through the engine (generic where
    its selectors fail), or the generic reader; `family` is the family tried (None when none), `extraction`
    the path used."""
    if cms == "generic":
        return {**extract_generic(tree, url), "family": None, "kind": "article", "extraction": "generic"}
    name = detect_family(tree, url, markup) if cms in (None, "auto") else cms
    fam = FAMILIES.get(name or "")
    if fam is None:  # what auto.extract_article does then, without detecting the family a second time
        return {**extract_generic(tree, url), "family": None, "kind": "article", "extraction": "generic"}
    return {**engine.extract_article(fam, tree, url), "family": fam.name, "kind": fam.kind}


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
