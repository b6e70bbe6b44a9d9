"""Provincial newspaper sites: `.article-detail` pages, "Xem thêm" paging.

Article markup: `h1.article-title`, `.article-meta .date` ("Thứ Hai, 16/01/2023 | 08:15"), `.article-sapo`
(the sapo, prefixed with the outlet code "XYZ – ", kept as published), `.article-content` whose last paragraph
is the right-aligned byline `p.author`; tags and "Tin liên quan" follow it.
"""
from __future__ import annotations

from crawlers.extraction.family import Family

FAMILY = Family(
    name="newspaper",
    panel=("article.article-detail", ".article-detail", ".detail-article", "article"),
    body=(".article-content", ".article-body", "#content", ".content-detail", ".detail-content"),
    title=(".article-title", "h1"),
    date=(".article-meta .date", ".article-meta", ".date", "time"),
    summary=(".article-sapo", ".sapo", ".article-summary", ".lead"),
    author=("p.author", ".author", ".article-author"),
    right_byline=True,
    drop=("p.author", ".author", ".article-author", ".article-tags", ".related-news"),
    list_items=(".story__title a", "article.story h2 a", "article.story h3 a", ".category h2 a"),
    pager=(".pagination", ".paging", ".pager"),
    more_words=("xem them", "trang sau", "tiep theo", "xem tiep"),
    related=(".related-news", ".article-tags", ".side-column"),
)
