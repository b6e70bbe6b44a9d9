"""NukeViet 4 news module: `/<module>/<cat>/<alias>-<id>.html`, `page-N` paging.

Article markup: a `news_column` panel (panel-default, panel-primary, ... by theme) with `h1.title`, a meta line
"Thứ năm - 28/04/2022 12:00", `.hometext` (the lead), `#news-bodyhtml.bodytext` (the text), a
`.news-download-file` list (links `…html?download=1&id=0` that name the file in their text) and a right-aligned
"Tác giả bài viết: X" line. Rating forms and "Những tin mới hơn" lists sit in sibling panels.
Listings: the page view (a featured item, then headings), the grid view (a featured item, then thumbnails
with captions), the list view (numbered links wrapping their headings).
"""
from __future__ import annotations

from crawlers.extraction.family import Family

FAMILY = Family(
    name="nukeviet",
    panel=(".news_column",),
    panel_from_body=True,
    body=("#news-bodyhtml", ".bodytext", ".news-bodyhtml", "[itemprop=articleBody]"),
    title=("h1.title", "h1[itemprop=headline]", ".news_column h1", "h1"),
    title_anywhere=True,
    date=("span.h5", ".time", ".news-time", "ul.list-inline li"),
    summary=(".hometext", "[itemprop=description]", ".summary"),
    byline_lines=(".text-right", "p.h5", ".author", "p", "div"),
    body_byline_first=True,
    files=(".news-download-file", ".download-file", ".attach-file"),
    list_items=(".news_column h3 a", ".news_column h2 a", ".news_column h4 a", ".viewcat_list h3 a",
                ".thumbnail .caption h4 a", ".thumbnail h3 a", ".list-group > a.show"),
    pager=(".pagination", ".generate_page", "ul.pager"),
    related=(".other-news", ".related", ".news-related"),
)
