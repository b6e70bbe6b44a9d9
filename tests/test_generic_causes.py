"""The causes of the generic extractor's losses on real pages, each on a small page made up for the test."""
from __future__ import annotations

import copy

import pytest

from crawlers.extraction.extract_generic import extract_generic
from crawlers.extraction.generic_meta import strip_chrome
from crawlers.extraction.html import parse_html, text_of

URL = "https://tin.example.vn/bai-viet/ket-qua-cai-cach-nam-2024.html"
TITLE = "Kết quả cải cách hành chính năm 2024 của huyện"
PARAS = [
    "Năm 2024, huyện đã hoàn thành các nhiệm vụ cải cách hành chính đề ra từ đầu năm với nhiều kết quả tích cực.",
    "Tỷ lệ hồ sơ giải quyết đúng hạn đạt trên chín mươi phần trăm, cao hơn năm trước ở hầu hết các lĩnh vực.",
    "Bộ phận một cửa của huyện tiếp tục được đầu tư trang thiết bị để phục vụ người dân tốt hơn mỗi ngày.",
    "Trong năm tới, huyện sẽ đẩy mạnh số hóa hồ sơ và kết quả giải quyết thủ tục hành chính cho người dân.",
]
MENU = "".join(f'<li><a href="/muc-{i}/">Chuyên mục số {i}</a></li>' for i in range(40))
FOOTER = "".join(f'<li><a href="/lien-ket-{i}/">Liên kết website số {i}</a></li>' for i in range(40))


def page(article: str, title: str = TITLE, around: str = "") -> str:
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{title} - Cổng thông tin</title></head>"
            f"<body><nav><ul>{MENU}</ul></nav>{article}{around}<div class='ft'><ul>{FOOTER}</ul></div></body></html>")


def paras_html(paras=PARAS) -> str:
    return "".join(f"<p>{p}</p>" for p in paras)


def extract(html: str) -> dict:
    return extract_generic(parse_html(html.encode("utf-8"), URL), URL)


# 1. strip_chrome took the article's own container for chrome because of its name.
@pytest.mark.parametrize("opening", [
    '<div class="content-with-sidebar">',
    '<div class="post-12 post type-post status-publish tag-cai-cach tag-mot-cua hentry">',
    '<div class="widget Blog" id="Blog1">',
])
def test_a_container_named_like_chrome_is_kept(opening):
    html = page(f'{opening}<h1>{TITLE}</h1>{paras_html()}'
                f'<div class="sidebar"><a href="/a">Tin mới</a> <a href="/b">Tin đọc nhiều</a></div></div>')
    body = copy.deepcopy(parse_html(html.encode("utf-8"), URL)).find("body")
    strip_chrome(body)
    kept = text_of(body)
    assert all(p in kept for p in PARAS)
    assert "Tin đọc nhiều" not in kept and "Chuyên mục số 7" not in kept
    assert extract(html)["paragraphs"] == PARAS


# 2. The title was matched to a later element with the same text, and everything before it was dropped.
def test_a_later_repeat_of_the_title_does_not_cut_the_text():
    html = page(f'<div class="post-header"><h1>{TITLE}</h1></div>'
                f'<div class="noi-dung">{paras_html()}<p><em>{TITLE}</em></p></div>')
    assert extract(html)["paragraphs"] == PARAS


# 3. A list of story teasers outscored a short article.
def test_a_teaser_list_does_not_outscore_the_article():
    teasers = "".join(
        f'<div class="it"><h3><a href="/bai-viet/tin-{i}.html">Tin liên quan số {i} về cải cách hành chính</a></h3>'
        f"<p>Đoạn giới thiệu ngắn của bản tin số {i}, kể lại một sự kiện khác của ngành trong tháng vừa qua "
        f"để người đọc bấm vào xem tiếp.</p></div>" for i in range(8))
    html = page(f'<div class="bai"><h1>{TITLE}</h1>{paras_html(PARAS[:2])}</div><div class="ds">{teasers}</div>')
    assert extract(html)["paragraphs"] == PARAS[:2]


