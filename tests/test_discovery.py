"""Links to files beyond the extension, pagers in every common form, archives, feeds, sitemaps, body links."""
from __future__ import annotations

from crawlers.extraction.attachment_links import attachment_links, file_name_in
from crawlers.extraction.attachments import DOCX, XLSX, file_name_of, media_type_of
from crawlers.extraction.discovery import (
    archive_kind,
    article_like,
    feed_entries,
    feed_of,
    offered_feeds,
    tag_archive_links,
    text_links,
)
from crawlers.extraction.generic_listing import next_page_links, page_sibling
from crawlers.extraction.html import parse_html

BASE = "https://so.example.vn/"


def _tree(body: str, url: str = BASE + "tin/"):
    return parse_html(f"<html><head><title>t</title></head><body>{body}</body></html>".encode(), url)


def test_attachment_recognised_without_extension():
    tree = _tree('<div class="files">'
                 '<a href="/tin/bai-27.html?download=1&amp;id=0" download>Tập tin : <b>ket-qua.xlsx</b></a>'
                 '<a href="/tin/bai-27.html?download=1&amp;id=1">Tải về</a>'
                 '<a href="/get?id=5" title="Tệp ke-hoach.docx">Kế hoạch</a>'
                 '<a href="/files/bao-cao.pdf">Báo cáo</a>'
                 '<a href="/tin/bai-khac-28.html">Bài khác</a></div>')
    got = attachment_links(tree, BASE + "tin/", strict=True)
    assert got == [
        {"url": BASE + "tin/bai-27.html?download=1&id=0", "title": "ket-qua.xlsx", "media_type": XLSX},
        {"url": BASE + "tin/bai-27.html?download=1&id=1", "title": None, "media_type": None},
        {"url": BASE + "get?id=5", "title": "Kế hoạch", "media_type": DOCX},
        {"url": BASE + "files/bao-cao.pdf", "title": "Báo cáo", "media_type": "application/pdf"},
    ]
    assert file_name_in("Tập tin: ket-qua.xlsx") == "ket-qua.xlsx" and file_name_in("Kế hoạch năm") is None


def test_download_link_by_word_only_in_an_attachment_box():
    tree = _tree('<p><a href="/x?id=3">Tải về</a></p>')
    assert attachment_links(tree, BASE, strict=True) == []
    assert [a["url"] for a in attachment_links(tree, BASE, strict=False)] == [BASE + "x?id=3"]


def test_content_disposition_names_the_file():
    assert file_name_of('attachment; filename="ket-qua chi so.xlsx";') == "ket-qua chi so.xlsx"
    assert file_name_of("attachment; filename*=UTF-8''k%E1%BA%BF-ho%E1%BA%A1ch.docx") == "kế-hoạch.docx"
    assert file_name_of(None) is None and file_name_of("inline") is None
    zipped = b"PK\x03\x04" + b"\0" * 40  # not a readable zip: the name decides between DOCX and XLSX
    assert media_type_of(zipped, "application/octet-stream", BASE + "a.html?download=1", "k.xlsx") == XLSX
    assert media_type_of(b"%PDF-1.4 x", "text/html", BASE + "a.html?download=1", "k.pdf") == "application/pdf"


def test_pagers_in_every_common_form():
    here = BASE + "category/cchc/"
    assert page_sibling(BASE + "category/cchc/page/2/", here) == "named"
    assert page_sibling(BASE + "category/cchc/page-3/", here) == "named"
    assert page_sibling(BASE + "category/cchc/?page=2", here) == "named"
    tree = _tree('<div class="nav-links"><a href="/category/cchc/page/2/">Older Posts→</a></div>'
                 '<a href="/category/cchc/?p=3">Trang tiếp</a><a href="/category/cchc/?trang=4">»</a>'
                 '<a href="/category/khac/">Trang sau</a>', here)
    assert next_page_links(tree, here, BASE) == [BASE + "category/cchc/page/2/", BASE + "category/cchc/?p=3",
                                                 BASE + "category/cchc/?trang=4"]


