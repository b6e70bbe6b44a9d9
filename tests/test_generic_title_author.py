"""Generic title and byline: the article's heading, never the site's name; an office in an author box."""
from __future__ import annotations

from crawlers.extraction.extract_generic import extract_generic
from crawlers.extraction.html import parse_html

PAGE = """<html><head><title>Họp mặt ngày 8/3 – Cổng thông tin điện tử huyện Giồng Trôm</title></head><body>
<header><p class="site-title"><a href="https://huyen.example.vn" rel="home">Cổng thông tin điện tử huyện Giồng Trôm</a></p>
</header><main><h1 class="post-title">Họp mặt ngày 8/3</h1>
<div class="post-content"><p>Sáng 8/3, Hội Liên hiệp Phụ nữ huyện tổ chức họp mặt kỷ niệm ngày Quốc tế Phụ nữ.</p>
<p>Dự họp mặt có đại diện lãnh đạo huyện và hội viên các xã, thị trấn trong huyện.</p></div></main>
<footer><p class="site-title"><a href="/">Cổng thông tin điện tử huyện Giồng Trôm</a></p></footer></body></html>"""


def test_title_shorter_than_the_site_name_is_still_the_title():
    url = "https://huyen.example.vn/2023/03/hop-mat/"
    got = extract_generic(parse_html(PAGE.encode(), url), url)
    assert got["title"] == "Họp mặt ngày 8/3"


OFFICE = """<html><head><title>Đối thoại với người dân – Cổng huyện</title></head><body><main>
<h1>Đối thoại với người dân về thủ tục hành chính</h1>
<div class="entry"><p>Chiều 5/8, Ủy ban nhân dân huyện tổ chức đối thoại với người dân về thủ tục hành chính đất đai.</p>
<p>Các ý kiến của người dân được trả lời trực tiếp tại buổi đối thoại, phần còn lại được chuyển cơ quan chuyên môn.</p>
</div><div class="post-meta"><p>by</p><div class="post-author"><p class="post-author__name">Văn phòng HĐND và UBND huyện</p>
</div></div></main></body></html>"""


def test_an_office_in_an_author_box_is_the_byline():
    url = "https://huyen.example.vn/2024/08/doi-thoai/"
    got = extract_generic(parse_html(OFFICE.encode(), url), url)
    assert got["author"] == "Văn phòng HĐND và UBND huyện"
