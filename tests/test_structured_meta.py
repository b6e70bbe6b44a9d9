"""Metadata from every place pages put it: JSON-LD, OpenGraph, microdata, <time>, bylines; dates in every style."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from crawlers.extraction.extract_page import extract_page
from crawlers.extraction.html import parse_html
from crawlers.extraction.structured_meta import date_conflict, marked_author, strip_by, structured_dates
from transforms.dates import parse_date

URL = "https://so.example.vn/tin-tuc/bai-viet-12.html"
TEXT = "".join(f"<p>Đoạn văn thứ {i} nói về kết quả cải cách hành chính của sở trong năm qua, với nhiều số liệu.</p>"
               for i in range(4))


def tree(head: str = "", body: str = ""):
    return parse_html(f"<html><head>{head}</head><body>{body}</body></html>".encode(), URL)


def ld(obj) -> str:
    return f'<script type="application/ld+json">{json.dumps(obj, ensure_ascii=False)}</script>'


@pytest.mark.parametrize("author,want", [
    ("Lê Minh", "Lê Minh"),
    ({"@type": "Person", "name": "Lê Minh"}, "Lê Minh"),
    ([{"@type": "Person", "name": "Lê Minh"}, {"name": "Trần Hoa"}], "Lê Minh, Trần Hoa"),
])
def test_json_ld_author_as_string_object_or_list(author, want):
    t = tree(ld({"@context": "https://schema.org", "@type": "NewsArticle", "author": author,
                 "datePublished": "2022-04-28T12:00:00+07:00"}))
    assert marked_author(t) == want
    assert structured_dates(t) == ["2022-04-28T12:00:00+07:00"]


def test_json_ld_graph_and_other_structured_dates_in_order():
    t = tree(ld({"@graph": [{"@type": "WebSite", "name": "Sở"},
                            {"@type": ["Article"], "datePublished": "2022-04-27", "author": {"name": "An"}}]})
             + '<meta property="article:published_time" content="2022-04-26T08:00:00+07:00">',
             '<span itemprop="datePublished" content="2022-04-25"></span><time datetime="2022-04-24">24/4</time>')
    assert structured_dates(t) == ["2022-04-27", "2022-04-26T08:00:00+07:00", "2022-04-25", "2022-04-24"]
    assert marked_author(t) == "An"


@pytest.mark.parametrize("body,want", [
    ('<p class="meta">By <a href="/u/lan" rel="author">Nguyễn Lan</a></p>', "Nguyễn Lan"),
    ('<span itemprop="author" itemscope><span itemprop="name">Phạm Quang</span></span>', "Phạm Quang"),
    ('<div class="byline">Đăng bởi: Minh Châu</div>', "Minh Châu"),
    ('<div class="post-author"><p class="post-author__name">Văn phòng UBND huyện</p></div>', "Văn phòng UBND huyện"),
    ('<div class="tac-gia">Người viết: Hồ Thu</div>', "Hồ Thu"),
    ('<div class="author">Tác giả: Đỗ Bình</div>', "Đỗ Bình"),
])
def test_marked_bylines(body, want):
    assert marked_author(tree(body=body)) == want


def test_strip_by_labels():
    assert [strip_by(x) for x in ("By Anna Lee", "bởi Hà Vy", "Viết bởi: Hà Vy", "Hà Vy")] == ["Anna Lee"] + ["Hà Vy"] * 3


@pytest.mark.parametrize("text,day,at", [
    ("Ngày 28 tháng 4 năm 2022", dt.date(2022, 4, 28), None),
    ("28-04-2022", dt.date(2022, 4, 28), None),
    ("28.04.2022", dt.date(2022, 4, 28), None),
    ("Cập nhật lúc 12:00 28/04/2022", dt.date(2022, 4, 28), dt.datetime(2022, 4, 28, 12, 0)),
    ("Thứ năm, 28/4/2022 - 12:00", dt.date(2022, 4, 28), dt.datetime(2022, 4, 28, 12, 0)),
    ("28 Tháng Tư, 2022", dt.date(2022, 4, 28), None),
    ("Tháng Mười Hai 5, 2023", dt.date(2023, 12, 5), None),
    ("Posted on April 28, 2022", dt.date(2022, 4, 28), None),
    ("Năm 2022 có 12 tháng", None, None),
    # A time beside a date in words belongs to it, before or after, 12-hour clocks included.
    ("Thứ Sáu, ngày 16 tháng 02 năm 2024 18:45", dt.date(2024, 2, 16), dt.datetime(2024, 2, 16, 18, 45)),
    ("Đăng lúc 18:45 ngày 16 tháng 02 năm 2024", dt.date(2024, 2, 16), dt.datetime(2024, 2, 16, 18, 45)),
    ("28 Tháng Tư, 2022 lúc 7:05", dt.date(2022, 4, 28), dt.datetime(2022, 4, 28, 7, 5)),
    ("Posted: Fri 6:45 PM, Feb 16, 2018", dt.date(2018, 2, 16), dt.datetime(2018, 2, 16, 18, 45)),
    ("April 28, 2022 at 12:30 am", dt.date(2022, 4, 28), dt.datetime(2022, 4, 28, 0, 30)),
    ("Ngày 16 tháng 02 năm 2024, 45 hồ sơ", dt.date(2024, 2, 16), None),
    # Vietnamese and English halves of the day, and "giờ" between hour and minute.
    ("15/03/2024 - 02:30 CH", dt.date(2024, 3, 15), dt.datetime(2024, 3, 15, 14, 30)),
    ("15/03/2024 09:05 SA", dt.date(2024, 3, 15), dt.datetime(2024, 3, 15, 9, 5)),
    ("15 Tháng Ba, 2024 2:30 chiều", dt.date(2024, 3, 15), dt.datetime(2024, 3, 15, 14, 30)),
    ("10:30 PM 15/03/2024", dt.date(2024, 3, 15), dt.datetime(2024, 3, 15, 22, 30)),
    ("15/03/2024 lúc 14 giờ 30", dt.date(2024, 3, 15), dt.datetime(2024, 3, 15, 14, 30)),
    ("12:15 SA, 15/03/2024", dt.date(2024, 3, 15), dt.datetime(2024, 3, 15, 0, 15)),
])
def test_date_styles(text, day, at):
    assert parse_date(text) == (day, at)


def page(head: str, meta_line: str, after: str = "") -> bytes:
    return (f"<html><head><title>Sở công bố kết quả cải cách năm 2022 - Cổng thông tin</title>{head}</head><body>"
            f"<div class='khung'><h1>Sở công bố kết quả cải cách năm 2022</h1><div class='d'>{meta_line}</div>"
            f"<div class='nd'>{TEXT}</div>{after}</div></body></html>").encode()


def test_the_visible_date_line_wins_over_structured_data_and_the_disagreement_is_reported():
    head = ld({"@type": "NewsArticle", "datePublished": "2022-05-03T09:00:00+07:00"})
    out = extract_page(page(head, "Thứ năm - 28/04/2022 12:00"), URL)
    assert (out["published"], out["date_text"]) == ("2022-04-28T12:00", "Thứ năm - 28/04/2022 12:00")
    assert out["date_conflict"] == "2022-05-03T09:00:00+07:00"
    same = extract_page(page(ld({"@type": "NewsArticle", "datePublished": "2022-04-28T12:00:00+07:00"}),
                             "Thứ năm - 28/04/2022 12:00"), URL)
    assert "date_conflict" not in same


def test_structured_date_when_no_line_states_one_is_no_conflict():
    t = tree('<meta property="article:published_time" content="2022-04-26T08:00:00+07:00">')
    assert date_conflict("2022-04-26T08:00:00+07:00", t) is None
    out = extract_page(page('<meta property="article:published_time" content="2022-04-26T08:00:00+07:00">', ""), URL)
    assert (out["published"], "date_conflict" in out) == ("2022-04-26T08:00", False)


def test_worded_date_line_and_marked_byline_on_a_generic_page():
    out = extract_page(page("", "Ngày 28 tháng 4 năm 2022",
                            '<p class="by">By <a rel="author" href="/tac-gia/an">Lê An</a></p>'), URL)
    assert (out["published"], out["author"], out["extraction"]) == ("2022-04-28", "Lê An", "generic")
    assert len(out["body"]) == 4
