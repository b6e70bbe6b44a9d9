"""The extraction engine over a family table: what the table finds, and the generic fallback where it fails.
The family here is made up for the test: a new family is a table like it and a test like this."""
from __future__ import annotations

from crawlers.extraction import engine, listing
from crawlers.extraction.family import Family
from crawlers.extraction.html import parse_html

FAM = Family(name="made-up", panel=(".post",), body=(".post-body",), title=("h1",), date=(".post-date",),
             author=(".post-author",), list_items=(".items h3 a",), pager=(".pages",))
URL = "https://so.example.vn/tin/so-tu-phap-ra-soat-thu-tuc-12.html"
TEXT = ("Sở Tư pháp rà soát 45 thủ tục hành chính thuộc thẩm quyền giải quyết, kiến nghị đơn giản hóa 12 thủ tục. "
        "Kết quả rà soát được gửi Ủy ban nhân dân tỉnh trước ngày 30/6.")
MORE = ("Bộ phận một cửa của Sở tiếp nhận 3.412 hồ sơ trong sáu tháng đầu năm, 100% được giải quyết đúng hạn, "
        "trong đó 2.580 hồ sơ nộp trực tuyến. ") * 3


def _page(post: str, before: str = "", after: str = "") -> object:
    html = (f"<html><head><title>Sở Tư pháp rà soát thủ tục hành chính</title></head><body>"
            f"<ul class='menu'><li><a href='/'>Trang chủ</a></li></ul>{before}<div class='post'>{post}</div>{after}"
            "<div class='footer'>Sở Tư pháp tỉnh · Địa chỉ: số 1 đường Trần Phú</div></body></html>")
    return parse_html(html.encode(), URL)


HEAD = "<h1>Sở Tư pháp rà soát thủ tục hành chính</h1>"


def test_table_reads_every_field():
    tree = _page(HEAD + "<p class='post-date'>Thứ hai, 15/01/2024 08:30</p>"
                 f"<div class='post-body'><p>{TEXT}</p></div><p class='post-author'>Minh Anh</p>")
    got = engine.extract_article(FAM, tree, URL)
    assert (got["title"], got["date_text"], got["author"], got["paragraphs"]) == (
        "Sở Tư pháp rà soát thủ tục hành chính", "Thứ hai, 15/01/2024 08:30", "Minh Anh", [TEXT])
    assert (got["extraction"], got["missing"], got.get("fallback"), got.get("filled")) == ("family", [], None, None)


def test_a_date_line_the_table_misses_is_filled_generically():
    tree = _page(HEAD + f"<div class='post-body'><p>{TEXT}</p></div><p class='post-author'>Minh Anh</p>",
                 before="<div class='info'>Thứ hai, 15/01/2024 08:30</div>")
    assert engine.family_article(FAM, tree, URL)["missing"] == ["date"]
    got = engine.extract_article(FAM, tree, URL)
    assert (got["extraction"], got["filled"], got["missing"]) == ("family", ["date"], [])
    assert got["date_text"] == "Thứ hai, 15/01/2024 08:30"


def test_no_text_found_means_a_generic_page():
    tree = _page(HEAD + "<p class='post-date'>Thứ hai, 15/01/2024 08:30</p>"
                 f"<div class='noi-dung'><p>{TEXT}</p><p>{MORE}</p></div><p class='post-author'>Minh Anh</p>")
    got = engine.extract_article(FAM, tree, URL)
    assert (got["extraction"], got["fallback"]) == ("generic", "no text")
    assert got["paragraphs"] == [TEXT, MORE.strip()] and got["title"] == "Sở Tư pháp rà soát thủ tục hành chính"


def test_a_fragment_of_the_text_is_not_taken_for_the_text():
    short = "Sở Tư pháp rà soát thủ tục."
    tree = _page(HEAD + f"<p class='post-date'>Thứ hai, 15/01/2024 08:30</p><div class='post-body'><p>{short}</p></div>"
                 + "".join(f"<p>{i}. {TEXT} {MORE}</p>" for i in range(3)) + "<p class='post-author'>Minh Anh</p>")
    assert engine.family_article(FAM, tree, URL)["paragraphs"] == [short]
    got = engine.extract_article(FAM, tree, URL)
    assert (got["extraction"], got["fallback"]) == ("generic", "text short for the page")
    assert len(got["paragraphs"]) == 4 and got["paragraphs"][0] == short


def test_listing_items_featured_item_and_generic_listing():
    here = "https://so.example.vn/tin/"
    items = "".join(f"<li><h3><a href='/tin/bai-viet-so-{i}-ve-cai-cach-hanh-chinh-{i}.html'>Bài viết số {i} về cải cách "
                    f"hành chính của tỉnh</a></h3></li>" for i in (2, 3))
    featured = ("<div class='hero'><h2><a href='/tin/bai-viet-so-1-ve-cai-cach-hanh-chinh-1.html'>Bài viết số 1 về cải "
                "cách hành chính của tỉnh</a></h2></div>")
    pages = "<div class='pages'><a href='/tin/page-2/'>2</a></div>"
    tree = parse_html(f"<html><body><main>{featured}<ul class='items'>{items}</ul>{pages}</main></body></html>".encode(),
                      here)
    arts, nexts, path = listing.listing_links(FAM, tree, here, "https://so.example.vn/")
    assert path == "family" and nexts == ["https://so.example.vn/tin/page-2/"]
    assert arts == [f"https://so.example.vn/tin/bai-viet-so-{i}-ve-cai-cach-hanh-chinh-{i}.html" for i in (2, 3, 1)]
    renamed = parse_html(f"<html><body><main>{featured}<ul class='list'>{items}</ul>{pages}</main></body></html>".encode(),
                         here)
    arts, _, path = listing.listing_links(FAM, renamed, here, "https://so.example.vn/")
    assert path == "generic" and len(arts) == 3
