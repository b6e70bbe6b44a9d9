#!/usr/bin/env python3
"""Write the bundled demo archive: eight invented portals in one WARC, their registry and truth.

    python data/demo/make_demo.py [--out DIR]      (default DIR: this folder)

Writes DIR/demo.warc.gz (every response a crawler can get, keyed by URL),
DIR/sites.toml (the registry, CONTRACT.md format) and DIR/truth.jsonl (what a
correct pipeline publishes per page, in the format of the shared world's
truth.jsonl, so `evaluate.py --world DIR` scores the demo).

Everything is invented: hosts under the reserved `.example` TLD, the text, the
people and the scores. Province names, GSO codes and department names are real
so that the pipeline's gazetteer maps them. The output is deterministic: fixed
seed, fixed WARC dates and record ids, fixed timestamps inside XLSX/DOCX/PDF.
Needs warcio, openpyxl, python-docx, fpdf2 and the DejaVu Sans font.
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import random
import re
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass, field
from email.utils import format_datetime
from html import escape
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 20240601
CRAWL_TIME = dt.datetime(2024, 6, 1, 1, 0, 0, tzinfo=dt.UTC)   # WARC-Date of the first record
FILE_TIME = dt.datetime(2024, 6, 1, 0, 0, 0)                    # timestamps inside attachments
ICT = dt.timezone(dt.timedelta(hours=7))
HTML = "text/html; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
FONTS = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans.ttf",
         "/usr/share/fonts/TTF/DejaVuSans.ttf")

# The 63 provinces before the 2025 reorganisation, with their GSO codes.
PROVINCES = [
    ("Hà Nội", "01"), ("Hà Giang", "02"), ("Cao Bằng", "04"), ("Bắc Kạn", "06"), ("Tuyên Quang", "08"),
    ("Lào Cai", "10"), ("Điện Biên", "11"), ("Lai Châu", "12"), ("Sơn La", "14"), ("Yên Bái", "15"),
    ("Hòa Bình", "17"), ("Thái Nguyên", "19"), ("Lạng Sơn", "20"), ("Quảng Ninh", "22"), ("Bắc Giang", "24"),
    ("Phú Thọ", "25"), ("Vĩnh Phúc", "26"), ("Bắc Ninh", "27"), ("Hải Dương", "30"), ("Hải Phòng", "31"),
    ("Hưng Yên", "33"), ("Thái Bình", "34"), ("Hà Nam", "35"), ("Nam Định", "36"), ("Ninh Bình", "37"),
    ("Thanh Hóa", "38"), ("Nghệ An", "40"), ("Hà Tĩnh", "42"), ("Quảng Bình", "44"), ("Quảng Trị", "45"),
    ("Thừa Thiên Huế", "46"), ("Đà Nẵng", "48"), ("Quảng Nam", "49"), ("Quảng Ngãi", "51"), ("Bình Định", "52"),
    ("Phú Yên", "54"), ("Khánh Hòa", "56"), ("Ninh Thuận", "58"), ("Bình Thuận", "60"), ("Kon Tum", "62"),
    ("Gia Lai", "64"), ("Đắk Lắk", "66"), ("Đắk Nông", "67"), ("Lâm Đồng", "68"), ("Bình Phước", "70"),
    ("Tây Ninh", "72"), ("Bình Dương", "74"), ("Đồng Nai", "75"), ("Bà Rịa - Vũng Tàu", "77"),
    ("Hồ Chí Minh", "79"), ("Long An", "80"), ("Tiền Giang", "82"), ("Bến Tre", "83"), ("Trà Vinh", "84"),
    ("Vĩnh Long", "86"), ("Đồng Tháp", "87"), ("An Giang", "89"), ("Kiên Giang", "91"), ("Cần Thơ", "92"),
    ("Hậu Giang", "93"), ("Sóc Trăng", "94"), ("Bạc Liêu", "95"), ("Cà Mau", "96"),
]
CODE_OF = dict(PROVINCES)
# Spellings national tables use: old tone placement, "TP." prefixes, a dash in Thừa Thiên - Huế.
TABLE_SPELLING = {"Hồ Chí Minh": "TP. Hồ Chí Minh", "Hòa Bình": "Hoà Bình", "Thanh Hóa": "Thanh Hoá",
                  "Khánh Hòa": "Khánh Hoà", "Thừa Thiên Huế": "Thừa Thiên - Huế", "Cần Thơ": "TP. Cần Thơ"}

# Canonical names of provincial departments (the pipeline's agency gazetteer).
DEPARTMENTS = [
    "Sở Nội vụ", "Sở Tư pháp", "Sở Kế hoạch và Đầu tư", "Sở Tài chính", "Sở Công Thương",
    "Sở Nông nghiệp và Phát triển nông thôn", "Sở Giao thông vận tải", "Sở Xây dựng",
    "Sở Tài nguyên và Môi trường", "Sở Thông tin và Truyền thông", "Sở Lao động - Thương binh và Xã hội",
    "Sở Văn hóa, Thể thao và Du lịch", "Sở Khoa học và Công nghệ", "Sở Giáo dục và Đào tạo", "Sở Y tế",
    "Thanh tra tỉnh",
]
WEEKDAYS = ["Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật"]
REASONS = {200: "OK", 301: "Moved Permanently", 404: "Not Found", 500: "Internal Server Error"}


# --- small helpers ----------------------------------------------------------------
def vn_number(x: float, decimals: int = 2) -> str:
    """Vietnamese notation: "." groups thousands, "," marks decimals."""
    return f"{x:,.{decimals}f}".replace(",", "\0").replace(".", ",").replace("\0", ".")


def vn_int(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def vn_date(d: dt.date | dt.datetime, pad: bool = True) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}" if pad else f"{d.day}/{d.month}/{d.year}"


def pct(part: int, whole: int) -> float:
    return round(part / whole * 100, 2)


def slugify(s: str) -> str:
    s = unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D"))
    s = "".join(c for c in s if unicodedata.category(c) != "Mn").lower()
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")[:80]


def esc(s: str) -> str:
    return escape(s, quote=True)


def when(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm)


# --- what the portals publish -------------------------------------------------------
@dataclass
class Site:
    id: str
    host: str
    cms: str
    name: str
    level: str
    province: str | None
    kind: str = "news"
    category: str = "Cải cách hành chính"
    agency: str | None = None
    district: str | None = None
    section: str = ""            # listing path (first page), family shaped

    @property
    def base(self) -> str:
        return f"https://{self.host}/"


@dataclass
class Art:
    title: str
    published: dt.datetime       # 00:00 means the page states no time of day
    paragraphs: list[str]
    author: str | None
    doc_type: str                # plan | ranking | statistics | news
    reform: bool
    province: str
    agency: str | None
    summary: str | None = None
    refs: list[str] = field(default_factory=list)
    facts: list[dict] = field(default_factory=list)
    table: list[list[str]] | None = None
    attachments: list[dict] = field(default_factory=list)   # {"url", "title"}
    dup_of: str | None = None
    nfd: bool = False            # saved from a word processor in decomposed Unicode


def fact(entity: str, entity_type: str, province: str, indicator: str, period: str, value: float,
         component: str | None = None) -> dict:
    d = {"entity": entity, "entity_type": entity_type, "province_code": province, "indicator": indicator,
         "period": period, "value": float(value)}
    if component:
        d["component"] = component
    return d


def dept_facts(agency: str, province: str, period: str, **values: float) -> list[dict]:
    return [fact(agency, "department", province, k, period, v) for k, v in values.items()]


def ranked(rng: random.Random, names: list[str], lo: float, hi: float,
           pinned: tuple[str, float, int] | None = None) -> list[tuple[str, float, int]]:
    """(name, score, rank) best first, distinct scores; `pinned` fixes one name's score and rank."""
    others = [n for n in names if not pinned or n != pinned[0]]
    while True:
        if pinned:
            _, score, rank = pinned
            above = [round(rng.uniform(score + 0.3, hi), 2) for _ in range(rank - 1)]
            below = [round(rng.uniform(lo, score - 0.3), 2) for _ in range(len(others) - rank + 1)]
            scores = above + below
        else:
            scores = [round(rng.uniform(lo, hi), 2) for _ in others]
        if len(set(scores)) == len(scores):
            break
    rng.shuffle(others)
    pairs = list(zip(others, scores, strict=True)) + ([pinned[:2]] if pinned else [])
    pairs.sort(key=lambda p: -p[1])
    return [(n, s, i) for i, (n, s) in enumerate(pairs, 1)]


def ranking_facts(rows: list[tuple[str, float, int]], province: str, period: str) -> list[dict]:
    out = []
    for name, score, rank in rows:
        out += [fact(name, "department", province, "par_index", period, score),
                fact(name, "department", province, "par_rank", period, rank)]
    return out


# --- attachments (deterministic bytes) ---------------------------------------------
def _freeze_zip(data: bytes) -> bytes:
    """Rewrite an OOXML zip with fixed entry times and fixed core-property dates."""
    stamp = FILE_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            payload = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                payload = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), payload)
            zi = zipfile.ZipInfo(info.filename, date_time=FILE_TIME.timetuple()[:6])
            zi.compress_type, zi.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            z.writestr(zi, payload)
    return out.getvalue()


