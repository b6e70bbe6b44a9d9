"""NukeViet 4 news module: `/<module>/<cat>/<alias>-<id>.html`, `page-N` paging.

Article markup: a `news_column` panel (panel-default, panel-primary, ... by theme)
with `h1.title`, a meta line "Thứ năm - 28/04/2022 12:00", `.hometext` (the
lead), `#news-bodyhtml.bodytext` (the text), a `.news-download-file` list and a
right-aligned "Tác giả bài viết: X" line. Rating forms and "Những tin mới hơn"
lists sit in sibling panels, outside the article panel.
"""
from __future__ import annotations

from crawlers.families.base import (
    FamilySpider,
    all_of,
    article,
    attachment_links,
    container_of,
    date_before,
    date_phrase,
    dedupe,
    first,
    labelled_line,
    link_urls,
    outside,
    split_byline,
    text_at,
)
from crawlers.html import links_of, paragraphs_of, select, tables_of, text_of

BODY = ("#news-bodyhtml", ".bodytext", ".news-bodyhtml", "[itemprop=articleBody]")
TITLE = ("h1.title", "h1[itemprop=headline]", ".news_column h1", "h1")
DATE = ("span.h5", ".time", ".news-time", "ul.list-inline li")
SUMMARY = (".hometext", "[itemprop=description]", ".summary")
FILES = (".news-download-file", ".download-file", ".attach-file")
BYLINE = (".text-right", "p.h5", ".author", "p", "div")
# Listing items: headings of the news blocks; related-news lists are excluded.
LIST_ITEMS = (".news_column h3 a", ".news_column h2 a", ".news_column h4 a", ".viewcat_list h3 a")
PAGER = (".pagination", ".generate_page", "ul.pager")
RELATED = (".other-news", ".related", ".news-related")


def _body(tree):
    return first(tree, BODY)


def _panel(tree):
    body = _body(tree)
    return container_of(body, "h1") if body is not None else first(tree, (".news_column",))


def _parse_title(tree, url: str) -> str | None:
    return text_at(_panel(tree), TITLE) or text_at(tree, TITLE)


def _parse_date_text(tree, url: str) -> str | None:
    panel, body = _panel(tree), _body(tree)
    for el in all_of(panel, DATE):
        found = date_phrase(text_of(el))
        if found:
            return found
    return date_before(panel, body)


def _parse_summary(tree, url: str) -> str | None:
    return text_at(_panel(tree), SUMMARY)


def _parse_body(tree, url: str) -> tuple[list[str], list, str | None]:
    """(paragraphs, tables, byline found inside the text)."""
    body = _body(tree)
    paras, author = split_byline(paragraphs_of(body)) if body is not None else ([], None)
    return paras, tables_of(body) if body is not None else [], author


def _parse_author(tree, url: str) -> str | None:
    panel, body = _panel(tree), _body(tree)
    return labelled_line(panel, BYLINE, skip=body)


def _parse_attachments(tree, url: str) -> list:
    panel = _panel(tree)
    found = []
    for el in all_of(panel, FILES):
        found += attachment_links(el, url)
    found += attachment_links(_body(tree), url, strict=True)
    urls = dedupe(a["url"] for a in found)
    return [next(a for a in found if a["url"] == u) for u in urls]


def extract_article(tree, url: str) -> dict:
    paras, tables, byline = _parse_body(tree, url)
    return article(_parse_title(tree, url), _parse_date_text(tree, url), byline or _parse_author(tree, url),
                   _parse_summary(tree, url), paras, tables, _parse_attachments(tree, url))


def _parse_article_links(tree, url: str) -> list[str]:
    out = []
    for sel in LIST_ITEMS:
        anchors = outside(select(tree, sel), tree, RELATED)
        if anchors:
            out = [u for a in anchors for u, _ in links_of(a, url)]
            break
    return dedupe(out)


def _parse_next_pages(tree, url: str) -> list[str]:
    return dedupe(link_urls(tree, url, PAGER), exclude=[url])


def listing_links(tree, url: str) -> tuple[list[str], list[str]]:
    return _parse_article_links(tree, url), _parse_next_pages(tree, url)


class NukeVietSpider(FamilySpider):
    family = "nukeviet"
    extract_article = staticmethod(extract_article)
    listing_links = staticmethod(listing_links)
