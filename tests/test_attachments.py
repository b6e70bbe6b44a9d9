"""Attachments built in the test (DOCX, XLSX, PDF) and the two real ones of the shared world."""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest

from crawlers.extraction.attachments import (
    DOCX,
    PDF,
    XLSX,
    AttachmentRefused,
    cell_text,
    extract_attachment,
    media_type_of,
)
from transforms.text import parse_number

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
WARC = SHARED / "world" / "small" / "warc"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def make_docx() -> bytes:
    from docx import Document

    doc = Document()
    doc.add_heading("Kế hoạch rà soát thủ tục hành chính năm 2024", level=1)
    doc.add_paragraph("Mục tiêu: rà soát 45 thủ tục hành chính thuộc thẩm quyền của Sở.")
    table = doc.add_table(rows=3, cols=3)
    for r, row in enumerate([["STT", "Nhiệm vụ", "Thời hạn"], ["1", "Rà soát quy trình", "Quý II"],
                             ["2", "Công khai kết quả", "Quý III"]]):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    table.cell(2, 1).merge(table.cell(2, 2))
    doc.add_paragraph("Giao Văn phòng Sở theo dõi, đôn đốc thực hiện.")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def test_docx_paragraphs_and_tables_in_order():
    out = extract_attachment(make_docx(), None, "https://a.example.vn/files/ke-hoach.docx")
    assert out["media_type"] == DOCX
    assert out["title"] == "Kế hoạch rà soát thủ tục hành chính năm 2024"
    assert out["paragraphs"] == ["Mục tiêu: rà soát 45 thủ tục hành chính thuộc thẩm quyền của Sở.",
                                 "Giao Văn phòng Sở theo dõi, đôn đốc thực hiện."]
    assert out["tables"] == [{
        "rows": [["STT", "Nhiệm vụ", "Thời hạn"], ["1", "Rà soát quy trình", "Quý II"],
                 ["2", "Công khai kết quả Quý III", "Công khai kết quả Quý III"]],
        "header_rows": 0,
        "caption": "Mục tiêu: rà soát 45 thủ tục hành chính thuộc thẩm quyền của Sở.",
    }]
    assert out["missing"] == []


def make_xlsx() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Kết quả"
    ws.append(["BẢNG XẾP HẠNG CHỈ SỐ CẢI CÁCH HÀNH CHÍNH CÁC PHƯỜNG"])
    ws.append([])
    ws.append(["STT", "Đơn vị", "Điểm", "Hồ sơ", "Tỷ lệ", "Ngày"])
    ws.append([1, "Phường Ánh Dương", 85.02, 1411, 0.985, dt.datetime(2024, 4, 3)])
    ws.append([2, "Phường Bình Minh", 79.5, 987654, 1, None])
    ws["E4"].number_format = "0.0%"
    ws.append([None, None, None])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_xlsx_values_rendered_for_the_vietnamese_number_reader():
    out = extract_attachment(make_xlsx(), "application/octet-stream", "https://a.example.vn/f/ket-qua.xlsx")
    assert out["media_type"] == XLSX
    assert out["paragraphs"] == []
    assert out["tables"] == [{
        "rows": [["STT", "Đơn vị", "Điểm", "Hồ sơ", "Tỷ lệ", "Ngày"],
                 ["1", "Phường Ánh Dương", "85,02", "1411", "98,5%", "03/04/2024"],
                 ["2", "Phường Bình Minh", "79,5", "987654", "1", ""]],
        "header_rows": 0,
        "caption": "BẢNG XẾP HẠNG CHỈ SỐ CẢI CÁCH HÀNH CHÍNH CÁC PHƯỜNG",
    }]
    assert out["title"] == "BẢNG XẾP HẠNG CHỈ SỐ CẢI CÁCH HÀNH CHÍNH CÁC PHƯỜNG"
    row = out["tables"][0]["rows"][1]
    assert [parse_number(row[2]), parse_number(row[3]), parse_number(row[4])] == [85.02, 1411.0, 98.5]


@pytest.mark.parametrize("value,text", [(85.02, "85,02"), (1411, "1411"), (1411.0, "1411"), (0.1, "0,1"),
                                        (-3.25, "-3,25"), (1234567.5, "1234567,5"), (None, ""), ("  a  b ", "a b")])
def test_cell_text(value, text):
    assert cell_text(value) == text
    if isinstance(value, (int, float)):
        assert parse_number(text) == pytest.approx(value)


def make_pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.set_font("DejaVu", size=10)
    pdf.multi_cell(0, 6, "BẢNG TỔNG HỢP HỒ SƠ QUÝ I", align="C")
    pdf.ln(3)
    for row in [["STT", "Đơn vị", "Tiếp nhận"], ["1", "Phường Ánh Dương", "1.250"], ["2", "Phường Bình Minh", "980"]]:
        for width, cell in zip([15, 80, 30], row, strict=True):
            pdf.cell(width, 7, cell, border=1)
        pdf.ln(7)
    pdf.ln(5)
    pdf.multi_cell(0, 6, "Số liệu tính đến ngày 31/03/2024.")
    return bytes(pdf.output())