def xlsx_bytes(title: str, rows: list[list]) -> bytes:
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws.title = "Xep hang"
    ws.append([title])
    ws.append([])
    for r in rows:
        ws.append(r)
    wb.properties.creator = "demo"
    buf = io.BytesIO()
    wb.save(buf)
    return _freeze_zip(buf.getvalue())


def docx_bytes(title: str, paras: list[str]) -> bytes:
    from docx import Document
    doc = Document()
    doc.core_properties.author = "demo"
    doc.add_heading(title, level=1)
    for p in paras:
        doc.add_paragraph(p)
    buf = io.BytesIO()
    doc.save(buf)
    return _freeze_zip(buf.getvalue())


def font_path() -> str:
    for p in FONTS:
        if Path(p).exists():
            return p
    raise SystemExit("make_demo: the DejaVu Sans font is needed for the PDF attachment (apt install fonts-dejavu-core)")


def pdf_bytes(title: str, rows: list[list[str]], widths: list[int]) -> bytes:
    """A ruled table in a PDF, the way decisions publish results."""
    from fpdf import FPDF
    pdf = FPDF()
    pdf.set_creation_date(FILE_TIME.replace(tzinfo=dt.UTC))
    pdf.set_creator("demo")
    pdf.set_producer("demo")
    pdf.add_page()
    pdf.add_font("DejaVu", "", font_path())
    pdf.set_font("DejaVu", size=10)
    pdf.multi_cell(0, 6, title, align="C")
    pdf.ln(3)
    for r in rows:
        for w, cell in zip(widths, r, strict=True):
            pdf.cell(w, 7, cell, border=1)
        pdf.ln(7)
    return bytes(pdf.output())


# --- page chrome and the CMS families ---------------------------------------------
def shell(site: Site, title: str, body: str, side: list[tuple[str, str]]) -> str:
    """Page frame shared by the known families: menu, sidebar of popular news, visitor box, footer."""
    menu = "".join(f'<li><a href="{esc(site.base + p)}">{t}</a></li>' for p, t in
                   (("", "Trang chủ"), ("gioi-thieu/", "Giới thiệu"), ("van-ban-chi-dao/", "Văn bản chỉ đạo"),
                    ("hoi-dap/", "Hỏi đáp"), ("so-do-trang/", "Sơ đồ trang")))
    popular = "".join(f'<li><a href="{esc(u)}">{esc(t)}</a></li>' for u, t in side[:4])
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>{esc(title)} | {esc(site.name)}</title>
<link rel="stylesheet" href="/static/{site.cms}/main.css"><script src="/static/js/app.js"></script></head>
<body><div class="top-bar"><span>Chào mừng quý khách đến với {esc(site.name)}</span></div>
<header class="banner"><a class="brand" href="{esc(site.base)}">{esc(site.name.upper())}</a></header>
<nav class="main-menu"><ul>{menu}</ul></nav>
<div class="wrapper"><div class="content-main">
{body}
</div><aside class="sidebar"><div class="box"><h3>Tin đọc nhiều</h3><ul>{popular}</ul></div>
<div class="box visitors"><h3>Lượt truy cập</h3><p>Trực tuyến: <b>17</b></p><p>Tổng số: <b>2.480.913</b></p></div></aside></div>
<footer><p>Cơ quan chủ quản: {esc(site.name)}. Giấy phép số 08/GP-TTĐT.</p><p>Đề nghị ghi rõ nguồn khi trích dẫn.</p></footer>
</body></html>
"""


def body_html(a: Art) -> str:
    out = "".join(f'<p style="text-align:justify">{esc(p)}</p>\n' for p in a.paragraphs)
    if a.table:
        head, *rows = a.table
        out += '<table class="table table-bordered" border="1"><thead><tr>' + "".join(f"<th>{esc(c)}</th>" for c in head)
        out += "</tr></thead><tbody>\n" + "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in r) + "</tr>\n" for r in rows)
        out += "</tbody></table>\n"
    return out


def links_html(items: list[tuple[str, str]]) -> str:
    return "".join(f'<li><a href="{esc(u)}">{esc(t)}</a></li>' for u, t in items)


def cap_weekday(d: dt.datetime) -> str:
    return " ".join(w[:1].upper() + w[1:] for w in WEEKDAYS[d.weekday()].split())


def snippet(a: Art, n: int = 160) -> str:
    return esc((a.summary or a.paragraphs[0])[:n]) + "…"


def nukeviet_article(site: Site, a: Art, related: list) -> str:
    d = a.published
    files = ""
    if a.attachments:
        items = "".join(f'<div class="list-group-item"><a href="{esc(f["url"])}" title="{esc(f["title"])}">'
                        f'Tải về: <strong>{esc(f["title"])}</strong></a></div>' for f in a.attachments)
        files = ('<div class="panel panel-default"><div class="panel-heading"><strong>Tập tin đính kèm</strong></div>'
                 f'<div class="list-group news-download-file">{items}</div></div>')
    author = (f'<div class="margin-bottom-lg"><p class="h5 text-right"><strong>Tác giả bài viết: </strong>'
              f'{esc(a.author)}</p></div>') if a.author else ""
    summary = f'<div class="hometext m-bottom">{esc(a.summary)}</div>' if a.summary else ""
    body = f"""<div class="news_column panel panel-default"><div class="panel-body">
<h1 class="title margin-bottom-lg">{esc(a.title)}</h1>
<div class="row margin-bottom-lg"><div class="col-md-12"><span class="h5">{WEEKDAYS[d.weekday()]} - {vn_date(d)} {d:%H:%M}</span></div></div>
<div class="clearfix">{summary}</div>
<div id="news-bodyhtml" class="bodytext margin-bottom-lg">
{body_html(a)}</div>
{files}
{author}
</div></div>
<div class="news_column panel panel-default"><div class="panel-body"><p>Đánh giá bài viết: <span>4,5</span> / 5 (6 lượt)</p></div></div>
<div class="news_column panel panel-default"><div class="panel-body other-news"><p class="h3"><strong>Tin liên quan</strong></p>
<ul class="related">{links_html(related)}</ul></div></div>"""
    return shell(site, a.title, body, related)


def nukeviet_listing(site: Site, items: list, page: int, pages: int, page_url) -> str:
    rows = "".join(f"""<div class="news_column"><div class="panel panel-default clearfix"><div class="panel-body">
<h3><a href="{esc(u)}" title="{esc(a.title)}">{esc(a.title)}</a></h3>
<div class="text-muted"><ul class="list-unstyled list-inline"><li><em class="fa fa-clock-o">&nbsp;</em> {vn_date(a.published)} {a.published:%H:%M}</li></ul></div>
<p>{snippet(a)}</p></div></div></div>
""" for u, a in items)
    pag = "".join(f'<li{" class=active" if i == page else ""}><a href="{esc(page_url(i))}">{i}</a></li>' for i in range(1, pages + 1))
    body = f'<div class="page-title"><h2>{esc(site.category)}</h2></div>\n{rows}<div class="text-center"><ul class="pagination">{pag}</ul></div>'
    return shell(site, site.category, body, [])


def liferay_article(site: Site, a: Art, related: list) -> str:
    author = f'<div class="author-name"><strong>{esc(a.author)}</strong></div>' if a.author else ""
    lead = f"<p><strong>{esc(a.summary)}</strong></p>" if a.summary else ""
    body = f"""<section class="portlet" id="portlet_com_liferay_asset_publisher_web_portlet_AssetPublisherPortlet_INSTANCE_cchc">
<div class="portlet-content"><h2 class="portlet-title-text">Tin tức</h2>
<div class="asset-full-content clearfix default-asset-publisher">
<div class="asset-breadcrumb">Chi tiết tin <span class="category">{esc(site.category)}</span></div>
<h3 class="header-title"><span>{esc(a.title)}</span></h3>
<div class="asset-metadata"><span class="metadata-entry metadata-publish-date">{vn_date(a.published)} {a.published:%H:%M}</span>
<span class="metadata-entry metadata-view-count">Số lượt xem: 58</span></div>
<div class="asset-content"><div class="journal-content-article">
{lead}
{body_html(a)}
{author}
</div></div></div>
<div class="asset-links"><h4>Tin cùng chuyên mục</h4><ul>{links_html(related[:5])}</ul></div>
</div></section>"""
    return shell(site, a.title, body, [])


def liferay_listing(site: Site, items: list, page: int, pages: int, page_url) -> str:
    rows = "".join(f"""<div class="asset-abstract"><h3 class="asset-title"><a href="{esc(u)}">{esc(a.title)}</a></h3>
<div class="asset-metadata"><span class="metadata-publish-date">{vn_date(a.published)}</span></div>
<div class="asset-summary">{snippet(a)}</div></div>
""" for u, a in items)
    nav = f'<li class="page-item"><a class="page-link" href="{esc(page_url(page - 1))}">Trước</a></li>' if page > 1 else ""
    if page < pages:
        nav += f'<li class="page-item"><a class="page-link" href="{esc(page_url(page + 1))}">Tiếp theo</a></li>'
    body = f"""<section class="portlet"><div class="portlet-content"><h2 class="portlet-title-text">Tin tức</h2>
{rows}<div class="taglib-page-iterator"><ul class="pagination lfr-pagination-buttons">{nav}</ul>
<small class="search-results">Trang {page} / {pages}</small></div></div></section>"""
    return shell(site, site.category, body, [])


def sharepoint_article(site: Site, a: Art, related: list) -> str:
    files = ""
    if a.attachments:
        files = '<div class="attach">Tập tin đính kèm: ' + "".join(
            f'<a href="{esc(f["url"])}">{esc(f["title"])}</a> ' for f in a.attachments) + "</div>"
    body = f"""<div id="ctl00_PlaceHolderMain_g_detail" class="news-detail">
