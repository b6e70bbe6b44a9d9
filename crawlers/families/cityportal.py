"""Custom city news portals: `.news-detail-page` articles, `.paging` listings.

Article markup: a `.tools` bar with the print link and the time ("Thứ Bảy,
05/10/2019 11:28"), `.news-title`, `.news-content` whose last paragraph is the
source line "Nguồn. X" / "Nguồn: X"; "Tiện ích thông tin" (QR code) and
"Tin khác" boxes follow it.
"""
from __future__ import annotations

from crawlers.families.base import (
    FamilySpider,
    article,
    attachment_links,
    date_in,
    dedupe,
    first,
    link_urls,
    outside,
    split_byline,
    text_at,
)
from crawlers.html import links_of, paragraphs_of, select, tables_of

PANEL = (".news-detail-page", ".news-detail", ".detail-news", "article")
BODY = (".news-content", ".detail-content", ".content-news", ".news-body")
TITLE = (".news-title", "h1", "h2")
DATE = (".tools .time", ".time", ".news-date", ".date")
DROP = (".tien-ich", ".tin-khac", ".qr", ".tools")
SOURCE_LABELS = ("Nguồn tin", "Nguồn", "Tác giả")
LIST_CONTAINERS = (".list-news-page", ".news-list-page", ".list-news-category", ".category-news")
LIST_ITEMS = ("li.item a.title", "a.title", ".item a", "h3 a", "li a")
PAGER = (".paging", ".pagination", ".pager")
RELATED = (".tin-khac", ".tien-ich", ".side-column")


def _panel(tree):
    return first(tree, PANEL)


def _body(tree):
    return first(_panel(tree), BODY) if _panel(tree) is not None else first(tree, BODY)


def _parse_title(tree, url: str) -> str | None:
    return text_at(_panel(tree), TITLE)


def _parse_date_text(tree, url: str) -> str | None:
    return date_in(_panel(tree), DATE, _body(tree))


def _parse_body(tree, url: str) -> tuple[list[str], list, str | None]:
    """(paragraphs, tables, source line): the "Nguồn. X" line is the author, not text."""
    body = _body(tree)
    if body is None:
        return [], [], None
    paras, source = split_byline(paragraphs_of(body, DROP), SOURCE_LABELS)
    return paras, tables_of(body), source


def _parse_author(tree, url: str) -> str | None:
    return _parse_body(tree, url)[2]


def _parse_attachments(tree, url: str) -> list:
    return attachment_links(_body(tree), url)


def extract_article(tree, url: str) -> dict:
    paras, tables, source = _parse_body(tree, url)
    return article(_parse_title(tree, url), _parse_date_text(tree, url), source, None, paras, tables,
                   _parse_attachments(tree, url))


def _parse_article_links(tree, url: str) -> list[str]:
    box = first(tree, LIST_CONTAINERS)
    if box is None:
        return []
    for sel in LIST_ITEMS:
        anchors = outside(select(box, sel), box, PAGER + RELATED)
        if anchors:
            return dedupe(u for a in anchors for u, _ in links_of(a, url))
    return []


def _parse_next_pages(tree, url: str) -> list[str]:
    return dedupe(link_urls(tree, url, PAGER), exclude=[url])


def listing_links(tree, url: str) -> tuple[list[str], list[str]]:
    return _parse_article_links(tree, url), _parse_next_pages(tree, url)


class CityPortalSpider(FamilySpider):
    family = "cityportal"
    extract_article = staticmethod(extract_article)
    listing_links = staticmethod(listing_links)