@pytest.mark.skipif(not FONT.exists(), reason="DejaVu font absent")
def test_pdf_text_and_ruled_table():
    out = extract_attachment(make_pdf(), "application/pdf", "https://a.example.vn/f/tong-hop.pdf")
    assert out["media_type"] == PDF
    assert out["paragraphs"] == ["BẢNG TỔNG HỢP HỒ SƠ QUÝ I", "Số liệu tính đến ngày 31/03/2024."]
    assert out["tables"] == [{
        "rows": [["STT", "Đơn vị", "Tiếp nhận"], ["1", "Phường Ánh Dương", "1.250"], ["2", "Phường Bình Minh", "980"]],
        "header_rows": 0,
        "caption": "BẢNG TỔNG HỢP HỒ SƠ QUÝ I",
    }]
    assert out["title"] is None and out["missing"] == ["title"]
    with pytest.raises(AttachmentRefused, match=r"^too many pages: 1 > 0$"):
        extract_attachment(make_pdf(), None, "https://a.example.vn/f/tong-hop.pdf", max_pages=0)


def test_zip_bomb_refused_before_opening():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"\0" * 30_000_000)
    body = buf.getvalue()
    assert len(body) < 100_000
    with pytest.raises(AttachmentRefused, match=r"^zip bomb: compression ratio \d+:1 \(30\.0 MB uncompressed\)$"):
        extract_attachment(body, DOCX, "https://a.example.vn/f/bom.docx")
    with pytest.raises(AttachmentRefused, match=r"^zip bomb: 30\.0 MB uncompressed$"):
        extract_attachment(body, None, "https://a.example.vn/f/bom.docx", max_uncompressed=10_000_000)


def test_oversize_refused():
    with pytest.raises(AttachmentRefused, match=r"^too large: 2\.0 MB > 1\.0 MB$"):
        extract_attachment(b"%PDF-1.4" + b"0" * 1_999_992, PDF, "https://a.example.vn/f/a.pdf", max_bytes=1_000_000)


def test_broken_and_unsupported_files_refused():
    with pytest.raises(AttachmentRefused, match="^unreadable"):
        extract_attachment(b"%PDF-1.4 not really a pdf", None, "https://a.example.vn/f/a.pdf")
    with pytest.raises(AttachmentRefused, match="^unsupported format: application/msword$"):
        extract_attachment(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, None, "https://a.example.vn/f/a.doc")


def test_media_type_sniffing():
    assert media_type_of(make_docx(), None, "https://a.example.vn/download?id=3") == DOCX
    assert media_type_of(make_xlsx(), "application/octet-stream", "https://a.example.vn/x") == XLSX
    assert media_type_of(b"%PDF-1.7 ...", DOCX, "https://a.example.vn/a.docx") == PDF
    assert media_type_of(b"<html><body>x</body></html>", None, "https://a.example.vn/a") == "text/html"


def test_plain_text_and_html():
    out = extract_attachment("Dòng một\n\n  Dòng   hai \n".encode(), "text/plain; charset=utf-8", "u")
    assert out["paragraphs"] == ["Dòng một", "Dòng hai"] and out["missing"] == ["title"]


def _warc_body(suffix: str) -> tuple[bytes, str, str] | None:
    from warcio.archiveiterator import ArchiveIterator

    for path in sorted(WARC.glob("*.warc.gz")):
        with open(path, "rb") as fh:
            for rec in ArchiveIterator(fh):
                url = rec.rec_headers.get_header("WARC-Target-URI")
                if rec.rec_type == "response" and url.endswith(suffix):
                    return rec.content_stream().read(), rec.http_headers.get_header("Content-Type"), url
    return None


@pytest.mark.skipif(not WARC.exists(), reason="shared world absent")
@pytest.mark.parametrize("suffix", [".xlsx", ".pdf"])
def test_world_attachments_ranking_tables(suffix):
    found = _warc_body(suffix)
    assert found is not None
    body, ctype, url = found
    out = extract_attachment(body, ctype, url)
    (table,) = out["tables"]
    assert table["rows"][0] == ["STT", "Cơ quan, đơn vị", "Điểm đạt được", "Chỉ số (%)", "Xếp hạng"]
    assert table["caption"].startswith("PHỤ LỤC: KẾT QUẢ" if suffix == ".pdf" else "KẾT QUẢ CHỈ SỐ")
    data = table["rows"][1:]
    assert [r[0] for r in data] == [str(i) for i in range(1, len(data) + 1)]
    assert [r[4] for r in data] == [str(i) for i in range(1, len(data) + 1)]
    assert len(data) >= 10
    scores = [parse_number(r[2]) for r in data]
    assert all(70 < s < 100 for s in scores) and scores == sorted(scores, reverse=True)
    assert all(r[1].startswith("Sở ") for r in data)
    # the rows the world's articles quote
    expected = ["12", "Sở Xây dựng", "77,42", "77,42", "12"] if suffix == ".xlsx" else \
        ["1", "Sở Thông tin và Truyền thông", "89,75", "89,75", "1"]
    assert expected in data


def test_pdf_whose_stream_inflates_like_a_bomb_is_refused_before_parsing():
    from crawlers.extraction.attachments import AttachmentRefused, extract_attachment
    from tests.fault_server import pdf_bomb
    try:
        extract_attachment(pdf_bomb(20_000_000), "application/pdf", "https://x.example/a.pdf")
    except AttachmentRefused as e:
        assert str(e).startswith("PDF bomb: a stream inflates ")
    else:
        raise AssertionError("a 1000:1 PDF stream was opened")