<div class="ms-rtestate-field"><h1 class="title-news">{esc(a.title)}</h1>
<div class="date-news"><span class="view-count">{a.published.toordinal() % 997}</span>Ngày cập nhật {vn_date(a.published)}</div>
{f'<div class="sapo">{esc(a.summary)}</div>' if a.summary else ''}
<div class="content-news">
{body_html(a)}</div>
{files}
<div class="author-news" style="text-align:right"><b>{esc(a.author or '')}</b></div>
</div>
<div class="other-news"><span>Các tin khác</span><ul>{links_html(related[:6])}</ul></div></div>"""
    return shell(site, a.title, body, [])


def sharepoint_listing(site: Site, items: list, page: int, pages: int, page_url) -> str:
    rows = "".join(f"""<tr><td class="news-item"><a class="news-title" href="{esc(u)}">{esc(a.title)}</a>
<span class="news-date">({vn_date(a.published)})</span><div class="news-sapo">{snippet(a)}</div></td></tr>
""" for u, a in items)
    pager = " ".join(f'<a href="{esc(page_url(i))}">{i}</a>' if i != page else f"<span>{i}</span>" for i in range(1, pages + 1))
    body = f'<div class="news-list"><h2>{esc(site.category)}</h2><table class="ms-listviewtable">{rows}</table><div class="pager">{pager}</div></div>'
    return shell(site, site.category, body, [])


def newspaper_article(site: Site, a: Art, related: list) -> str:
    d = a.published
    sapo = f'<div class="article-sapo"><strong>{esc(a.summary)}</strong></div>' if a.summary else ""
    body = f"""<article class="article-detail">
<div class="breadcrumb"><a href="/">Trang chủ</a> / <a href="/thoi-su/">Thời sự</a></div>
<h1 class="article-title">{esc(a.title)}</h1>
<div class="article-meta"><span class="date">{cap_weekday(d)}, {vn_date(d)} | {d:%H:%M}</span></div>
{sapo}
<div class="article-content" id="content">
{body_html(a)}
<p class="author" style="text-align: right;"><strong>{esc(a.author or '')}</strong></p>
</div>
<div class="article-tags">Từ khóa: <a href="/tag/thu-tuc-hanh-chinh/">thủ tục hành chính</a></div>
<div class="related-news"><h3>Đọc thêm</h3><ul>{links_html(related[:5])}</ul></div>
</article>"""
    return shell(site, a.title, body, [])


def newspaper_listing(site: Site, items: list, page: int, pages: int, page_url) -> str:
    rows = "".join(f"""<article class="story"><h2 class="story__title"><a href="{esc(u)}">{esc(a.title)}</a></h2>
<time datetime="{a.published.isoformat()}">{vn_date(a.published)}</time>
<p class="story__summary">{snippet(a)}</p></article>
""" for u, a in items)
    more = f'<a class="btn-more" href="{esc(page_url(page + 1))}">Xem thêm</a>' if page < pages else ""
    body = f'<section class="category"><h1 class="category__name">{esc(site.category)}</h1>{rows}{more}</section>'
    return shell(site, site.category, body, [])


def cityportal_article(site: Site, a: Art, related: list) -> str:
    d = a.published
    body = f"""<div class="news-detail-page">
<div class="tools"><a href="javascript:window.print()">In bài</a> <span class="time">{cap_weekday(d)}, {vn_date(d)} {d:%H:%M}</span></div>
<h2 class="news-title">{esc(a.title)}</h2>
<div class="news-content">
{body_html(a)}
<p>Nguồn. {esc(a.author or '')}</p>
</div>
<div class="tien-ich"><h4>Chia sẻ</h4><div class="qr"><img src="/qr.png" alt="Mã QR"><p>Quét mã để đọc trên điện thoại</p></div></div>
<div class="tin-khac"><h4>Tin khác</h4><ul>{links_html(related[:6])}</ul></div>
</div>"""
    return shell(site, a.title, body, [])


def cityportal_listing(site: Site, items: list, page: int, pages: int, page_url) -> str:
    rows = "".join(f'<li class="item"><a class="title" href="{esc(u)}">{esc(a.title)}</a> '
                   f'<span class="date">{vn_date(a.published)} {a.published:%H:%M}</span></li>\n' for u, a in items)
    pager = "".join(f'<a class="page" href="{esc(page_url(i))}">{i}</a>' for i in range(1, pages + 1))
    body = f'<div class="list-news-page"><h1>{esc(site.category)}</h1><ul>{rows}</ul><div class="paging">{pager}</div></div>'
    return shell(site, site.category, body, [])


# A portal on a CMS no spider knows: its own frame and class names throughout.
def _auto_frame(site: Site, title: str, inner: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>{esc(title)}</title><link rel="stylesheet" href="/giaodien/chung.css"></head>
<body><div id="khung-trang"><div class="dau-trang"><a class="ten-don-vi" href="{esc(site.base)}">{esc(site.name)}</a>
<form class="o-tim-kiem" action="/tim-kiem"><input name="tu-khoa" placeholder="Tìm kiếm"></form></div>
<ul class="thanh-dieu-huong"><li><a href="/">Trang chủ</a></li><li><a href="/co-cau-to-chuc.htm">Cơ cấu tổ chức</a></li>
<li><a href="/cong-khai-ngan-sach.htm">Công khai ngân sách</a></li><li><a href="/lien-he.htm">Liên hệ</a></li></ul>
<div id="vung-chinh">{inner}</div>
<div class="chan-trang">{esc(site.name)} · Điện thoại đường dây nóng: 1900 0000 · Lượt xem hôm nay: 1.204</div></div></body></html>
"""


def auto_article(site: Site, a: Art, related: list) -> str:
    d = a.published
    lead = f'<div class="bv-tomtat">{esc(a.summary)}</div>' if a.summary else ""
    inner = f"""<div class="bv-chitiet"><div class="bv-duongdan"><a href="/">Trang chủ</a> › {esc(site.category)}</div>
<h1 class="bv-tieude">{esc(a.title)}</h1>
<div class="bv-thongtin">Đăng lúc {d:%H:%M} ngày {vn_date(d)} <span class="bv-luotxem">· 312 lượt xem</span></div>
{lead}
<div class="bv-noidung">
{body_html(a)}</div>
<div class="bv-tacgia">Người viết: {esc(a.author or '')}</div>
<div class="bv-chiase"><a href="/chia-se?mxh=fb">Chia sẻ</a> <a href="javascript:print()">In trang</a></div></div>
<div class="bv-lienquan"><h4>Bài viết khác</h4><ul>{links_html(related[:5])}</ul></div>"""
    return _auto_frame(site, a.title, inner)


def auto_listing(site: Site, items: list, page: int, pages: int, page_url) -> str:
    rows = "".join(f"""<div class="o-bai"><a class="o-bai__lienket" href="{esc(u)}">{esc(a.title)}</a>
<span class="o-bai__ngay">{vn_date(a.published)}</span><div class="o-bai__tomtat">{snippet(a)}</div></div>
""" for u, a in items)
    return _auto_frame(site, site.category, f'<div class="ds-baiviet"><h2 class="ds-tieude">{esc(site.category)}</h2>{rows}</div>')


THEMES = {
    "nukeviet": (nukeviet_listing, nukeviet_article),
    "liferay": (liferay_listing, liferay_article),
    "sharepoint": (sharepoint_listing, sharepoint_article),
    "newspaper": (newspaper_listing, newspaper_article),
    "cityportal": (cityportal_listing, cityportal_article),
    "auto": (auto_listing, auto_article),
}


def stats_page(site: Site, year: int, month: int, rows: list[dict], months: list[tuple[int, int]]) -> str:
    """Monthly TTHC statistics per agency, with the two-row header such portals draw."""
    links = "".join(f'<li><a href="{esc(stats_url(site, y, m))}">Tháng {m}/{y}</a></li>' for y, m in months)
    table = ""
    if rows:
        cells = "".join(
            f'<tr><td>{i}</td><td class="ten-don-vi">{esc(r["agency"])}</td><td>{vn_int(r["received"])}</td>'
            f'<td>{vn_int(r["online"])}</td><td>{vn_int(r["received"] - r["online"])}</td><td>{vn_int(r["early"])}</td>'
            f'<td>{vn_int(r["on_time"])}</td><td>{vn_int(r["late"])}</td><td>{vn_int(r["pending"])}</td>'
            f'<td>{vn_number(r["rate"])}</td></tr>\n' for i, r in enumerate(rows, 1))
        table = f"""<table class="table table-bordered tk-table"><thead>
<tr><th rowspan="2">STT</th><th rowspan="2">Đơn vị</th><th colspan="3">Tiếp nhận</th><th colspan="3">Đã giải quyết</th><th rowspan="2">Đang giải quyết</th><th rowspan="2">Tỷ lệ đúng hạn (%)</th></tr>
<tr><th>Tổng số</th><th>Trực tuyến</th><th>Trực tiếp</th><th>Trước hạn</th><th>Đúng hạn</th><th>Trễ hạn</th></tr>
</thead><tbody>
{cells}</tbody></table>
<p class="ghi-chu">Nguồn số liệu: Hệ thống giải quyết thủ tục hành chính của tỉnh, cập nhật tự động cuối mỗi tháng.</p>"""
    title = f"Tình hình giải quyết hồ sơ thủ tục hành chính tháng {month}/{year}" if rows else "Báo cáo thống kê hồ sơ thủ tục hành chính"
    body = f'<div class="thong-ke"><h2>{title}</h2><ul class="ky-khac">{links}</ul>{table}</div>'
    return shell(site, title, body, [])


