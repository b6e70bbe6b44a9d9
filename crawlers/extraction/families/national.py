"""National ranking pages (PAR INDEX, SIPAS of the 63 provinces).

A page is a big ranking table inside the main content, a sentence or two, and
links to the other years and indices inside that same block. Each page becomes
a record kind="table"; only links inside the main content block are followed,
never the chrome menus.
"""
from __future__ import annotations

from crawlers.extraction.attachment_links import attachment_links, is_attachment_url
from crawlers.extraction.common import dedupe, first, table_block
from crawlers.extraction.family import Family
from crawlers.extraction.html import links_of, paragraphs_of, text_of
from crawlers.extraction.html_tables import tables_of


def _main(tree):
    return table_block(tree)


def _parse_title(tree, url: str) -> str | None:
    main = _main(tree)
    heading = first(main, ("h1", "h2", "h3")) if main is not None else None
    return (text_of(heading) or None) if heading is not None else None


def _parse_body(tree, url: str) -> tuple[list[str], list]:
    main = _main(tree)
    if main is None:
        return [], []
    title = _parse_title(tree, url)
    paras = [p for p in paragraphs_of(main, ("ul", "ol")) if p != title]
    return paras, tables_of(main)


def _parse_links(tree, url: str) -> list[str]:
    main = _main(tree)
    links = [u for u, _ in links_of(main, url)] if main is not None else []
    return dedupe((u for u in links if not is_attachment_url(u)), exclude=[url])


def _parse_attachments(tree, url: str) -> list:
    return attachment_links(_main(tree), url, strict=True)


def extract_page(tree, url: str) -> dict:
    title = _parse_title(tree, url)
    paras, tables = _parse_body(tree, url)
    missing = [k for k, v in (("title", title), ("tables", tables)) if not v]
    return {"title": title, "date_text": None, "author": None, "summary": None, "paragraphs": paras,
            "tables": tables, "attachments": _parse_attachments(tree, url), "missing": missing}


def listing_links(tree, url: str) -> tuple[list[str], list[str]]:
    """Other years and indices, linked from inside the main content."""
    return [], _parse_links(tree, url)


FAMILY = Family(name="national", kind="table", read_page=extract_page, read_links=listing_links)
