"""SharePoint-based provincial portals: `tin-chi-tiet.aspx?ItemID=N` articles, `?Page=N` paging.

Article markup: `.ms-rtestate-field` (or a `.news-detail` web part) holding
`.title-news`, a `.date-news` line that also carries hidden flags and a view
count ("False 18271 Ngày cập nhật 26/04/2022"), `.sapo`, `.content-news`,
an attachment line and a right-aligned `.author-news`. "Xem tin theo ngày"
boxes and other-news lists follow it.
"""
from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from crawlers.families.base import (
    FamilySpider,
    all_of,
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
from crawlers.html import links_of, paragraphs_of, tables_of

PANEL = (".news-detail .ms-rtestate-field", ".ms-rtestate-field", ".news-detail", "#ctl00_PlaceHolderMain")
BODY = (".content-news", ".news-content", ".ms-rtestate-field")
TITLE = (".title-news", "h1", "h2")
DATE = (".date-news", ".news-date", ".date")
SUMMARY = (".sapo", ".news-sapo", ".summary")
AUTHOR = (".author-news", ".author", ".news-author")
FILES = (".attach", ".attachments", ".file-attach")
# Removed when the body falls back to the whole field.
DROP = TITLE + DATE + SUMMARY + AUTHOR + FILES + (".other-news",)
LIST_CONTAINERS = (".news-list", ".ms-listviewtable", ".list-news", ".main-column")
LIST_ITEMS = ("a.news-title", ".news-item a", "a[href*='ItemID=']")
PAGER = (".pager", ".pagination", ".ms-paging")
RELATED = (".other-news", ".side-column", ".sidebar")


def _panel(tree):
    return first(tree, PANEL)


def _body(tree):
    return first(_panel(tree), BODY)


def _parse_title(tree, url: str) -> str | None:
    return text_at(_panel(tree), TITLE)


def _parse_date_text(tree, url: str) -> str | None:
    return date_in(_panel(tree), DATE, _body(tree))


def _parse_summary(tree, url: str) -> str | None:
    return text_at(_panel(tree), SUMMARY)


def _parse_author(tree, url: str) -> str | None:
    return text_at(_panel(tree), AUTHOR)


def _parse_body(tree, url: str) -> tuple[list[str], list, str | None]:
    body = _body(tree)
    if body is None:
        return [], [], None
    paras, byline = split_byline(paragraphs_of(body, DROP if body is _panel(tree) else ()))
    return paras, tables_of(body), byline


def _parse_attachments(tree, url: str) -> list:
    panel = _panel(tree)
    found = [a for el in all_of(panel, FILES) for a in attachment_links(el, url)]
    found += attachment_links(_body(tree), url, strict=True)
    keep = dedupe(a["url"] for a in found)
    return [next(a for a in found if a["url"] == u) for u in keep]


def extract_article(tree, url: str) -> dict:
    paras, tables, byline = _parse_body(tree, url)
    return article(_parse_title(tree, url), _parse_date_text(tree, url), _parse_author(tree, url) or byline,
                   _parse_summary(tree, url), paras, tables, _parse_attachments(tree, url))


def _parse_article_links(tree, url: str) -> list[str]:
    return item_links(first(tree, LIST_CONTAINERS), url, LIST_ITEMS, RELATED, skip_root=tree)


def _is_page_link(href: str, url: str) -> bool:
    return urlsplit(href).path == urlsplit(url).path and any(
        k.lower() == "page" for k, _ in parse_qsl(urlsplit(href).query))


def _parse_next_pages(tree, url: str) -> list[str]:
    pager = link_urls(tree, url, PAGER)
    loose = [u for u, _ in links_of(tree, url) if _is_page_link(u, url)]
    return dedupe(pager + loose, exclude=[url])


def listing_links(tree, url: str) -> tuple[list[str], list[str]]:
    return _parse_article_links(tree, url), _parse_next_pages(tree, url)


class SharePointSpider(FamilySpider):
    family = "sharepoint"
    extract_article = staticmethod(extract_article)
    listing_links = staticmethod(listing_links)