def stats_url(site: Site, y: int, m: int) -> str:
    return f"{site.base}{site.section}?nam={y}&thang={m}"


def national_page(site: Site, year: int, index_name: str, rows: list[tuple[int, str, float]], others: list) -> str:
    cells = "".join(f"<tr><td>{r}</td><td>{esc(n)}</td><td>{vn_number(v)}</td></tr>\n" for r, n, v in rows)
    body = f"""<div class="detail"><h1>{esc(index_name)} năm {year} của 63 tỉnh, thành phố trực thuộc Trung ương</h1>
<p>Bảng dưới đây tổng hợp kết quả {esc(index_name)} năm {year} theo thứ tự từ cao xuống thấp.</p>
<table class="bang-xep-hang" border="1"><tr><th>Xếp hạng</th><th>Tỉnh, thành phố</th><th>Kết quả (%)</th></tr>
{cells}</table><ul class="nam-khac">{links_html(others)}</ul></div>"""
    return shell(site, f"{index_name} {year}", body, [])


# --- URL shapes of each family -----------------------------------------------------
def article_url(site: Site, a: Art, n: int) -> str:
    slug, base = slugify(a.title), site.base
    if site.cms == "nukeviet":
        return f"{base}{site.section}{slug}-{n}.html"
    if site.cms == "liferay":
        return f"{base}{site.section.rsplit('/', 1)[0]}/-/{slug}"
    if site.cms == "sharepoint":
        return f"{base}Pages/chi-tiet-tin.aspx?ItemID={n}"
    if site.cms == "newspaper":
        return f"{base}thoi-su/{slug}-{n}.html"
    if site.cms == "cityportal":
        return f"{base}chuyen-muc/bai-viet/{slug}-{n}.html"
    return f"{base}bai-viet/{n}/{slug}.htm"


def listing_url(site: Site, page: int) -> str:
    first = site.base + site.section
    if page == 1:
        return first
    return {"nukeviet": f"{first}page-{page}", "liferay": f"{first}?_cur={page}&delta=2",
            "sharepoint": f"{first}?Page={page}"}.get(site.cms, f"{first}?page={page}")


