"""Liferay portals (asset publisher portlets): `/-/<alias>` articles, `_cur=N` paging.

Article markup: `.asset-full-content` with `.header-title`, `.asset-metadata` (publish date, view count
"Lượt xem"), `.journal-content-article` (the text; a first paragraph set wholly in bold is the lead) and
`.author-name`; related items in `.asset-links` outside it. Listings: `.asset-abstract .asset-title a` and a
`.taglib-page-iterator` / `lfr-pagination-buttons` pager.
"""
from __future__ import annotations

from crawlers.extraction.family import Family
from crawlers.extraction.html import text_of


def bold_lead(body) -> str | None:
    """The first paragraph when it is set wholly in bold: Liferay editors write the lead that way."""
    for el in body.iterchildren():
        if not isinstance(el.tag, str) or not text_of(el):
            continue
        if el.tag != "p":
            return None
        bold = " ".join(text_of(b) for b in el.xpath("./strong|./b"))
        return text_of(el) if bold and bold == text_of(el) else None
    return None


FAMILY = Family(
    name="liferay",
    panel=(".asset-full-content", ".journal-content-article", ".portlet-content"),
    body=(".journal-content-article", ".asset-content", ".asset-full-content"),
    title=(".header-title", ".asset-title", "h1", "h2.title", "h3"),
    date=(".metadata-publish-date", ".publish-date", ".asset-metadata", ".metadata-entry"),
    author=(".author-name", ".metadata-author", ".asset-author"),
    lead=bold_lead,
    drop=(".author-name", ".metadata-author", ".asset-author", ".asset-links", ".asset-metadata",
          ".taglib-social-bookmarks", ".asset-ratings", ".view-count"),
    list_items=(".asset-abstract .asset-title a", ".asset-title a", ".asset-abstract h3 a"),
    pager=(".taglib-page-iterator", ".lfr-pagination-buttons", ".pagination"),
    page_keys=("_cur",),
    related=(".asset-links", ".related-assets"),
)
