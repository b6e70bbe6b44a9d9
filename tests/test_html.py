"""HTML helpers on invented snippets: decoding, text, paragraphs, tables, links."""
from __future__ import annotations

import unicodedata

import lxml.html

from crawlers.extraction.html import decode_html, links_of, paragraphs_of, parse_html, text_of
from crawlers.extraction.html_tables import tables_of

VI = "Thứ năm - Hoà Bình: Nguyễn Văn Ảnh đạt 85,02 điểm, xếp thứ 3"


def cp1258(s: str) -> bytes:
    """Encode as windows-1258 does: base letters precomposed, tone marks as combining characters."""
    out = b""
    for c in unicodedata.normalize("NFC", s):
        try:
            out += c.encode("cp1258")
        except UnicodeEncodeError:
            d = unicodedata.normalize("NFD", c)
            out += unicodedata.normalize("NFC", d[:-1]).encode("cp1258") + d[-1].encode("cp1258")
    return out


def page(body: bytes, charset: str = "utf-8") -> bytes:
    return b'<html><head><meta charset="' + charset.encode() + b'"></head><body><p>' + body + b"</p></body></html>"


def test_cp1258_bytes_declared_utf8():
    tree = parse_html(page(cp1258(VI), "utf-8"), "https://a.gov.vn/", encoding="utf-8")
    assert paragraphs_of(tree.body) == [VI]


def test_utf8_bytes_declared_cp1258():
    tree = parse_html(page(VI.encode("utf-8"), "windows-1258"), "https://a.gov.vn/")
    assert paragraphs_of(tree.body) == [VI]
    tree = parse_html(page(VI.encode("utf-8"), "windows-1258"), "https://a.gov.vn/", encoding="windows-1258")
    assert paragraphs_of(tree.body) == [VI]


def test_cp1258_declared_honestly():
    assert decode_html(cp1258(VI), "windows-1258") == VI


def test_nfd_page_becomes_nfc():
    nfd = unicodedata.normalize("NFD", VI)
    assert nfd != VI
    tree = parse_html(page(nfd.encode("utf-8")), "https://a.gov.vn/")
    assert text_of(tree.body) == VI
    assert unicodedata.is_normalized("NFC", text_of(tree.body))


def test_garbage_never_raises():
    for body in (b"", b"\x00\x01\x02", None, b"   \n"):
        tree = parse_html(body, "https://a.gov.vn/")
        assert isinstance(tree, lxml.html.HtmlElement)
        assert text_of(tree) == ""
    tree = parse_html(b"<?xml version='1.0' encoding='utf-8'?><html><body><p>a</p></body></html>", "u")
    assert paragraphs_of(tree.body) == ["a"]


def test_binary_bodies_are_no_text():
    # Bytes that are not text (a file served as text/html, a broken gzip stream) would decode as a legacy
    # charset into lines of noise: they read as an empty page instead.
    import random

    noise = random.Random(7).randbytes(6000)
    pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length 5 /Filter /FlateDecode >>\nstream\n" + noise + b"\nendstream"
    for body in (noise, pdf):
        assert text_of(parse_html(body, "https://a.gov.vn/")) == ""
    # A page with a stray control character or two is still read.
    page = b"<html><body><p>C\xe1\xba\xa3i c\xc3\xa1ch\x0b h\xc3\xa0nh ch\xc3\xadnh</p>" + b"<p>x</p>" * 200 + b"</body></html>"
    assert paragraphs_of(parse_html(page, "u").body)[0] == "Cải cách hành chính"


ARTICLE = """<html><head><title>Trang</title><style>p{color:red}</style></head><body>
<nav><a href="/">Trang chủ</a></nav>
<div id="main"><h2>Tiêu đề phụ</h2>Dòng mở đầu <strong>in đậm</strong>
<p>Đoạn  thứ&nbsp;nhất.</p>văn bản giữa<!-- ghi chú --> khối
<ul><li>Mục A</li><li>Mục <em>B</em></li></ul>
<table><tr><td>ô bảng</td></tr></table>sau bảng<br>dòng mới
<blockquote>Trích dẫn</blockquote><script>var x = "không hiện";</script>
<form><input value="x">Bình luận</form><div class="share">Chia sẻ</div><iframe src="x"></iframe>
</div></body></html>"""


