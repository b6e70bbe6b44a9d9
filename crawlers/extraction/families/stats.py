"""Statistics portals (TTHC dossiers per agency and period).

The start page shows one period's table (a table per agency block, often with a
two-row header) and offers the other periods as `<select>` options and links to
the same path with other query parameters (year, month). Each period
page becomes one record kind="stats" with its heading and tables; the page's
date is the period it reports, stated in the heading, so date_text stays None.
"""
from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from crawlers.extraction.common import dedupe, first, outside, table_block
from crawlers.extraction.family import Family
from crawlers.extraction.html import links_of, paragraphs_of, text_of
from crawlers.extraction.html_tables import tables_of
from transforms.text import clean

HEADING = ("h1", "h2", "h3", ".title")
CHROME = ("nav", ".navbar", "#header", "#footer", ".side-column", ".menu")


def _main(tree):
    return table_block(tree)


def _parse_title(tree, url: str) -> str | None:
    main = _main(tree)
    heading = first(main, HEADING) if main is not None else None
    return (text_of(heading) or None) if heading is not None else None


def _same_path(href: str, url: str) -> bool:
    a, b = urlsplit(href), urlsplit(url)
    return a.netloc.lower() == b.netloc.lower() and a.path.rstrip("/") == b.path.rstrip("/") and bool(a.query)


def _parse_period_links(tree, url: str) -> list[str]:
    """Other periods: option values and links to the same path with other query parameters."""
    options = [urljoin(url, clean(v)) for v in tree.xpath("//select/option/@value") if clean(v)]
    anchors = [u for a in outside(tree.xpath("//a[@href]"), tree, CHROME) for u, _ in links_of(a, url)]
    return dedupe((u for u in options + anchors if _same_path(u, url)), exclude=[url])


def extract_page(tree, url: str) -> dict:
    main = _main(tree)
    title = _parse_title(tree, url)
    tables = tables_of(main) if main is not None else []
    paras = [p for p in paragraphs_of(main, ("select", "ul", "ol")) if p != title] if main is not None else []
    has_rows = any(len(t["rows"]) > t["header_rows"] for t in tables)
    # An index page (an empty table and links to every period) is not a broken page.
    is_index = not has_rows and bool(_parse_period_links(tree, url))
    missing = [k for k, v in (("title", title), ("tables", tables or is_index), ("rows", has_rows or is_index)) if not v]
    return {"title": title, "date_text": None, "author": None, "summary": None, "paragraphs": paras,
            "tables": tables, "attachments": [], "missing": missing}


def listing_links(tree, url: str) -> tuple[list[str], list[str]]:
    """No articles: every other period is a page of its own."""
    return [], _parse_period_links(tree, url)


FAMILY = Family(name="stats", kind="stats", read_page=extract_page, read_links=listing_links)
