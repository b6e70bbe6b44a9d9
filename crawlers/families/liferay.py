"""Liferay portals (asset publisher portlets): `/-/<alias>` articles, `_cur=N` paging.

Article markup: `.asset-full-content` with `.header-title`, `.asset-metadata`
(publish date, view count "Lượt xem"), `.journal-content-article` (the text; a
first paragraph set wholly in bold is the lead) and `.author-name`; related
items in `.asset-links` outside it. Listings: `.asset-abstract .asset-title a`
and a `.taglib-page-iterator` / `lfr-pagination-buttons` pager.
"""
from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from crawlers.families.base import (
    FamilySpider,
    article,
    attachment_links,
    date_in,
    dedupe,
    first,
    item_links,
    link_urls,
    split_byline,
    text_at,
)
from crawlers.html import links_of, paragraphs_of, tables_of, text_of

PANEL = (".asset-full-content", ".journal-content-article", ".portlet-content")
BODY = (".journal-content-article", ".asset-content", ".asset-full-content")
TITLE = (".header-title", ".asset-title", "h1", "h2.title", "h3")
DATE = (".metadata-publish-date", ".publish-date", ".asset-metadata", ".metadata-entry")
AUTHOR = (".author-name", ".metadata-author", ".asset-author")
DROP = (".author-name", ".metadata-author", ".asset-author", ".asset-links", ".asset-metadata",
        ".taglib-social-bookmarks", ".asset-ratings", ".view-count")
LIST_ITEMS = (".asset-abstract .asset-title a", ".asset-title a", ".asset-abstract h3 a", ".asset-abstract a")
PAGER = (".taglib-page-iterator", ".lfr-pagination-buttons", ".pagination")
RELATED = (".asset-links", ".related-assets")


def _panel(tree):
    return first(tree, PANEL)


def _body(tree):
    return first(_panel(tree), BODY)


def _parse_title(tree, url: str) -> str | None:
    return text_at(_panel(tree), TITLE)


def _parse_date_text(tree, url: str) -> str | None:
    return date_in(_panel(tree), DATE, _body(tree))


def _parse_author(tree, url: str) -> str | None:
    return text_at(_panel(tree), AUTHOR)


def _lead(body) -> str | None:
    """The first paragraph when it is set wholly in bold: Liferay editors write the lead that way."""
    for el in body.iterchildren():
        if not isinstance(el.tag, str) or not text_of(el):
            continue
        if el.tag != "p":
            return None
        bold = " ".join(text_of(b) for b in el.xpath("./strong|./b"))
        return text_of(el) if bold and bold == text_of(el) else None
    return None


def _parse_summary(tree, url: str) -> str | None:
    body = _body(tree)
    return _lead(body) if body is not None else None


def _parse_body(tree, url: str) -> tuple[list[str], list, str | None]:
    body = _body(tree)
    if body is None:
        return [], [], None
    paras = paragraphs_of(body, DROP)
    lead = _lead(body)
    if lead and paras and paras[0] == lead:
        paras = paras[1:]
    paras, byline = split_byline(paras)
    return paras, tables_of(body), byline


def _parse_attachments(tree, url: str) -> list:
    return attachment_links(_body(tree), url)


def extract_article(tree, url: str) -> dict:
    paras, tables, byline = _parse_body(tree, url)
    return article(_parse_title(tree, url), _parse_date_text(tree, url), _parse_author(tree, url) or byline,
                   _parse_summary(tree, url), paras, tables, _parse_attachments(tree, url))


def _parse_article_links(tree, url: str) -> list[str]:
    return item_links(tree, url, LIST_ITEMS, RELATED)


def _is_page_link(href: str, url: str) -> bool:
    """A pager link: same path as the listing, with Liferay's `_cur` (or a portlet-prefixed `..._cur`)."""
    if urlsplit(href).path != urlsplit(url).path:
        return False
    return any(k == "_cur" or k.endswith("_cur") for k, _ in parse_qsl(urlsplit(href).query))


def _parse_next_pages(tree, url: str) -> list[str]:
    pager = link_urls(tree, url, PAGER)
    loose = [u for u, _ in links_of(tree, url) if _is_page_link(u, url)]
    return dedupe(pager + loose, exclude=[url])


def listing_links(tree, url: str) -> tuple[list[str], list[str]]:
    return _parse_article_links(tree, url), _parse_next_pages(tree, url)


class LiferaySpider(FamilySpider):
    family = "liferay"
    extract_article = staticmethod(extract_article)
    listing_links = staticmethod(listing_links)
