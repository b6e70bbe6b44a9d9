"""SharePoint-based provincial portals: `tin-chi-tiet.aspx?ItemID=N` articles, `?Page=N` paging.

Article markup: `.ms-rtestate-field` (or a `.news-detail` web part) holding `.title-news`, a `.date-news` line
that also carries hidden flags and a view count ("False 18271 Ngày cập nhật 26/04/2022"), `.sapo`,
`.content-news`, an attachment line and a right-aligned `.author-news`. "Xem tin theo ngày" boxes and
other-news lists follow it.
"""
from __future__ import annotations

from crawlers.extraction.family import Family

TITLE = (".title-news", "h1", "h2")
DATE = (".date-news", ".news-date", ".date")
SUMMARY = (".sapo", ".news-sapo", ".summary")
AUTHOR = (".author-news", ".author", ".news-author")
FILES = (".attach", ".attachments", ".file-attach")

FAMILY = Family(
    name="sharepoint",
    panel=(".news-detail .ms-rtestate-field", ".ms-rtestate-field", ".news-detail", "#ctl00_PlaceHolderMain"),
    body=(".content-news", ".news-content", ".ms-rtestate-field"),
    title=TITLE,
    date=DATE,
    summary=SUMMARY,
    author=AUTHOR,
    files=FILES,
    panel_drop=TITLE + DATE + SUMMARY + AUTHOR + FILES + (".other-news",),
    list_box=(".news-list", ".ms-listviewtable", ".list-news", ".main-column"),
    list_items=("a.news-title", ".news-item a", "a[href*='ItemID=']"),
    pager=(".pager", ".pagination", ".ms-paging"),
    page_keys=("page",),
    related=(".other-news", ".side-column", ".sidebar"),
)