# 4. A body split over many sibling blocks was cut to one.
def test_a_body_split_over_sibling_blocks_is_read_whole():
    long = PARAS[0] + " " + PARAS[1]
    first = "".join(f"<p>{long} Phần {i}.</p>" for i in range(3))
    html = page(f'<div class="story"><h1>{TITLE}</h1>'
                f'<div class="part">{first}</div><div class="qc"><img src="/qc.png" alt=""></div>'
                f'<div class="part"><p>{PARAS[2]}</p></div><div class="part"><p>{PARAS[3]}</p></div></div>')
    assert extract(html)["paragraphs"] == [f"{long} Phần {i}." for i in range(3)] + PARAS[2:]


# 5. The lead picked was the whole body again, or an author's bio.
def test_a_box_named_description_around_the_text_is_not_the_lead():
    html = page(f'<div class="post-description"><h1>{TITLE}</h1><div class="noi-dung">{paras_html()}</div>'
                f'<div class="luot-xem">Lượt xem: 1.234</div></div>')
    out = extract(html)
    assert (out["summary"], out["paragraphs"]) == (None, PARAS)


def test_an_author_bio_is_not_the_lead():
    bio = ("Nguyễn Văn An là phóng viên chuyên viết về cải cách hành chính và chuyển đổi số "
           "ở các địa phương trong nhiều năm qua.")
    html = page(f'<div class="bai"><h1>{TITLE}</h1><div class="author-box"><div class="author-desc">{bio}</div></div>'
                f'<div class="noi-dung">{paras_html()}</div></div>')
    out = extract(html)
    assert out["summary"] is None
    assert out["paragraphs"] == PARAS


# 6. Every CMS marks its article pages og:type=article: with one class that a newspaper theme also uses, a
# foreign page was read with the newspaper family's selectors (which found a wrong body or nothing).
def test_og_type_article_and_one_class_make_no_family():
    from crawlers.extraction.extract_generic import detect_family

    head = '<meta property="og:type" content="article">'
    one = page(f'<div class="article-title"><h1>{TITLE}</h1></div><div>{paras_html()}</div>').replace(
        "<head>", "<head>" + head)
    two = one.replace('<div class="article-title">', '<div class="article-title"><p class="article-sapo">Sapo.</p>')
    assert detect_family(parse_html(one.encode("utf-8"), URL), URL) is None
    assert detect_family(parse_html(two.encode("utf-8"), URL), URL) == "newspaper"



# 7. A line of the text block the library reads nothing of is the page's, not the article's: an attachment's
# link between the paragraphs is listed in `attachments`, not in the text (the realcms truth leaves them out).
def test_a_line_only_our_block_read_is_left_out():
    link = "<p><a href='/files/ke-hoach-12.pdf'>Kế hoạch số 12</a></p>"
    out = extract(page(f"<article><h1>{TITLE}</h1>{paras_html(PARAS[:2])}{link}{paras_html(PARAS[2:])}</article>"))
    assert out["paragraphs"] == PARAS
    assert [a["url"] for a in out["attachments"]] == ["https://tin.example.vn/files/ke-hoach-12.pdf"]


# 8. A block between the title and the text that only dates the page (two dates, labels) is no lead.
@pytest.mark.parametrize("meta,date_text", [
    ("Posted: Fri 6:45 PM, Feb 16, 2024 | Updated: Sat 8:31 PM, Feb 17, 2024",
     "Posted: Fri 6:45 PM, Feb 16, 2024 | Updated: Sat 8:31 PM, Feb 17, 2024"),
    # longer than a date line, and it starts like one
    ("Đăng lúc 18:45 ngày 16 tháng 02 năm 2024 | Cập nhật 20:31 ngày 17 tháng 02 năm 2024",
     "Đăng lúc 18:45 ngày 16 tháng 02 năm 2024 | Cập nhật 20:31 ngày 17 tháng 02 năm 2024"),
])
def test_a_date_line_is_no_lead(meta, date_text):
    out = extract(page(f"<div class='hd'><h1>{TITLE}</h1><div class='meta'>{meta}</div></div>"
                       f"<div class='noi-dung'>{paras_html(PARAS)}</div>"))
    assert (out["summary"], out["date_text"], out["paragraphs"]) == (None, date_text, PARAS)