def test_paragraphs_in_order():
    tree = parse_html(ARTICLE.encode(), "https://a.gov.vn/tin/1.html")
    main = tree.get_element_by_id("main")
    assert paragraphs_of(main) == [
        "Tiêu đề phụ", "Dòng mở đầu in đậm", "Đoạn thứ nhất.", "văn bản giữa khối", "Mục A", "Mục B",
        "sau bảng", "dòng mới", "Trích dẫn", "Chia sẻ",
    ]
    assert paragraphs_of(main, drop=(".share", "h2")) == [
        "Dòng mở đầu in đậm", "Đoạn thứ nhất.", "văn bản giữa khối", "Mục A", "Mục B",
        "sau bảng", "dòng mới", "Trích dẫn",
    ]
    # the caller's tree is not modified
    assert main.cssselect(".share")


def test_text_of_skips_script_and_style():
    tree = parse_html(ARTICLE.encode(), "https://a.gov.vn/")
    text = text_of(tree.body)
    assert "không hiện" not in text and "color" not in text
    assert text.startswith("Trang chủ Tiêu đề phụ Dòng mở đầu in đậm Đoạn thứ nhất.")


TWO_ROW_HEADER = """<html><body><h3>Bảng 1. Kết quả tháng 6/2022</h3><p>Ghi chú</p>
<table><thead>
<tr><th rowspan="2">STT</th><th rowspan="2">Đơn vị</th><th colspan="3">Tiếp nhận</th><th rowspan="2">Tỷ lệ (%)</th></tr>
<tr><th>Tổng số</th><th>Trực tuyến</th><th>Trực tiếp</th></tr>
</thead><tbody>
<tr><td>1</td><td>Sở Nội vụ</td><td>1.411</td><td>700</td><td>711</td><td>85,02</td></tr>
<tr><td rowspan="2">2</td><td>Sở Tư pháp</td><td colspan="3">Không có số liệu</td><td>90</td></tr>
<tr><td>Sở Y tế</td><td>5</td><td>4</td><td>1</td><td>100</td></tr>
</tbody></table>
<table><caption>Bảng 2</caption><tr><th>A</th><th>B</th></tr><tr><th>x</th><td>y</td></tr><tr><td>z</td></tr></table>
</body></html>"""


def test_two_row_header_spans_expanded():
    tree = parse_html(TWO_ROW_HEADER.encode(), "https://a.gov.vn/")
    first, second = tables_of(tree)
    assert first == {
        "rows": [
            ["STT", "Đơn vị", "Tiếp nhận", "Tiếp nhận", "Tiếp nhận", "Tỷ lệ (%)"],
            ["STT", "Đơn vị", "Tổng số", "Trực tuyến", "Trực tiếp", "Tỷ lệ (%)"],
            ["1", "Sở Nội vụ", "1.411", "700", "711", "85,02"],
            ["2", "Sở Tư pháp", "Không có số liệu", "Không có số liệu", "Không có số liệu", "90"],
            ["2", "Sở Y tế", "5", "4", "1", "100"],
        ],
        "header_rows": 2,
        "caption": "Bảng 1. Kết quả tháng 6/2022",
    }
    # th-only leading rows count as header; a ragged row is padded
    assert second == {"rows": [["A", "B"], ["x", "y"], ["z", ""]], "header_rows": 1, "caption": "Bảng 2"}


def test_table_without_caption_or_heading():
    tree = parse_html(b"<table><tr><td>a</td></tr></table>", "u")
    assert tables_of(tree) == [{"rows": [["a"]], "header_rows": 0, "caption": None}]


def test_links_absolute_without_fragment():
    html = """<html><body><a href="/tin/1.html#top">Tin <b>một</b></a> <a href="javascript:void(0)">x</a>
    <a href="#">Lên đầu</a><a href="mailto:a@b.vn">Thư</a><a href="../files/a.pdf" title="Tệp PDF"></a>
    <a href="https://other.vn/x?a=1"><img src="i.png" alt="Ảnh"></a></body></html>"""
    tree = parse_html(html.encode(), "https://a.gov.vn/tin/muc/")
    assert links_of(tree, "https://a.gov.vn/tin/muc/") == [
        ("https://a.gov.vn/tin/1.html", "Tin một"),
        ("https://a.gov.vn/tin/files/a.pdf", "Tệp PDF"),
        ("https://other.vn/x?a=1", "Ảnh"),
    ]
