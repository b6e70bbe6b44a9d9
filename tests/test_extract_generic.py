"""Generic extraction: every article of the shared world treated as an unknown CMS, plus an invented CMS page."""
from __future__ import annotations

import collections
import datetime as dt
import json
from pathlib import Path

import pytest

from crawlers.extraction.extract_generic import detect_family, extract_generic, generic_listing_links
from crawlers.extraction.html import parse_html
from transforms.dates import parse_date
from transforms.text import fold

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
WORLD = SHARED / "world" / "small"


def _world_pages() -> list[tuple[str, dict, bytes, str]]:
    """(site cms, truth record, body, url) for every page of the small world that has a truth record."""
    if not (WORLD / "truth.jsonl").exists():
        return []
    from warcio.archiveiterator import ArchiveIterator

    truth = {}
    for line in (WORLD / "truth.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        truth[rec["url"]] = rec
    cms = {}
    site = None
    for line in (WORLD / "sites.toml").read_text(encoding="utf-8").splitlines():
        if line.startswith("id = "):
            site = line.split('"')[1]
        elif line.startswith("cms = "):
            cms[site] = line.split('"')[1]
    out = []
    for path in sorted((WORLD / "warc").glob("*.warc.gz")):
        with open(path, "rb") as fh:
            for rec in ArchiveIterator(fh):
                url = rec.rec_headers.get_header("WARC-Target-URI")
                if rec.rec_type == "response" and url in truth:
                    out.append((cms[path.name[: -len(".warc.gz")]], truth[url], rec.content_stream().read(), url))
    return out


PAGES = _world_pages()
needs_world = pytest.mark.skipif(not PAGES, reason="shared world absent")


def token_f1(got: str, want: str) -> float:
    a, b = collections.Counter(fold(got).split()), collections.Counter(fold(want).split())
    common = sum((a & b).values())
    if not common:
        return 0.0
    p, r = common / sum(a.values()), common / sum(b.values())
    return 2 * p * r / (p + r)


@needs_world
def test_every_family_is_covered():
    fams = {cms for cms, t, _, _ in PAGES if t["kind"] == "article"}
    assert fams == {"nukeviet", "liferay", "sharepoint", "newspaper", "cityportal"}


@needs_world
@pytest.mark.parametrize("cms,truth,body,url", [p for p in PAGES if p[1]["kind"] == "article"],
                         ids=lambda v: v[-40:] if isinstance(v, str) else "")
def test_world_article_as_unknown_cms(cms, truth, body, url):
    tree = parse_html(body, url)
    out = extract_generic(tree, url)
    assert out["title"] == truth["title"]
    date, _ = parse_date(out["date_text"])
    assert date == dt.date.fromisoformat(truth["published"][:10])
    got = " ".join(([out["summary"]] if out["summary"] else []) + out["paragraphs"])
    assert token_f1(got, " ".join(truth["body"])) >= 0.9
    assert out["author"] == truth["author"]
    assert sorted(a["url"] for a in out["attachments"]) == sorted(truth["attachments"])
    assert detect_family(tree, url) == cms


@needs_world
def test_world_table_pages_family():
    seen = set()
    for cms, truth, body, url in PAGES:
        if truth["kind"] in ("stats", "table"):
            assert detect_family(parse_html(body, url), url) == cms
            seen.add(cms)
    assert seen == {"stats", "national"}


@needs_world
def test_world_listings():
    checked = 0
    for _cms, truth, body, url in PAGES:
        if truth["kind"] != "listing":
            continue
        articles, _next = generic_listing_links(parse_html(body, url), url, url)
        assert articles == truth["links"]
        checked += 1
    assert checked >= 7


# --- an invented CMS ------------------------------------------------------------------------------------------------
MADE_UP = """<!DOCTYPE html><html><head><meta charset="utf-8">
<title>Phường Ánh Dương công bố kết quả một cửa quý I - Cổng TTĐT Phường Ánh Dương</title></head>
<body><div class="top-bar">Thứ Hai, 20/11/2023</div>
<ul class="main-menu"><li><a href="/">Trang chủ</a></li><li><a href="/tin-tuc">Tin tức</a></li></ul>
<div class="wrap"><div class="left-col">
<div class="crumbs"><a href="/">Trang chủ</a> › <a href="/tin-tuc">Tin tức</a></div>
<div class="bai-viet">
<div class="tieu-de">Phường Ánh Dương công bố kết quả một cửa quý I</div>
<div class="ngay-dang"><i class="icon"></i> 03/04/2024 - 15:20</div>
<div class="tom-tat">Quý I năm 2024, bộ phận một cửa phường tiếp nhận 1.250 hồ sơ, giải quyết đúng hạn 98,5%.</div>
<div class="noi-dung">
<p>Trong quý I, bộ phận tiếp nhận và trả kết quả của phường đã tiếp nhận 1.250 hồ sơ thủ tục hành chính.</p>
<p>Trong đó, 820 hồ sơ được nộp trực tuyến, chiếm tỷ lệ 65,6% tổng số hồ sơ tiếp nhận trong kỳ.</p>
<p>Phường tiếp tục rà soát quy trình nội bộ, rút ngắn thời gian xử lý hồ sơ cho người dân.</p>
<table><tr><th>Lĩnh vực</th><th>Số hồ sơ</th></tr><tr><td>Hộ tịch</td><td>900</td></tr></table>
<p><a href="/files/bao-cao-quy-1.pdf">Báo cáo quý I</a></p>
<p><strong>Trần Minh Khoa</strong></p>
</div>
<div class="chia-se share-box"><a href="https://facebook.com/share">Chia sẻ</a></div>
<div class="binh-luan"><form><textarea></textarea>Gửi bình luận</form></div>
<div class="tin-lien-quan"><h4>Tin liên quan</h4><ul>
<li><a href="/tin-tuc/phuong-anh-duong-hop-ban-ve-chuyen-doi-so-nam-2024-12.html">Phường Ánh Dương họp bàn về chuyển đổi số năm 2024</a></li>
</ul></div></div></div>
<div class="right-col"><div class="box-counter">Lượt truy cập: 1.234.567</div></div></div>
<div class="chan-trang">Cổng thông tin điện tử Phường Ánh Dương</div></body></html>"""
URL = "https://anhduong.example.vn/tin-tuc/phuong-anh-duong-cong-bo-ket-qua-mot-cua-quy-i-15.html"


def test_made_up_cms_exact_fields():
    tree = parse_html(MADE_UP.encode("utf-8"), URL)
    out = extract_generic(tree, URL)
    assert out["title"] == "Phường Ánh Dương công bố kết quả một cửa quý I"
    assert out["date_text"] == "03/04/2024 - 15:20"
    assert parse_date(out["date_text"]) == (dt.date(2024, 4, 3), dt.datetime(2024, 4, 3, 15, 20))
    assert out["summary"] == "Quý I năm 2024, bộ phận một cửa phường tiếp nhận 1.250 hồ sơ, giải quyết đúng hạn 98,5%."
    assert out["author"] == "Trần Minh Khoa"
    assert out["paragraphs"] == [
        "Trong quý I, bộ phận tiếp nhận và trả kết quả của phường đã tiếp nhận 1.250 hồ sơ thủ tục hành chính.",
        "Trong đó, 820 hồ sơ được nộp trực tuyến, chiếm tỷ lệ 65,6% tổng số hồ sơ tiếp nhận trong kỳ.",
        "Phường tiếp tục rà soát quy trình nội bộ, rút ngắn thời gian xử lý hồ sơ cho người dân.",
    ]  # the attachment's link line is in `attachments`, not in the text
    assert out["tables"] == [{"rows": [["Lĩnh vực", "Số hồ sơ"], ["Hộ tịch", "900"]], "header_rows": 1,
                              "caption": None}]
    assert out["attachments"] == [{"url": "https://anhduong.example.vn/files/bao-cao-quy-1.pdf",
                                   "title": "Báo cáo quý I", "media_type": "application/pdf"}]
    assert out["missing"] == []
    assert detect_family(tree, URL) is None


def test_byline_labels_and_missing_parts():
    html = """<html><head><title>Trang</title></head><body><div class="x">
    <p>Đoạn văn thứ nhất đủ dài để được xem là nội dung chính của bài viết này.</p>
    <p>Đoạn văn thứ hai cũng đủ dài để được xem là nội dung chính của bài viết.</p>
    <p>Nguồn: Văn phòng UBND phường</p></div></body></html>"""
    out = extract_generic(parse_html(html.encode(), "https://a.example.vn/x"), "https://a.example.vn/x")
    assert out["author"] == "Văn phòng UBND phường"
    assert out["date_text"] is None
    assert out["missing"] == ["date_text"]
    assert len(out["paragraphs"]) == 2


LISTING = """<html><body><ul class="menu"><li><a href="/gioi-thieu">Giới thiệu về phường và các đơn vị</a></li></ul>
<div class="danh-sach">
<div class="item"><a href="/tin/phuong-to-chuc-hoi-nghi-cai-cach-hanh-chinh-1.html">Phường tổ chức hội nghị cải cách hành chính</a></div>
<div class="item"><a href="/tin/ket-qua-giai-quyet-ho-so-thang-3-2.html">Kết quả giải quyết hồ sơ tháng 3 năm 2024</a></div>
<div class="item"><a href="https://khac.example.vn/tin/bai-viet-cua-trang-khac-3.html">Bài viết của một trang khác về cải cách</a></div>
<div class="item"><a href="/tin/ngan.html">Tin ngắn</a></div>
</div>
<div class="phan-trang"><span>1</span> <a href="/tin?page=2">2</a> <a href="/tin?page=3">3</a> <a href="/tin?page=2">»</a></div>
<div class="sidebar"><a href="/tin/tin-noi-bat-o-cot-ben-khong-thuoc-danh-sach-9.html">Tin nổi bật ở cột bên không thuộc danh sách</a></div>
</body></html>"""


def test_generic_listing_links():
    url = "https://anhduong.example.vn/tin"
    articles, pages = generic_listing_links(parse_html(LISTING.encode(), url), url, "https://anhduong.example.vn/")
    assert articles == ["https://anhduong.example.vn/tin/phuong-to-chuc-hoi-nghi-cai-cach-hanh-chinh-1.html",
                        "https://anhduong.example.vn/tin/ket-qua-giai-quyet-ho-so-thang-3-2.html"]
    assert pages == ["https://anhduong.example.vn/tin?page=2", "https://anhduong.example.vn/tin?page=3"]


def test_made_up_cms_without_meaningful_names():
    """The same page with every class name hashed reads the same: nothing depends on the names."""
    from tests.mangle import mangle_html

    plain = extract_generic(parse_html(MADE_UP.encode("utf-8"), URL), URL)
    hashed = extract_generic(parse_html(mangle_html(MADE_UP).encode("utf-8"), URL), URL)
    assert hashed == plain


# --- pagination of unknown markup ---------------------------------------------------------------------------------
PAGED = """<html><body><div class="k1"><a href="/">Trang chủ</a> <a href="/">Cổng thông tin điện tử phường Ánh Dương</a>
<a href="/tin-tuc/">Tin tức</a></div><div class="k2">
<div class="k3"><a href="{item1}">Phường tổ chức hội nghị tổng kết công tác cải cách hành chính</a></div>
<div class="k3"><a href="{item2}">Kết quả giải quyết hồ sơ thủ tục hành chính tháng 3</a></div>
<div class="k4">{pager}</div>
<div class="k5"><a href="/su-kien/">Xem thêm</a> <a href="/lich/?nam=2023">2023</a> <a href="/van-ban/2">2</a></div>
</div></body></html>"""
HOST = "https://anhduong.example.vn"


@pytest.mark.parametrize("url,pager,want", [
    ("/tin/", '<a href="/tin/">1</a><a href="/tin/page-2">2</a>', ["/tin/page-2"]),
    ("/tin/page-2", '<a href="/tin/">1</a><a href="/tin/page-2">2</a><a href="/tin/page-3">3</a>',
     ["/tin/", "/tin/page-3"]),
    ("/web/p/cchc", '<a href="/web/p/cchc?_cur=2&amp;delta=10">Tiếp theo</a>', ["/web/p/cchc?_cur=2&delta=10"]),
    ("/cchc/", '<a href="/cchc/?page=2">Xem thêm</a>', ["/cchc/?page=2"]),
    ("/Pages/cchc.aspx", '<span>1</span> <a href="/Pages/cchc.aspx?Page=2">2</a>', ["/Pages/cchc.aspx?Page=2"]),
    ("/tin-tuc.htm?cat=4", '<a href="/tin-tuc.htm?cat=4&amp;trang=2">»</a> <a href="/tin-tuc.htm?cat=4&amp;trang=2">›</a>',
     ["/tin-tuc.htm?cat=4&trang=2"]),
    ("/tin/trang-2.html", '<a href="/tin/trang-1.html">Trước</a> <a href="/tin/trang-3.html">Sau</a>',
     ["/tin/trang-3.html"]),
    ("/tin/", '<a href="/tin/?page=2" rel="next">Trang kế</a>', ["/tin/?page=2"]),
    ("/tin/", '<a href="/tin/?page=2">Trang 2</a> <a href="/tin/?page=9">›</a>', ["/tin/?page=2", "/tin/?page=9"]),
    ("/tin/", "", []),
])
def test_next_pages_of_unknown_markup(url, pager, want):
    html = PAGED.format(item1="/tin/hoi-nghi-tong-ket-1.html", item2="/tin/ket-qua-thang-3-2.html", pager=pager)
    articles, pages = generic_listing_links(parse_html(html.encode(), HOST + url), HOST + url, HOST + "/")
    assert pages == [HOST + u for u in want]
    assert articles == [HOST + "/tin/hoi-nghi-tong-ket-1.html", HOST + "/tin/ket-qua-thang-3-2.html"]


def test_query_articles_are_not_pages():
    """`?p=123` beside `?cat=4` is an article (its text is a headline), not a page of the listing."""
    url = HOST + "/index.php?cat=4"
    html = PAGED.format(item1="/index.php?p=123", item2="/index.php?cat=4&id=77", pager='<a href="?cat=4&amp;page=2">2</a>')
    articles, pages = generic_listing_links(parse_html(html.encode(), url), url, HOST + "/")
    assert articles == [HOST + "/index.php?p=123", HOST + "/index.php?cat=4&id=77"]
    assert pages == [HOST + "/index.php?cat=4&page=2"]


# --- bylines and leads without meaningful names ----------------------------------------------------------------------
ARTICLE = """<html><head><title>Huyện công bố kết quả cải cách hành chính năm 2023 - Cổng TTĐT huyện</title></head><body>
<div class="a1"><a href="/">Trang chủ</a> / <a href="/tin/">Tin tức</a></div>
<div class="a2"><div class="a3">Chi tiết bài viết</div>
<h2 class="a4">Huyện công bố kết quả cải cách hành chính năm 2023</h2><div class="a5">Thứ Ba, 05/03/2024 | 09:10</div>
{lead}<div class="a7">
<p>Ủy ban nhân dân huyện vừa công bố kết quả đánh giá công tác cải cách hành chính năm 2023 của các xã.</p>
<p>Theo đó, xã đứng đầu đạt 92,15 điểm, xã đứng cuối đạt 78,40 điểm trên thang điểm 100.</p>
<p>Huyện yêu cầu các xã khắc phục hạn chế, nâng cao chất lượng phục vụ người dân và doanh nghiệp.</p>
{inside}</div>{after}
<div class="a8"><p class="a9"><strong>Tin khác</strong></p><ul>
<li><a href="/tin/xa-dong-hop-ban-ve-chuyen-doi-so-9.html">Xã Đông họp bàn về chuyển đổi số năm 2024</a></li>
<li><a href="/tin/xa-tay-tong-ket-cong-tac-mot-cua-8.html">Xã Tây tổng kết công tác một cửa năm 2023</a></li>
</ul><p><b>Nguyễn Văn Không Phải</b></p></div></div>
<div class="a10"><p>Bản quyền thuộc về Ủy ban nhân dân huyện. Địa chỉ: số 1 đường Trung tâm, thị trấn.</p></div></body></html>"""
LEAD = "Kết quả cải cách hành chính năm 2023 của các xã có nhiều chuyển biến tích cực so với năm trước."


@pytest.mark.parametrize("lead,inside,after,author", [
    ("", '<p style="text-align: right;"><strong>Minh Châu</strong></p>', "", "Minh Châu"),
    ("", "<p>Nguồn. Trung tâm Văn hóa - Thông tin huyện</p>", "", "Trung tâm Văn hóa - Thông tin huyện"),
    ("", "", '<div class="b1"><a href="/files/kq-2023.pdf">Kết quả CCHC 2023</a></div>'
             '<div class="b2" style="text-align:right"><b>Trần Thanh Hà</b></div>', "Trần Thanh Hà"),
    (f'<div class="a6"><div class="b3">{LEAD}</div></div>', "",
     '<div><p class="b4"><strong>Tác giả bài viết: </strong>Lê Văn Tám</p></div>', "Lê Văn Tám"),
    ("", "", "", None),
    ("", '<div class="b6"><strong>Văn phòng HĐND - UBND huyện</strong></div>', "", "Văn phòng HĐND - UBND huyện"),
    ("", "", '<div class="b7">Tập tin đính kèm: <a href="/files/qd.pdf">Quyết định (PDF)</a></div>'
             '<div class="b8" style="text-align:right"><b>Sở Nội vụ</b></div>', "Sở Nội vụ"),
    ('<div class="a6"><span class="b5">Tác giả: Phạm Thu | 05/03/2024</span></div>', "", "", "Phạm Thu"),
])
def test_bylines_and_leads_of_unknown_markup(lead, inside, after, author):
    url = HOST + "/tin/huyen-cong-bo-ket-qua-cchc-2023-10.html"
    out = extract_generic(parse_html(ARTICLE.format(lead=lead, inside=inside, after=after).encode(), url), url)
    assert out["title"] == "Huyện công bố kết quả cải cách hành chính năm 2023"
    assert parse_date(out["date_text"]) == (dt.date(2024, 3, 5), dt.datetime(2024, 3, 5, 9, 10))
    assert out["author"] == author
    assert out["summary"] == (LEAD if LEAD in lead else None)
    assert out["paragraphs"] == [
        "Ủy ban nhân dân huyện vừa công bố kết quả đánh giá công tác cải cách hành chính năm 2023 của các xã.",
        "Theo đó, xã đứng đầu đạt 92,15 điểm, xã đứng cuối đạt 78,40 điểm trên thang điểm 100.",
        "Huyện yêu cầu các xã khắc phục hạn chế, nâng cao chất lượng phục vụ người dân và doanh nghiệp.",
    ]
    assert out["missing"] == ([] if author else ["author"])


def test_html5_items_keep_their_header_links():
    """An item's own <header> holds its headline; only the page's header and footer are chrome."""
    html = """<html><body><header><a href="/">Cổng thông tin điện tử phường Ánh Dương tỉnh X</a></header><main>
    <article><header><h2><a href="/tin/phuong-to-chuc-hoi-nghi-cai-cach-hanh-chinh-1.html">Phường tổ chức hội nghị
    cải cách hành chính</a></h2></header><p>Tóm tắt</p></article></main>
    <footer><a href="/lien-he/so-dien-thoai-va-dia-chi-lien-he.html">Số điện thoại và địa chỉ liên hệ của phường</a>
    </footer></body></html>"""
    url = HOST + "/tin/"
    assert generic_listing_links(parse_html(html.encode(), url), url, HOST + "/") == (
        [HOST + "/tin/phuong-to-chuc-hoi-nghi-cai-cach-hanh-chinh-1.html"], [])