def test_archive_and_article_shapes():
    assert archive_kind(BASE + "tag/thu-tuc-hanh-chinh/") == "tag"
    assert archive_kind(BASE + "tag/thu-tuc-hanh-chinh/page/2/") == "tag"
    assert archive_kind(BASE + "chu-de/so-hoa") == "tag"
    assert archive_kind(BASE + "category/tin-tuc/") == "category"
    assert archive_kind(BASE + "2023/05/") == "date" and archive_kind(BASE + "2023/") == "date"
    assert archive_kind(BASE + "2023/05/sipas-nam-2022-dat-82/") is None
    assert article_like(BASE + "2023/05/sipas-nam-2022-dat-82/")
    assert article_like(BASE + "cchc/tro-giup-phap-ly-26.html")
    assert article_like(BASE + "Pages/tin-chi-tiet.aspx?ItemID=5")
    assert not article_like(BASE + "gioi-thieu/") and not article_like(BASE + "tag/so-hoa/")
    assert not article_like(BASE + "uploads/a-b-c.pdf") and not article_like(BASE)


def test_links_inside_the_article_text_only():
    url = BASE + "tin/bai-mot-hai-ba-1.html"
    tree = _tree('<ul class="menu"><li><a href="/tin/menu-mot-hai-ba.html">Tin menu</a></li></ul>'
                 '<div class="body"><p>Xem <a href="/tin/bai-cu-bon-nam-4.html">bài trước</a> về việc này.</p>'
                 '<p>Nguồn khác <a href="https://other.example.vn/a-b-c.html">ở đây</a>.</p></div>'
                 '<div class="tags">Tags: <a href="/tag/so-hoa/">số hóa</a> <a href="/2023/05/">Tháng 5</a>'
                 ' <a href="/category/tin/">Tin</a></div>', url)
    paras = ["Xem bài trước về việc này.", "Nguồn khác ở đây."]
    assert text_links(tree, url, paras, BASE) == [BASE + "tin/bai-cu-bon-nam-4.html"]
    assert tag_archive_links(tree, url, BASE) == [BASE + "tag/so-hoa/", BASE + "2023/05/"]


def test_feeds_and_sitemaps():
    tree = parse_html(b'<html><head><link rel="alternate" type="application/rss+xml" href="/feed/">'
                      b'<link rel="alternate" type="application/rss+xml" title="Dong binh luan" href="/comments/feed/">'
                      b'<link rel="sitemap" href="/sitemap.xml"></head><body></body></html>', BASE)
    assert offered_feeds(tree, BASE) == [BASE + "feed/", BASE + "sitemap.xml"]
    listing = BASE + "category/cai-cach-hanh-chinh/"
    assert feed_of(listing, BASE + "category/cai-cach-hanh-chinh/feed/")
    assert feed_of(BASE + "cai-cach-hanh-chinh/page-2/", BASE + "rss/cai-cach-hanh-chinh/")
    assert not feed_of(listing, BASE + "feed/") and not feed_of(listing, BASE + "rss/tin-hoat-dong/")
    rss = (b'<?xml version="1.0"?><rss version="2.0"><channel><link>https://so.example.vn/</link>'
           b'<item><title>A</title><link>https://so.example.vn/a-b-c/</link></item></channel></rss>')
    assert feed_entries(rss, BASE + "feed/") == ([BASE + "a-b-c/"], [])
    atom = (b'<feed xmlns="http://www.w3.org/2005/Atom"><link href="https://so.example.vn/"/>'
            b'<entry><link rel="alternate" href="/x-y-z.html"/></entry></feed>')
    assert feed_entries(atom, BASE + "atom") == ([BASE + "x-y-z.html"], [])
    index = (b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             b'<sitemap><loc>https://so.example.vn/post-sitemap.xml</loc></sitemap></sitemapindex>')
    assert feed_entries(index, BASE + "sitemap.xml") == ([], [BASE + "post-sitemap.xml"])
    urlset = (b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://so.example.vn/a/</loc>'
              b'</url></urlset>')
    assert feed_entries(urlset, BASE + "post-sitemap.xml") == ([BASE + "a/"], [])
    assert feed_entries(b"<html><body>not a feed</body></html>", BASE) == ([], [])