# --- the archive being built -------------------------------------------------------
class Demo:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.sites: list[Site] = []
        self.responses: list[tuple[str, int, str, bytes, dict]] = []   # url, status, content type, body, headers
        self.truth: list[dict] = []

    def add(self, site: Site, url: str, body: bytes | str, status: int = 200, ctype: str = HTML,
            headers: dict | None = None, truth: dict | None = None) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.responses.append((url, status, ctype, data, headers or {}))
        if truth is not None:
            self.truth.append({"url": url, "site": site.id, **truth})

    def robots(self, site: Site, *disallow: str) -> None:
        lines = ["User-agent: *"] + [f"Disallow: {p}" for p in disallow] + ([] if disallow else ["Allow: /"])
        self.add(site, site.base + "robots.txt", "\n".join(lines) + "\n", ctype=TEXT)

    def error(self, site: Site, url: str, status: int) -> None:
        page = f"<html><head><title>{status}</title></head><body><h1>Lỗi {status}</h1><p>Trang bạn tìm không tồn tại hoặc máy chủ đang bận.</p></body></html>"
        self.add(site, url, page, status=status, truth={"kind": "error", "status": status})

    def redirect(self, site: Site, url: str, target: str) -> None:
        self.add(site, url, "", status=301, headers={"Location": target}, truth={"kind": "redirect", "to": target})

    def place(self, site: Site, arts: list[Art]) -> list[tuple[str, Art]]:
        """Give articles family-shaped URLs, ids growing with time; newest first."""
        pairs, n = [], self.rng.randint(120, 900)
        for a in sorted(arts, key=lambda a: a.published):
            n += self.rng.randint(3, 40)
            pairs.append((article_url(site, a, n), a))
        return pairs[::-1]

    def news_site(self, site: Site, pairs: list[tuple[str, Art]], per_page: int,
                  extra_links: list[tuple[str, str]] = (), twins: dict[str, str] | None = None) -> None:
        """Listing pages (extra links, e.g. dead ones, on the last) and the article pages."""
        listing, render = THEMES[site.cms]
        pages = max(1, -(-len(pairs) // per_page))
        stubs = [(u, Art(t, pairs[-1][1].published, ["Nội dung đang cập nhật."], None, "news", True, "", None))
                 for u, t in extra_links]
        for p in range(1, pages + 1):
            chunk = pairs[(p - 1) * per_page: p * per_page] + (stubs if p == pages else [])
            self.add(site, listing_url(site, p), listing(site, chunk, p, pages, lambda i: listing_url(site, i)),
                     truth={"kind": "listing", "links": [u for u, _ in chunk]})
        twins = twins or {}
        for i, (url, a) in enumerate(pairs):
            near = pairs[max(0, i - 2):i] + pairs[i + 1:i + 3]
            related = [(twins.get(u, u), x.title) for u, x in near]
            page = render(site, a, related)
            if a.nfd:
                page = unicodedata.normalize("NFD", page)
            modified = format_datetime(a.published.replace(tzinfo=ICT), usegmt=False)
            self.add(site, url, page, headers={"Last-Modified": modified}, truth=article_truth(site, a))
            if url in twins:   # the same page again, reached through a link with tracking parameters
                self.add(site, twins[url], page, headers={"Last-Modified": modified},
                         truth={"kind": "alias", "of": url})


def article_truth(site: Site, a: Art) -> dict:
    t = a.published
    return {
        "kind": "article",
        "title": a.title,
        "published": t.strftime("%Y-%m-%dT%H:%M") if t.time() != dt.time(0) else t.strftime("%Y-%m-%d"),
        "author": a.author,
        "doc_type": a.doc_type,
        "reform_related": a.reform,
        "province_code": a.province,
        "agency": a.agency,
        "level": site.level,
        "body": ([a.summary] if a.summary else []) + a.paragraphs,
        "doc_refs": a.refs,
        "metrics": a.facts,
        "attachments": [f["url"] for f in a.attachments],
        "dup_of": a.dup_of,
    }


# --- the sites ---------------------------------------------------------------------
PAR_NAME = "Chỉ số cải cách hành chính (PAR INDEX)"
SIPAS_NAME = "Chỉ số hài lòng về sự phục vụ hành chính (SIPAS)"


def national_tables(rng: random.Random) -> dict[str, dict[str, tuple[float, int]]]:
    """Invented 2023 scores of the 63 provinces: indicator -> province -> (value, rank)."""
    out = {}
    for indicator, lo, hi in (("par_index", 78.0, 92.0), ("sipas", 77.0, 91.0)):
        rows = ranked(rng, [p for p, _ in PROVINCES], lo, hi)
        out[indicator] = {name: (score, rank) for name, score, rank in rows}
    return out


def site_national(demo: Demo, tables: dict) -> None:
    site = Site("demo-chiso-quocgia", "chiso.demo-quocgia.example", "national", "Chỉ số cải cách hành chính (bản demo)",
                "national", None, kind="national", category="Xếp hạng", section="xep-hang/par-index-2023.html")
    demo.sites.append(site)
    pages = {"par_index": (f"{site.base}xep-hang/par-index-2023.html", PAR_NAME, "par_rank"),
             "sipas": (f"{site.base}xep-hang/sipas-2023.html", SIPAS_NAME, "sipas_rank")}
    # A 2022 PAR INDEX table too, so that rankings carry a year-on-year rank change. Its own generator keeps
    # every other invented value unchanged.
    earlier = {name: (score, rank) for name, score, rank in ranked(random.Random(2022), [p for p, _ in PROVINCES], 77.0, 91.0)}
    editions = [(indicator, 2023, url, name, rank_name, tables[indicator]) for indicator, (url, name, rank_name) in pages.items()]
    editions.append(("par_index", 2022, f"{site.base}xep-hang/par-index-2022.html", PAR_NAME, "par_rank", earlier))
    links = [(url, f"{name} năm {year}") for _, year, url, name, _, _ in editions]
    for indicator, year, url, name, rank_name, scores in editions:
        table = sorted(scores.items(), key=lambda kv: kv[1][1])
        rows = [(rank, TABLE_SPELLING.get(p, p), v) for p, (v, rank) in table]
        facts = []
        for p, (v, rank) in table:
            facts += [fact(p, "province", CODE_OF[p], indicator, str(year), v),
                      fact(p, "province", CODE_OF[p], rank_name, str(year), rank)]
        demo.add(site, url, national_page(site, year, name, rows, [x for x in links if x[0] != url]),
                 truth={"kind": "table", "doc_type": "ranking", "metrics": facts})
    demo.robots(site)


def site_nukeviet(demo: Demo) -> None:
    """A provincial department on NukeViet: plan with a DOCX, ranking in an XLSX, an NFD page, dead links."""
    site = Site("demo-stp-quangngai", "sotuphap.demo-tinh-a.example", "nukeviet", "Sở Tư pháp tỉnh Quảng Ngãi",
                "department", "51", agency="Sở Tư pháp", section="news/tin-cai-cach/")
    demo.sites.append(site)
    ag, pc, files = "Sở Tư pháp", "51", f"{site.base}uploads/news/2024_02/"
    table = ranked(demo.rng, DEPARTMENTS, 76.0, 91.5, pinned=(ag, 86.15, 3))
    xlsx_url, docx_url = files + "ket-qua-chi-so-cchc-2023-cac-so-nganh.xlsx", files + "phu-luc-kh-45-stp.docx"
    ranking = Art(
        "Kết quả Chỉ số cải cách hành chính năm 2023 của các sở, ban, ngành tỉnh Quảng Ngãi", when(2024, 2, 26, 9, 10),
        ["Ngày 23/02/2024, Chủ tịch UBND tỉnh Quảng Ngãi ký Quyết định số 215/QĐ-UBND công bố kết quả xác định "
         "Chỉ số cải cách hành chính năm 2023 của 16 sở, ban, ngành thuộc tỉnh, theo đề nghị của Giám đốc Sở Nội vụ.",
         "Năm nay, việc chấm điểm được thực hiện trên phần mềm, kết hợp điều tra xã hội học đối với cán bộ lãnh đạo, "
         "quản lý và người dân có giao dịch thủ tục hành chính.",
         "Bảng tổng hợp điểm số và thứ hạng của từng cơ quan được đăng trong tập tin đính kèm."],
        "Văn phòng Sở", "ranking", True, pc, "Sở Nội vụ", refs=["215/QĐ-UBND"], facts=ranking_facts(table, pc, "2023"),
        attachments=[{"url": xlsx_url, "title": "Kết quả Chỉ số CCHC năm 2023 (Excel)"}])
    result = Art(
        "Sở Tư pháp xếp thứ 3 về Chỉ số cải cách hành chính năm 2023", when(2024, 2, 28, 15, 40),
        ["Theo kết quả công bố tại Quyết định số 215/QĐ-UBND ngày 23/02/2024 của UBND tỉnh Quảng Ngãi, Chỉ số cải cách "
         "hành chính năm 2023 của Sở Tư pháp đạt 86,15 điểm, xếp thứ 3/16 sở, ban, ngành, tăng hai bậc so với năm trước.",
         "Riêng chỉ số thành phần cải cách thủ tục hành chính, Sở Tư pháp đạt 12,40/14 điểm, là lĩnh vực có điểm số cao "
         "nhất của đơn vị.",
         "Lãnh đạo Sở yêu cầu các phòng, đơn vị rà soát những tiêu chí bị trừ điểm, nhất là tiêu chí về hồ sơ trực tuyến "
         "toàn trình, để có biện pháp cải thiện trong năm tới."],
        "Phan Thị Thu Hà", "news", True, pc, ag, refs=["215/QĐ-UBND"],
        facts=dept_facts(ag, pc, "2023", par_index=86.15, par_rank=3)
        + [fact(ag, "department", pc, "par_component", "2023", 12.40, "cai_cach_tthc")])
    plan = Art(
        "Sở Tư pháp triển khai Kế hoạch cải cách hành chính năm 2024", when(2024, 1, 15, 8, 30),
        ["Ngày 12/01/2024, Giám đốc Sở Tư pháp ban hành Kế hoạch số 45/KH-STP về cải cách hành chính năm 2024, "
         "cụ thể hóa Kế hoạch số 312/KH-UBND ngày 25/12/2023 của UBND tỉnh Quảng Ngãi.",
         "Kế hoạch xác định sáu nhóm nhiệm vụ trọng tâm, ưu tiên rà soát, đơn giản hóa thủ tục hành chính trong lĩnh vực "
         "hộ tịch, lý lịch tư pháp và thực hiện nghiêm cơ chế một cửa, một cửa liên thông theo Nghị định số "
         "61/2018/NĐ-CP của Chính phủ.",
         "Sở phấn đấu Chỉ số cải cách hành chính năm 2024 đạt trên 88 điểm và tỷ lệ hồ sơ nộp trực tuyến đạt từ 80% trở lên.",
         "Danh mục nhiệm vụ và thời hạn hoàn thành được ban hành kèm theo Kế hoạch."],
        "Phan Thị Thu Hà", "plan", True, pc, ag,
        summary="Sở Tư pháp đặt mục tiêu giải quyết đúng hạn toàn bộ hồ sơ và đưa thêm dịch vụ công trực tuyến toàn trình vào vận hành.",
        refs=["45/KH-STP", "312/KH-UBND", "61/2018/NĐ-CP"],
        attachments=[{"url": docx_url, "title": "Phụ lục Kế hoạch 45/KH-STP.docx"}])
    tthc = Art(
        "Năm 2023, Sở Tư pháp giải quyết đúng hạn 98,6% hồ sơ thủ tục hành chính", when(2023, 12, 8, 10, 20),
        ["Từ ngày 01/01/2023 đến ngày 30/11/2023, Bộ phận một cửa của Sở Tư pháp tiếp nhận 2.315 hồ sơ thủ tục hành chính, "
         "trong đó 1.874 hồ sơ nộp trực tuyến.",
         "Sở đã giải quyết 2.290 hồ sơ, tỷ lệ đúng hạn đạt 98,6%; hiện còn 25 hồ sơ đang trong thời hạn giải quyết.",
         "Trong năm, Sở nhận 14 phản ánh, kiến nghị của người dân liên quan đến thủ tục hành chính và đều trả lời đúng thời hạn."],
        "Lê Quốc Bảo", "news", True, pc, ag, nfd=True,
        facts=dept_facts(ag, pc, "2023", dossiers_received=2315, dossiers_received_online=1874, dossiers_resolved=2290,
                         on_time_rate=98.6, dossiers_pending=25))
    sport = Art(
        "Sôi nổi giải cầu lông công chức, viên chức Sở Tư pháp năm 2023", when(2023, 9, 18, 16, 45),
        ["Sáng 16/9/2023, Công đoàn cơ sở Sở Tư pháp khai mạc giải cầu lông năm 2023 với sự tham gia của 42 vận động viên "
         "đến từ các phòng, đơn vị trực thuộc.",
         "Các trận đấu diễn ra ở nội dung đơn nam, đơn nữ và đôi nam nữ, tạo không khí vui tươi, gắn kết sau giờ làm việc.",
         "Kết thúc giải, ban tổ chức đã trao 9 giải cho các vận động viên xuất sắc."],
        "Lê Quốc Bảo", "news", False, pc, ag)
    pairs = demo.place(site, [ranking, result, plan, tthc, sport])
    plan_url = next(u for u, a in pairs if a is plan)
    private = f"{site.base}news/noi-bo/lich-cong-tac-lanh-dao-so-tuan-42-555.html"
    gone = f"{site.base}{site.section}thong-bao-tuyen-dung-da-het-han-61.html"
    moved = f"{site.base}news/luu-tru/ke-hoach-cai-cach-hanh-chinh-2024-12.html"
    demo.news_site(site, pairs, per_page=3, extra_links=[
        (private, "Lịch công tác của lãnh đạo Sở tuần 42"), (gone, "Thông báo tuyển dụng viên chức"),
        (moved, "Kế hoạch cải cách hành chính năm 2024")])
    # A page behind robots.txt: archived so that fetching it anyway is detectable.
    demo.add(site, private, "<html><body><h1>Lịch công tác tuần 42</h1><p>Chỉ dùng nội bộ.</p></body></html>",
             truth={"kind": "robots_disallowed"})
    demo.error(site, gone, 404)
    demo.redirect(site, moved, plan_url)
    demo.add(site, xlsx_url, xlsx_bytes(
        "KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2023 CỦA CÁC SỞ, BAN, NGÀNH TỈNH QUẢNG NGÃI",
        [["STT", "Cơ quan, đơn vị", "Điểm", "Xếp hạng"]] + [[r, n, s, r] for n, s, r in table]),
        ctype=XLSX, truth={"kind": "attachment", "of": next(u for u, a in pairs if a is ranking), "metrics_in": "ranking 2023"})
    demo.add(site, docx_url, docx_bytes(
        "Phụ lục: Danh mục nhiệm vụ cải cách hành chính năm 2024 của Sở Tư pháp",
        ["1. Rà soát, đề xuất đơn giản hóa thủ tục hành chính lĩnh vực hộ tịch; hoàn thành trong quý II.",
         "2. Cập nhật quy trình nội bộ giải quyết thủ tục hành chính trên Hệ thống thông tin của tỉnh; hoàn thành trong quý I.",
         "3. Tổ chức khảo sát mức độ hài lòng của người dân tại Bộ phận một cửa; thực hiện hằng quý."]),
        ctype=DOCX, truth={"kind": "attachment", "of": plan_url})
    demo.robots(site, "/news/noi-bo/", "/admin/")


def site_liferay(demo: Demo, tables: dict) -> None:
    """A district portal on Liferay: SIPAS of its province, a plan, a tracking-parameter twin, two listing pages."""
    site = Site("demo-nghiadan", "nghiadan.demo-tinh-b.example", "liferay", "Cổng thông tin điện tử huyện Nghĩa Đàn",
                "district", "40", district="Nghĩa Đàn", section="web/nghiadan/tin-cai-cach-hanh-chinh")
    demo.sites.append(site)
    pc = "40"
    sipas, sipas_rank = tables["sipas"]["Nghệ An"]
    survey = Art(
        f"Nghệ An đạt {vn_number(sipas)}% Chỉ số hài lòng SIPAS năm 2023", when(2024, 3, 20, 14, 10),
        ["Theo kết quả do Bộ Nội vụ công bố, Chỉ số hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan hành "
         f"chính nhà nước (SIPAS) năm 2023 của tỉnh Nghệ An đạt {vn_number(sipas)}%, xếp thứ {sipas_rank}/63 tỉnh, thành phố.",
         "Người dân đánh giá cao việc công khai, minh bạch thủ tục hành chính và thái độ của công chức tại Bộ phận một cửa các cấp.",
         "UBND huyện Nghĩa Đàn đề nghị các xã, thị trấn tiếp tục lấy ý kiến người dân sau mỗi lần giải quyết hồ sơ để kịp "
         "thời chấn chỉnh những hạn chế."],
        "Hồ Văn Lực", "news", True, pc, None,
        facts=[fact("Nghệ An", "province", pc, "sipas", "2023", sipas),
               fact("Nghệ An", "province", pc, "sipas_rank", "2023", sipas_rank)])
    one_stop = Art(
        "Nghĩa Đàn đưa vào vận hành Bộ phận một cửa cấp xã theo mô hình hiện đại", when(2023, 11, 6, 9, 0),
        ["Thực hiện Công văn số 1820/UBND-VP ngày 05/09/2023 của UBND huyện, từ tháng 11/2023, 8 xã, thị trấn trên địa bàn "
         "huyện chính thức vận hành Bộ phận một cửa theo mô hình hiện đại.",
         "Mỗi bộ phận được trang bị máy tính tra cứu, máy lấy số thứ tự và màn hình hướng dẫn người dân nộp hồ sơ trực tuyến.",
         "Lãnh đạo huyện yêu cầu công chức tiếp nhận hồ sơ hướng dẫn tận tình, không để người dân phải đi lại nhiều lần."],
        "Hồ Văn Lực", "news", True, pc, None, refs=["1820/UBND-VP"])
    plan = Art(
        "Nghĩa Đàn triển khai Kế hoạch cải cách hành chính năm 2024, tập trung chuyển đổi số", when(2024, 1, 10, 15, 30),
        ["Ngày 08/01/2024, UBND huyện Nghĩa Đàn ban hành Kế hoạch số 18/KH-UBND về cải cách hành chính năm 2024 trên địa bàn huyện.",
         "Kế hoạch được xây dựng trên cơ sở Kế hoạch số 612/KH-UBND ngày 28/12/2023 của UBND tỉnh Nghệ An, tập trung vào "
         "chuyển đổi số trong giải quyết thủ tục hành chính và nâng cao chất lượng phục vụ tại Bộ phận một cửa.",
         "Huyện phấn đấu toàn bộ thủ tục hành chính đủ điều kiện được cung cấp dưới dạng dịch vụ công trực tuyến toàn trình."],
        "Văn phòng HĐND - UBND huyện", "plan", True, pc, None, refs=["18/KH-UBND", "612/KH-UBND"])
    festival = Art(
        "Khai mạc Ngày hội văn hóa các dân tộc huyện Nghĩa Đàn", when(2023, 8, 22, 7, 45),
        ["Tối 20/8/2023, tại sân vận động trung tâm huyện, Ngày hội văn hóa các dân tộc huyện Nghĩa Đàn đã khai mạc với "
         "nhiều tiết mục ca múa đặc sắc.",
         "Trong khuôn khổ ngày hội còn có hội thi ẩm thực, trình diễn trang phục truyền thống và các trò chơi dân gian như "
         "kéo co, đẩy gậy, ném còn.",
         "Ngày hội là dịp để đồng bào các dân tộc giao lưu, gìn giữ bản sắc văn hóa."],
        "Thanh Tâm", "news", False, pc, None)
    pairs = demo.place(site, [survey, one_stop, plan, festival])
    original = next(u for u, a in pairs if a is one_stop)
    demo.news_site(site, pairs, per_page=2, twins={original: original + "?utm_source=zalo&utm_medium=social"})
    demo.robots(site, "/c/portal/", "/group/")


def site_sharepoint(demo: Demo, tables: dict) -> None:
    """A provincial portal on SharePoint: a ranking published only as a PDF decision, a 500."""
    site = Site("demo-daklak", "www.demo-tinh-c.example", "sharepoint", "Cổng thông tin điện tử tỉnh Đắk Lắk",
                "province", "66", section="Pages/tin-cai-cach-hanh-chinh.aspx")
    demo.sites.append(site)
    pc = "66"
    table = ranked(demo.rng, DEPARTMENTS[:12], 77.0, 90.5)
    (top, top_score, _), (last, last_score, _) = table[0], table[-1]
    pdf_url = f"{site.base}Lists/TinTuc/Attachments/418/QD-268-cong-bo-chi-so-CCHC-2023.pdf"
    ranking = Art(
        "Đắk Lắk phê duyệt kết quả Chỉ số cải cách hành chính năm 2023 của các sở, ban, ngành", when(2024, 2, 6),
        ["UBND tỉnh vừa ban hành Quyết định số 268/QĐ-UBND ngày 02/02/2024 phê duyệt kết quả Chỉ số cải cách hành chính "
         "năm 2023 của các sở, ban, ngành theo đề nghị của Giám đốc Sở Nội vụ.",
         f"Đơn vị dẫn đầu là {top} với {vn_number(top_score)} điểm; đơn vị có kết quả thấp nhất là {last} với "
         f"{vn_number(last_score)} điểm.",
         "Chi tiết điểm số và thứ hạng của từng cơ quan xem tại Quyết định đính kèm."],
        "Sở Nội vụ", "ranking", True, pc, "Sở Nội vụ", refs=["268/QĐ-UBND"], facts=ranking_facts(table, pc, "2023"),
        attachments=[{"url": pdf_url, "title": "Quyết định 268/QĐ-UBND (PDF)"}])
    par, par_rank = tables["par_index"]["Đắk Lắk"]
    province = Art(
        f"Chỉ số cải cách hành chính năm 2023 của tỉnh Đắk Lắk đạt {vn_number(par)}%", when(2024, 5, 10),
        ["Ngày 08/5/2024, Ban Chỉ đạo cải cách hành chính của Chính phủ công bố Chỉ số cải cách hành chính năm 2023 của "
         "các bộ, cơ quan ngang bộ và UBND các tỉnh, thành phố trực thuộc Trung ương.",
         f"Theo đó, Chỉ số cải cách hành chính năm 2023 của tỉnh Đắk Lắk đạt {vn_number(par)}%, xếp thứ {par_rank}/63 tỉnh, thành phố.",
         "Tỉnh sẽ tổ chức hội nghị phân tích từng chỉ số thành phần để đề ra giải pháp cải thiện trong thời gian tới."],
        "Minh Thuận", "news", True, pc, None,
        facts=[fact("Đắk Lắk", "province", pc, "par_index", "2023", par),
               fact("Đắk Lắk", "province", pc, "par_rank", "2023", par_rank)])
    digit = Art(
        "Đắk Lắk đẩy mạnh số hóa hồ sơ, kết quả giải quyết thủ tục hành chính", when(2024, 1, 19),
        ["Năm 2023, các cơ quan, đơn vị trên địa bàn tỉnh Đắk Lắk tiếp nhận 412.508 hồ sơ thủ tục hành chính; tỷ lệ số hóa "
         "hồ sơ, kết quả giải quyết đạt 76,4%.",
         "Thực hiện Công văn số 95/UBND-NC ngày 08/01/2024 của UBND tỉnh, các sở, ngành và địa phương phải số hóa toàn bộ "
         "hồ sơ ngay khi tiếp nhận, không yêu cầu người dân nộp lại giấy tờ đã được số hóa."],
        "Minh Thuận", "news", True, pc, None, refs=["95/UBND-NC"],
        facts=[fact("Đắk Lắk", "province", pc, "dossiers_received", "2023", 412508),
               fact("Đắk Lắk", "province", pc, "digitization_rate", "2023", 76.4)])
    coffee = Art(
        "Khai mạc Lễ hội Cà phê Buôn Ma Thuột lần thứ 8", when(2023, 3, 11),
        ["Tối 10/3/2023, Lễ hội Cà phê Buôn Ma Thuột lần thứ 8 khai mạc tại trung tâm thành phố với chủ đề tôn vinh hạt cà phê Việt.",
         "Trong thời gian diễn ra lễ hội có hội chợ triển lãm, đường phố cà phê và chương trình biểu diễn cồng chiêng của các buôn làng."],
        "Hải Yến", "news", False, pc, None)
    pairs = demo.place(site, [ranking, province, digit, coffee])
    broken = f"{site.base}Pages/chi-tiet-tin.aspx?ItemID=7"
    demo.news_site(site, pairs, per_page=5, extra_links=[(broken, "Thông báo lịch tiếp công dân")])
    demo.error(site, broken, 500)
    rows = [["STT", "Cơ quan, đơn vị", "Điểm", "Xếp hạng"]] + [[str(r), n, vn_number(s), str(r)] for n, s, r in table]
    demo.add(site, pdf_url, pdf_bytes(
        "PHỤ LỤC: KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2023 CỦA CÁC SỞ, BAN, NGÀNH TỈNH ĐẮK LẮK\n"
        "(Kèm theo Quyết định số 268/QĐ-UBND ngày 02/02/2024 của UBND tỉnh)", rows, [14, 110, 30, 30]),
        ctype=PDF, truth={"kind": "attachment", "of": next(u for u, a in pairs if a is ranking), "metrics_in": "ranking 2023"})
    demo.robots(site, "/_layouts/", "/_vti_bin/")


def site_newspaper(demo: Demo) -> tuple[str, Art]:
    """A provincial newspaper: "Xem thêm" paging; returns the story another portal syndicates."""
    site = Site("demo-baolamdong", "bao.demo-tinh-d.example", "newspaper", "Báo Lâm Đồng điện tử", "newspaper", "68",
                section="thoi-su/cai-cach/")
    demo.sites.append(site)
    pc, ag = "68", "Sở Kế hoạch và Đầu tư"
    story = Art(
        "Sở Kế hoạch và Đầu tư giải quyết trước hạn phần lớn hồ sơ doanh nghiệp", when(2024, 1, 8, 8, 15),
        ["Theo báo cáo của Sở Kế hoạch và Đầu tư, trong năm 2023 đơn vị đã tiếp nhận 6.842 hồ sơ thủ tục hành chính "
         "về đăng ký doanh nghiệp và đầu tư, trong đó 6.519 hồ sơ được nộp trực tuyến.",
         "Sở đã giải quyết 6.790 hồ sơ, trong đó 5.412 hồ sơ được giải quyết trước hạn; tỷ lệ giải quyết đúng hạn đạt 99,21%.",
         "Tỷ lệ số hóa hồ sơ, kết quả giải quyết thủ tục hành chính của Sở đạt 92,5%.",
         "Bà Nguyễn Thị Hạnh, chủ một cơ sở sản xuất rau tại Đà Lạt, cho biết chỉ sau ba ngày làm việc đã nhận được giấy "
         "chứng nhận đăng ký doanh nghiệp qua đường bưu điện."],
        "Đình Văn", "news", True, pc, ag,
        summary="Năm 2023, Sở Kế hoạch và Đầu tư tỉnh Lâm Đồng tiếp nhận 6.842 hồ sơ, tỷ lệ giải quyết đúng hạn đạt 99,21%.",
        facts=dept_facts(ag, pc, "2023", dossiers_received=6842, dossiers_received_online=6519, dossiers_resolved=6790,
                         dossiers_resolved_early=5412, on_time_rate=99.21, digitization_rate=92.5))
    health = Art(
        "Sở Y tế Lâm Đồng tăng 5 bậc về Chỉ số cải cách hành chính", when(2024, 3, 5, 16, 20),
        ["Năm 2023, Sở Y tế tập trung đơn giản hóa thủ tục cấp chứng chỉ hành nghề, giấy phép hoạt động khám bệnh, chữa "
         "bệnh và công khai toàn bộ quy trình nội bộ trên Cổng dịch vụ công của tỉnh.",
         "Chỉ số thành phần xây dựng và phát triển chính quyền số của Sở đạt 11,20/13 điểm, tăng mạnh so với năm trước."],
        "Khánh Phúc", "news", True, pc, "Sở Y tế",
        summary="Với 88,74 điểm, Sở Y tế xếp thứ 2/16 trong bảng xếp hạng Chỉ số cải cách hành chính năm 2023 của các sở, "
                "ban, ngành tỉnh Lâm Đồng.",
        facts=dept_facts("Sở Y tế", pc, "2023", par_index=88.74, par_rank=2)
        + [fact("Sở Y tế", "department", pc, "par_component", "2023", 11.20, "chinh_phu_so")])
    support = Art(
        "Lâm Đồng mở rộng điểm hỗ trợ người dân nộp hồ sơ trực tuyến", when(2023, 11, 28, 10, 5),
        ["Thực hiện Kế hoạch số 7261/KH-UBND ngày 15/11/2023 của UBND tỉnh, đoàn viên thanh niên tại các xã, phường được "
         "tập huấn để hướng dẫn người dân sử dụng dịch vụ công trực tuyến.",
         "Tại các điểm hỗ trợ, người dân được hướng dẫn tạo tài khoản định danh điện tử, thanh toán phí, lệ phí trực tuyến "
         "và tra cứu tình trạng hồ sơ."],
        "Đình Văn", "news", True, pc, None, refs=["7261/KH-UBND"],
        summary="Các điểm hỗ trợ đặt tại trụ sở UBND cấp xã giúp người cao tuổi, người ở vùng sâu tiếp cận dịch vụ công "
                "trực tuyến thuận lợi hơn.")
    flowers = Art(
        "Rực rỡ sắc hoa trong đêm khai mạc Festival Hoa Đà Lạt", when(2023, 12, 16, 19, 30),
        ["Chương trình nghệ thuật khai mạc tái hiện lịch sử hình thành vùng đất Đà Lạt qua các màn trình diễn ánh sáng, "
         "âm nhạc và vũ đạo.",
         "Trong những ngày diễn ra festival, nhiều con đường trung tâm được trang trí bằng hoa tươi, thu hút đông đảo du "
         "khách đến tham quan, chụp ảnh."],
        "Ngọc Ánh", "news", False, pc, None,
        summary="Festival Hoa Đà Lạt đã khai mạc tại Quảng trường Lâm Viên với hàng nghìn người dân và du khách tham dự.")
    pairs = demo.place(site, [story, health, support, flowers])
    demo.news_site(site, pairs, per_page=2)
    demo.robots(site, "/tim-kiem/", "/api/")
    return next(u for u, a in pairs if a is story), story


def site_cityportal(demo: Demo, syndicated: tuple[str, Art]) -> None:
    """A city portal: a ranking as an HTML table (ranks differ from row order), a syndicated copy, "Nguồn." lines."""
    site = Site("demo-cantho", "cantho.demo-tinh-e.example", "cityportal", "Cổng thông tin điện tử thành phố Cần Thơ",
                "province", "92", section="chuyen-muc/cai-cach-hanh-chinh/")
    demo.sites.append(site)
    pc = "92"
    table = ranked(demo.rng, DEPARTMENTS[:12], 78.0, 92.0)
    by_name = {n: (s, r) for n, s, r in table}
    rows = [["STT", "Cơ quan, đơn vị", "Điểm", "Xếp hạng"]]
    rows += [[str(i), n, vn_number(by_name[n][0]), str(by_name[n][1])] for i, n in enumerate(DEPARTMENTS[:12], 1)]
    ranking = Art(
        "Cần Thơ công bố Chỉ số cải cách hành chính năm 2023 của các sở, ban, ngành", when(2024, 2, 20, 10, 0),
        ["Ngày 16/02/2024, UBND thành phố Cần Thơ ban hành Quyết định số 402/QĐ-UBND công bố Chỉ số cải cách hành chính "
         "năm 2023 của các sở, ban, ngành thành phố.",
         "Năm nay có 12 cơ quan được đánh giá, chấm theo thang điểm 100.",
         "Kết quả cụ thể như sau:"],
        "Thu Trang", "ranking", True, pc, "Sở Nội vụ", refs=["402/QĐ-UBND"], table=rows,
        facts=ranking_facts(table, pc, "2023"))
    src_url, src = syndicated
    copy = Art(
        "Lâm Đồng: " + src.title, src.published + dt.timedelta(days=1, hours=3), src.paragraphs + ["Theo Báo Lâm Đồng"],
        "Báo Lâm Đồng", src.doc_type, src.reform, src.province, src.agency, refs=list(src.refs), facts=list(src.facts),
        dup_of=src_url)
    records = Art(
        "Sở Tư pháp Cần Thơ trả đúng hạn toàn bộ phiếu lý lịch tư pháp", when(2024, 1, 25, 14, 35),
        [f"Năm 2023, Sở Tư pháp tiếp nhận 18.604 hồ sơ thủ tục hành chính cấp phiếu lý lịch tư pháp, trong đó 15.210 hồ sơ nộp trực tuyến, "
         f"đạt tỷ lệ {vn_number(pct(15210, 18604))}%; 100% hồ sơ được trả kết quả đúng hạn.",
         "Người dân có thể nhận phiếu lý lịch tư pháp qua dịch vụ bưu chính công ích hoặc bản điện tử trên ứng dụng định danh."],
        "Sở Tư pháp", "news", True, pc, "Sở Tư pháp",
        facts=dept_facts("Sở Tư pháp", pc, "2023", dossiers_received=18604, dossiers_received_online=15210,
                         online_rate=pct(15210, 18604), on_time_rate=100.0))
    swim = Art(
        "Bế mạc Giải bơi lội thanh thiếu niên thành phố năm 2023", when(2023, 7, 24, 18, 0),
        ["Sau 4 ngày thi đấu sôi nổi, Giải bơi lội thanh thiếu niên thành phố Cần Thơ năm 2023 đã khép lại với 186 bộ huy chương được trao.",
         "Quận Ninh Kiều dẫn đầu toàn đoàn, tiếp theo là huyện Phong Điền và quận Cái Răng.",
         "Giải là dịp phát hiện, tuyển chọn vận động viên năng khiếu cho đội tuyển thành phố."],
        "Minh Khoa", "news", False, pc, None)
    demo.news_site(site, demo.place(site, [ranking, copy, records, swim]), per_page=4)
    demo.robots(site, "/quan-tri/")


def site_stats(demo: Demo) -> None:
    """Monthly TTHC statistics per agency of one province (two-row table header)."""
    site = Site("demo-dvc-thainguyen", "dichvucong.demo-tinh-f.example", "stats", "Cổng dịch vụ công tỉnh Thái Nguyên",
                "province", "19", kind="stats", category="Thống kê", section="bao-cao-thong-ke")
    demo.sites.append(site)
    rng, months = demo.rng, [(2024, 1), (2024, 2), (2024, 3)]
    for y, m in months:
        rows, facts, period = [], [], f"{y}-{m:02d}"
        for ag in DEPARTMENTS[:8]:
            received = rng.randint(60, 1400)
            online = int(received * rng.uniform(0.3, 0.95))
            resolved = int(received * rng.uniform(0.85, 0.99))
            late = rng.choice([0, 0, rng.randint(1, 6)])
            early = int((resolved - late) * rng.uniform(0.5, 0.9))
            on_time = resolved - late - early
            rate = pct(early + on_time, resolved)
            r = dict(agency=ag, received=received, online=online, early=early, on_time=on_time, late=late,
                     pending=received - resolved, rate=rate)
            rows.append(r)
            facts += dept_facts(ag, "19", period, dossiers_received=received, dossiers_received_online=online,
                                dossiers_resolved_early=early, dossiers_resolved_on_time=on_time,
                                dossiers_resolved_late=late, dossiers_pending=r["pending"], on_time_rate=rate)
        demo.add(site, stats_url(site, y, m), stats_page(site, y, m, rows, months), truth={"kind": "stats", "metrics": facts})
    demo.add(site, site.base + site.section, stats_page(site, 2024, 3, [], months), truth={"kind": "stats_index"})
    demo.robots(site, "/admin/")


def site_auto(demo: Demo) -> None:
    """A department on a CMS no spider knows (cms = "auto" in the registry)."""
    site = Site("demo-skhdt-bacgiang", "skhdt.demo-tinh-h.example", "auto", "Sở Kế hoạch và Đầu tư tỉnh Bắc Giang",
                "department", "24", agency="Sở Kế hoạch và Đầu tư", category="Chuyên đề cải cách hành chính",
                section="chuyen-de/cai-cach-hanh-chinh.htm")
    demo.sites.append(site)
    ag, pc = "Sở Kế hoạch và Đầu tư", "24"
    tthc = Art(
        "Sở Kế hoạch và Đầu tư Bắc Giang: 99,4% hồ sơ được giải quyết đúng hạn", when(2024, 1, 12, 9, 30),
        [f"Năm 2023, Sở Kế hoạch và Đầu tư tiếp nhận 4.127 hồ sơ thủ tục hành chính, trong đó 3.962 hồ sơ được nộp trực "
         f"tuyến, đạt tỷ lệ {vn_number(pct(3962, 4127), 1)}%.",
         "Sở đã giải quyết 4.089 hồ sơ; tỷ lệ giải quyết đúng hạn đạt 99,4%, trong đó tỷ lệ giải quyết trước hạn đạt 71,3%.",
         "Sở cũng đã rà soát 38 thủ tục hành chính, kiến nghị cắt giảm thời gian giải quyết đối với 6 thủ tục."],
        "Minh Châu", "news", True, pc, ag,
        summary="Công tác giải quyết thủ tục hành chính năm 2023 của Sở tiếp tục chuyển biến tích cực, số hồ sơ nộp trực "
                "tuyến tăng mạnh.",
        facts=dept_facts(ag, pc, "2023", dossiers_received=4127, dossiers_received_online=3962,
                         online_rate=round(pct(3962, 4127), 1), dossiers_resolved=4089, on_time_rate=99.4,
                         early_rate=71.3, procedures_reviewed=38))
    plan = Art(
        "Sở Kế hoạch và Đầu tư Bắc Giang triển khai Kế hoạch cải cách hành chính năm 2024", when(2024, 2, 2, 14, 0),
        ["Ngày 30/01/2024, Sở Kế hoạch và Đầu tư ban hành Kế hoạch số 27/KH-SKHĐT triển khai công tác cải cách hành chính năm 2024.",
         "Kế hoạch bám sát Quyết định số 1021/QĐ-UBND ngày 21/12/2023 của UBND tỉnh Bắc Giang ban hành Kế hoạch cải cách "
         "hành chính nhà nước của tỉnh năm 2024.",
         "Năm 2023, Chỉ số cải cách hành chính của Sở Kế hoạch và Đầu tư đạt 89,02 điểm, xếp thứ 4/19 cơ quan chuyên môn "
         "thuộc UBND tỉnh.",
         "Năm 2024, Sở phấn đấu giữ vững vị trí trong nhóm dẫn đầu của tỉnh."],
        "Minh Châu", "plan", True, pc, ag, refs=["27/KH-SKHĐT", "1021/QĐ-UBND"],
        facts=dept_facts(ag, pc, "2023", par_index=89.02, par_rank=4))
    flowers = Art(
        "Hội thi cắm hoa chào mừng Ngày Phụ nữ Việt Nam", when(2023, 10, 20, 17, 10),
        ["Chiều 19/10/2023, Ban Nữ công Công đoàn Sở Kế hoạch và Đầu tư tổ chức hội thi cắm hoa chào mừng 93 năm Ngày thành "
         "lập Hội Liên hiệp Phụ nữ Việt Nam.",
         "Sáu đội thi đã mang đến những tác phẩm công phu, thể hiện sự khéo léo của chị em công đoàn viên."],
        "Thùy Dung", "news", False, pc, ag)
    demo.news_site(site, demo.place(site, [tthc, plan, flowers]), per_page=5)
    demo.robots(site, "/quan-tri/", "/tim-kiem")


# --- writing -----------------------------------------------------------------------
def write_warc(path: Path, responses: list) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for i, (url, status, ctype, body, headers) in enumerate(responses):
            http = StatusAndHeaders(f"{status} {REASONS[status]}", [
                ("Content-Type", ctype), ("Content-Length", str(len(body))), ("Server", "demo"), *headers.items()],
                protocol="HTTP/1.1")
            warc_headers = {  # fixed id and date: regenerating gives identical bytes
                "WARC-Record-ID": f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{i}:{url}')}>",
                "WARC-Date": (CRAWL_TIME + dt.timedelta(seconds=i)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                          warc_headers_dict=warc_headers, http_headers=http))


def registry_toml(sites: list[Site]) -> str:
    lines = ["# Registry of the bundled demo portals (invented; hosts under the reserved .example TLD).",
             "# Generated by make_demo.py: edit that file, not this one.", ""]
    for s in sites:
        lines += ["[[site]]", f'id = "{s.id}"', f'name = "{s.name}"', f'cms = "{s.cms}"', f'kind = "{s.kind}"',
                  f'base_url = "{s.base}"', f'start_urls = ["{s.base}{s.section}"]', f'level = "{s.level}"']
        lines += [f'{key} = "{value}"' for key, value in
                  (("province", s.province), ("agency", s.agency), ("district", s.district)) if value]
        lines.append("")
    return "\n".join(lines)


def build(out: Path) -> dict:
    demo = Demo(random.Random(SEED))
    tables = national_tables(demo.rng)
    site_national(demo, tables)
    site_nukeviet(demo)
    site_liferay(demo, tables)
    site_sharepoint(demo, tables)
    story = site_newspaper(demo)
    site_cityportal(demo, story)
    site_stats(demo)
    site_auto(demo)
    out.mkdir(parents=True, exist_ok=True)
    write_warc(out / "demo.warc.gz", demo.responses)
    (out / "sites.toml").write_text(registry_toml(demo.sites), encoding="utf-8")
    with open(out / "truth.jsonl", "w", encoding="utf-8") as fh:
        for t in demo.truth:
            fh.write(json.dumps(t, ensure_ascii=False) + "\n")
    return {"sites": len(demo.sites), "responses": len(demo.responses),
            "articles": sum(t["kind"] == "article" for t in demo.truth),
            "facts": sum(len(t.get("metrics", [])) for t in demo.truth),
            "bytes": (out / "demo.warc.gz").stat().st_size}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=HERE, help="output folder (default: beside this script)")
    print(json.dumps(build(ap.parse_args(argv).out)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
