"""Listing pages by a family's table, generic listing discovery as the last resort.

`family_listing` reads the table's item and pager selectors only. `listing_links` is what the spiders use: when
the item selectors find no article link the page is read by generic listing discovery
(crawlers.extraction.generic_listing), and the pager links generic discovery finds are added to the family's
(a pager in a form the table does not name is still followed). The third value says which path found the items.
"""
from __future__ import annotations

from functools import lru_cache
from urllib.parse import parse_qsl, urlsplit

from crawlers.extraction.common import dedupe, first, link_urls, outside
from crawlers.extraction.family import Family
from crawlers.extraction.generic_listing import (
    MIN_TITLE_WORDS,
    article_links,
    generic_listing_links,
    next_page_links,
)
from crawlers.extraction.html import hrefs_of, links_of, select
from transforms.text import fold
from transforms.urls import canonical_url


def _items(fam: Family, tree, url: str) -> list[str]:
    """Links of every item selector, in the page's order: a featured first item and the thumbnails after it are
    told by selectors of their own."""
    box = first(tree, fam.list_box) if fam.list_box else tree
    if box is None:
        return []
    matched = [el for sel in fam.list_items for el in select(box, sel)]
    found = {id(el): el for el in outside(matched, tree, fam.related + fam.pager)}
    if not found:
        return []
    ordered = [el for el in box.iter() if id(el) in found]
    return dedupe(u for el in ordered for u in hrefs_of(el, url))


@lru_cache(maxsize=65536)  # a pager's links are asked about on every page of the listing
def _path_and_keys(url: str) -> tuple[str, tuple[str, ...]]:
    parts = urlsplit(url)
    return parts.path, tuple(k.lower() for k, _ in parse_qsl(parts.query))


def _is_page_link(fam: Family, href: str, url: str) -> bool:
    """The listing's own path with a page-number key the table names (`_cur`, `page`)."""
    if not fam.page_keys:
        return False
    path, keys = _path_and_keys(href)
    if path != _path_and_keys(url)[0]:
        return False
    return any(k == p or k.endswith(p) for k in keys for p in fam.page_keys)


def family_listing(fam: Family, tree, url: str, links: list[tuple[str, str]] | None = None) -> tuple[list[str], list[str]]:
    """(article links, next-page links) by the table's selectors alone. `links`: the page's links_of, when the
    caller has read them already."""
    if fam.read_links is not None:
        return fam.read_links(tree, url)
    if links is None and (fam.more_words or fam.page_keys):
        links = links_of(tree, url)
    more = [u for u, text in links if fold(text) in fam.more_words] if fam.more_words else []
    loose = [u for u, _ in links if _is_page_link(fam, u, url)] if fam.page_keys else []
    pages = dedupe(more + link_urls(tree, url, fam.pager) + loose, exclude=[url])
    return _items(fam, tree, url), pages


def _folder(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.netloc.lower(), parts.path.rsplit("/", 1)[0] if not parts.path.endswith("/") else \
        parts.path.rstrip("/").rsplit("/", 1)[0]


def _missed_items(articles: list[str], pages: list[str], tree, url: str, base_url: str,
                  links: list[tuple[str, str]]) -> list[str]:
    """Article links generic discovery finds beside the table's items, in the same folder as those items: an
    item rendered unlike the others (a featured first item, a teaser box) that no item selector names."""
    folders = {_folder(u) for u in articles}
    have = {canonical_url(u) for u in articles + pages}
    # Generic discovery copies and prunes the page: only worth it when some headline-long link in the items'
    # folder is not an item already (it keeps a subset of these links; most listings have none).
    if not any(len(text.split()) >= MIN_TITLE_WORDS and _folder(u) in folders and canonical_url(u) not in have
               for u, text in links):
        return []
    return [u for u in article_links(tree, url, base_url, pages) if _folder(u) in folders]


def listing_links(fam: Family | None, tree, url: str, base_url: str) -> tuple[list[str], list[str], str]:
    """(article links, next-page links, "family" | "generic"): the table's items (and any item beside them the
    selectors miss), else generic discovery."""
    if fam is not None and fam.read_links is not None:
        return (*fam.read_links(tree, url), "family")
    links = links_of(tree, url)
    articles, pages = family_listing(fam, tree, url, links) if fam is not None else ([], [])
    if articles:
        pages = dedupe(pages + next_page_links(tree, url, base_url, links), exclude=[url])
        return dedupe(articles + _missed_items(articles, pages, tree, url, base_url, links)), pages, "family"
    g_articles, g_pages = generic_listing_links(tree, url, base_url, links)
    return dedupe(g_articles), dedupe(pages + g_pages, exclude=[url]), "generic"
