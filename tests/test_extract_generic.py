"""Generic extraction: every article of the shared world treated as an unknown CMS, plus an invented CMS page."""
from __future__ import annotations

import collections
import datetime as dt
import json
from pathlib import Path

import pytest

from crawlers.extract_generic import detect_family, extract_generic, generic_listing_links
from crawlers.html import parse_html
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
        "Báo cáo quý I",
    ]
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
