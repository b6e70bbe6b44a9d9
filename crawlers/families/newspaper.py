"""Provincial newspaper sites: `.article-detail` pages, "Xem thêm" paging.

Article markup: `h1.article-title`, `.article-meta .date` ("Thứ Hai, 16/01/2023 |
08:15"), `.article-sapo` (the sapo, prefixed with the outlet code "XYZ – ",
kept as published), `.article-content` whose last paragraph is the
right-aligned byline `p.author`; tags and "Tin liên quan" follow it.
"""
from __future__ import annotations

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
from crawlers.html import links_of, paragraphs_of, tables_of, text_of
from transforms.text import fold

PANEL = ("article.article-detail", ".article-detail", ".detail-article", "article")
BODY = (".article-content", ".article-body", "#content", ".content-detail", ".detail-content")
TITLE = (".article-title", "h1")
DATE = (".article-meta .date", ".article-meta", ".date", "time")
SUMMARY = (".article-sapo", ".sapo", ".article-summary", ".lead")
AUTHOR = ("p.author", ".author", ".article-author")
DROP = ("p.author", ".author", ".article-author", ".article-tags", ".related-news")
LIST_ITEMS = (".story__title a", "article.story h2 a", "article.story h3 a", ".story a", ".category h2 a")
MORE_WORDS = ("xem them", "trang sau", "tiep theo", "xem tiep")
PAGER = (".pagination", ".paging", ".pager")
RELATED = (".related-news", ".article-tags", ".side-column")


def _panel(tree):
    return first(tree, PANEL)


def _body(tree):
    return first(_panel(tree), BODY) if _panel(tree) is not None else first(tree, BODY)


def _parse_title(tree, url: str) -> str | None:
    return text_at(_panel(tree), TITLE)


def _parse_date_text(tree, url: str) -> str | None:
    return date_in(_panel(tree), DATE, _body(tree))


def _parse_summary(tree, url: str) -> str | None:
    return text_at(_panel(tree), SUMMARY)


def _byline_el(body):
    """The right-aligned author paragraph at the end of the content."""
    marked = all_of(body, AUTHOR)
    if marked:
        return marked[-1]
    paras = [p for p in body.xpath("./p") if text_of(p)]
    if paras and "right" in (paras[-1].get("style") or "").replace(" ", "") + (paras[-1].get("align") or ""):
        text = text_of(paras[-1])
        if len(text) <= 60:
            return paras[-1]
    return None


def _parse_author(tree, url: str) -> str | None:
    body = _body(tree)
    el = _byline_el(body) if body is not None else None
    return (text_of(el) or None) if el is not None else None


def _parse_body(tree, url: str) -> tuple[list[str], list, str | None]:
    body = _body(tree)
    if body is None:
        return [], [], None
    paras = paragraphs_of(body, DROP)
    byline = _byline_el(body)
    if byline is not None and paras and paras[-1] == text_of(byline):
        paras = paras[:-1]
    paras, labelled = split_byline(paras)
    return paras, tables_of(body), labelled


def _parse_attachments(tree, url: str) -> list:
    return attachment_links(_body(tree), url)


def extract_article(tree, url: str) -> dict:
    paras, tables, labelled = _parse_body(tree, url)
    return article(_parse_title(tree, url), _parse_date_text(tree, url), _parse_author(tree, url) or labelled,
                   _parse_summary(tree, url), paras, tables, _parse_attachments(tree, url))


def _parse_article_links(tree, url: str) -> list[str]:
    return item_links(tree, url, LIST_ITEMS, RELATED)


def _parse_next_pages(tree, url: str) -> list[str]:
    more = [u for u, text in links_of(tree, url) if fold(text) in MORE_WORDS]
    return dedupe(more + link_urls(tree, url, PAGER), exclude=[url])


def listing_links(tree, url: str) -> tuple[list[str], list[str]]:
    return _parse_article_links(tree, url), _parse_next_pages(tree, url)


class NewspaperSpider(FamilySpider):
    family = "newspaper"
    extract_article = staticmethod(extract_article)
    listing_links = staticmethod(listing_links)
