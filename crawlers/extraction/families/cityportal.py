"""Custom city news portals: `.news-detail-page` articles, `.paging` listings.

Article markup: a `.tools` bar with the print link and the time ("Thứ Bảy, 05/10/2019 11:28"), `.news-title`,
`.news-content` whose last paragraph is the source line "Nguồn. X" / "Nguồn: X"; "Tiện ích thông tin" (QR code)
and "Tin khác" boxes follow it.
"""
from __future__ import annotations

from crawlers.extraction.family import Family

FAMILY = Family(
    name="cityportal",
    panel=(".news-detail-page", ".news-detail", ".detail-news", "article"),
    body=(".news-content", ".detail-content", ".content-news", ".news-body"),
    title=(".news-title", "h1", "h2"),
    date=(".tools .time", ".time", ".news-date", ".date"),
    drop=(".tien-ich", ".tin-khac", ".qr", ".tools"),
    byline_labels=("Nguồn tin", "Nguồn", "Tác giả"),
    list_box=(".list-news-page", ".news-list-page", ".list-news-category", ".category-news"),
    list_items=("li.item a.title", "a.title", ".item a", "h3 a"),
    pager=(".paging", ".pagination", ".pager"),
    related=(".tin-khac", ".tien-ich", ".side-column"),
)
