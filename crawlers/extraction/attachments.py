"""Text and tables of attached files: DOCX, XLSX, PDF, HTML and plain text.

Attachments come from the open web, so they are checked before they are opened:
a body above `max_bytes` is refused, a zip container (DOCX, XLSX) whose directory
promises more than `max_uncompressed` bytes or a compression ratio above 100 is
refused as a decompression bomb, and a PDF above `MAX_PDF_PAGES` pages is refused.
Every refusal (and every file that cannot be read) raises `AttachmentRefused`
with a one-line reason.

Numbers in XLSX cells are rendered for the Vietnamese number reader
(`transforms.text.parse_number`): integers plainly ("1411"), other numbers with
a comma decimal mark ("85,02"), never a dot, which that reader would take for a
thousands separator ("1.411" is 1411). Percent-formatted cells are rendered as
shown ("85,02%"), dates as dd/mm/yyyy.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
import zlib
from urllib.parse import unquote, urlsplit

from crawlers.records import Table
from transforms.text import clean

MAX_PDF_PAGES = 200
MAX_RATIO = 100
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF, HTML, TEXT, ZIP = "application/pdf", "text/html", "text/plain", "application/zip"
_BY_EXT = {".docx": DOCX, ".xlsx": XLSX, ".pdf": PDF, ".html": HTML, ".htm": HTML, ".txt": TEXT, ".csv": TEXT,
           ".doc": "application/msword", ".xls": "application/vnd.ms-excel", ".zip": ZIP,
           ".rar": "application/vnd.rar"}
_GENERIC_TYPES = {"", "application/octet-stream", "binary/octet-stream", "application/force-download",
                  "application/download", "application/x-download", "application/unknown"}


class AttachmentRefused(Exception):
    """An attachment that is not opened or cannot be read; the message is one line."""


def _size(n: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} GB"


# --- what is it --------------------------------------------------------------------------------------------------
def _sniff(body: bytes) -> str | None:
    head = body[:1024]
    if b"%PDF-" in head:
        return PDF
    if body.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(body)).namelist())
        except (zipfile.BadZipFile, ValueError):
            return ZIP
        return DOCX if "word/document.xml" in names else XLSX if "xl/workbook.xml" in names else ZIP
    text = head.lstrip().lower()
    if text.startswith((b"<!doctype html", b"<html")) or b"<body" in text:
        return HTML
    try:
        body[:4096].decode("utf-8")
        return TEXT
    except UnicodeDecodeError:
        return None


def file_name_of(disposition: str | None) -> str | None:
    """The file name a Content-Disposition header gives (`filename*=UTF-8''...` preferred), or None."""
    if not disposition:
        return None
    m = re.search(r"filename\*\s*=\s*[^']*'[^']*'([^;]+)", disposition, re.I)
    if m:
        return clean(unquote(m.group(1).strip().strip('"'))) or None
    m = re.search(r'filename\s*=\s*"([^"]*)"|filename\s*=\s*([^;]+)', disposition, re.I)
    return clean((m.group(1) or m.group(2) or "").strip()) or None if m else None


def media_type_of(body: bytes, media_type: str | None, url: str, file_name: str | None = None) -> str | None:
    """From the argument, else the extension of the file name (Content-Disposition) or of the URL, else the magic
    bytes; the magic bytes win a contradiction."""
    declared = (media_type or "").split(";")[0].strip().lower()
    if declared in _GENERIC_TYPES or (declared == HTML and file_name and not file_name.lower().endswith(("htm", "html"))):
        names = [n.lower() for n in (file_name or "", urlsplit(url).path) if n]
        declared = next((t for n in names for ext, t in _BY_EXT.items() if n.endswith(ext)), "")
    sniffed = _sniff(body)
    if not declared:
        return sniffed
    if declared in (DOCX, XLSX) and sniffed not in (DOCX, XLSX, ZIP):
        return sniffed
    if declared == PDF and sniffed != PDF:
        return sniffed
    return declared


def _check_zip(body: bytes, max_uncompressed: int) -> None:
    try:
        infos = zipfile.ZipFile(io.BytesIO(body)).infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise AttachmentRefused(f"unreadable zip container: {exc}") from None
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if total > max_uncompressed:
        raise AttachmentRefused(f"zip bomb: {_size(total)} uncompressed")
    if total > 1_000_000 and total / packed > MAX_RATIO:
        raise AttachmentRefused(f"zip bomb: compression ratio {total / packed:.0f}:1 ({_size(total)} uncompressed)")


# --- DOCX ----------------------------------------------------------------------------------------------------------
def _docx(body: bytes) -> tuple[str | None, list[str], list[Table]]:
    from docx import Document
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph

    doc = Document(io.BytesIO(body))
    title = clean(doc.core_properties.title) or None
    paras: list[str] = []
    tables: list[Table] = []
    last_text = None
    for child in doc.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            p = Paragraph(child, doc)
            text = clean(p.text)
            style = (p.style.name if p.style is not None else "") or ""
            if text and title is None and not paras and style.lower().startswith(("heading", "title")):
                title = text
                continue
            if text:
                paras.append(text)
                last_text = text
        elif tag == "tbl":
            t = DocxTable(child, doc)
            rows = [[clean(c.text) for c in r.cells] for r in t.rows]
            header = 0
            for r in t.rows:
                if r._tr.trPr is None or not r._tr.trPr.xpath("./w:tblHeader"):
                    break
                header += 1
            tables.append(Table(rows=rows, header_rows=header, caption=last_text))
    return title, paras, tables


# --- XLSX ----------------------------------------------------------------------------------------------------------
def cell_text(value, number_format: str | None = None) -> str:
    """A spreadsheet value as text the Vietnamese number reader reads back exactly (see module doc)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, (int, float)):
        suffix = ""
        if number_format and "%" in number_format:
            value, suffix = value * 100, "%"
        if float(value).is_integer() and abs(value) < 1e15:
            return f"{int(value)}{suffix}"
        text = f"{value:.12f}".rstrip("0").rstrip(".")  # no exponent, no float noise beyond 12 places
        return text.replace(".", ",") + suffix
    return clean(str(value))


def _sheet_table(ws) -> Table | None:
    rows: list[list[str]] = []
    for row in ws.iter_rows():
        cells = [cell_text(getattr(c, "value", None), getattr(c, "number_format", None)) for c in row]
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            rows.append(cells)
    if not rows:
        return None
    width = max(len(r) for r in rows)
    caption: list[str] = []
    while len(rows) > 1 and width > 1 and sum(1 for c in rows[0] if c) == 1:
        caption.append(next(c for c in rows[0] if c))  # a title row above the table
        rows.pop(0)
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    return Table(rows=rows, header_rows=0, caption=" ".join(caption) or clean(ws.title) or None)


def _xlsx(body: bytes) -> tuple[str | None, list[str], list[Table]]:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(body), read_only=True, data_only=True)
    try:
        tables = [t for t in (_sheet_table(ws) for ws in wb.worksheets) if t]
        title = clean(wb.properties.title) or (tables[0]["caption"] if tables else None)
    finally:
        wb.close()
    return title, [], tables


# --- PDF -----------------------------------------------------------------------------------------------------------
def _lines_to_paragraphs(lines: list[str]) -> list[str]:
    """Join a wrapped line to the one before unless that one ends a sentence or this one starts a new item."""
    paras: list[str] = []
    for line in (clean(x) for x in lines):
        if not line:
            continue
        if paras and not re.search(r"[.:;!?…]$", paras[-1]) and line[:1].islower():
            paras[-1] = f"{paras[-1]} {line}"
        else:
            paras.append(line)
    return paras


_PDF_STREAM = re.compile(rb"stream\r?\n")
_CHUNK = 1 << 20


def _inflated_size(data: bytes, cap: int) -> int:
    """Bytes a Flate stream inflates to, counted in 1 MB steps and stopped past `cap` (never held whole)."""
    d, total, pending = zlib.decompressobj(), 0, data
    while pending and total <= cap and not d.eof:
        out = len(d.decompress(pending, _CHUNK))
        pending = d.unconsumed_tail
        if out == 0 and pending:
            break  # no progress: damaged data, let the PDF reader judge it
        total += out
    return total


def _check_pdf_streams(body: bytes, max_uncompressed: int) -> None:
    """Refuse a PDF whose compressed streams inflate past the cap or with a bomb's ratio, before parsing it."""
    total = 0
    for m in _PDF_STREAM.finditer(body):
        end = body.find(b"endstream", m.end())
        if end < 0:
            break
        data = body[m.end():end]
        try:
            n = _inflated_size(data, max_uncompressed - total)
        except zlib.error:
            continue  # not Flate (images, fonts in other codecs): pdfplumber decides
        total += n
        if total > max_uncompressed:
            raise AttachmentRefused(f"PDF bomb: streams inflate past {_size(max_uncompressed)}")
        if n > _CHUNK and n > MAX_RATIO * len(data):
            raise AttachmentRefused(f"PDF bomb: a stream inflates {n // max(1, len(data))}:1 ({_size(n)})")


def _pdf(body: bytes, max_pages: int, max_uncompressed: int = 200_000_000) -> tuple[str | None, list[str], list[Table]]:
    import pdfplumber

    _check_pdf_streams(body, max_uncompressed)

    paras: list[str] = []
    tables: list[Table] = []
    with pdfplumber.open(io.BytesIO(body)) as pdf:
        if len(pdf.pages) > max_pages:
            raise AttachmentRefused(f"too many pages: {len(pdf.pages)} > {max_pages}")
        title = clean((pdf.metadata or {}).get("Title")) or None
        for page in pdf.pages:
            found = page.find_tables()
            boxes = [t.bbox for t in found]

            def outside(obj, boxes=boxes) -> bool:
                return not any(x0 <= obj.get("x0", -1) and obj.get("x1", 1e9) <= x1 and top <= obj.get("top", -1)
                               and obj.get("bottom", 1e9) <= bottom for x0, top, x1, bottom in boxes)

            paras += _lines_to_paragraphs((page.filter(outside).extract_text() or "").splitlines())
            for t in found:
                rows = [[clean(c) for c in r] for r in t.extract() if any(c for c in r)]
                above = page.crop((0, 0, page.width, max(t.bbox[1], 1))).filter(outside).extract_text() or ""
                cap = _lines_to_paragraphs(above.splitlines())
                if rows:
                    tables.append(Table(rows=rows, header_rows=0, caption=cap[-1] if cap else None))
    return title, paras, tables


# --- entry point ---------------------------------------------------------------------------------------------------
def _html(body: bytes, url: str) -> tuple[str | None, list[str], list[Table]]:
    from crawlers.extraction.extract_generic import extract_generic
    from crawlers.extraction.html import parse_html

    out = extract_generic(parse_html(body, url), url)
    paras = ([out["summary"]] if out["summary"] else []) + out["paragraphs"]
    return out["title"], paras, out["tables"]


def _text(body: bytes) -> tuple[str | None, list[str], list[Table]]:
    from crawlers.extraction.html import decode_html

    return None, [p for p in (clean(x) for x in decode_html(body).splitlines()) if p], []


def extract_attachment(body: bytes, media_type: str | None, url: str, max_bytes: int = 20_000_000,
                       max_uncompressed: int = 200_000_000, max_pages: int = MAX_PDF_PAGES,
                       file_name: str | None = None) -> dict:
    """Title, paragraphs and tables of an attached file; raises AttachmentRefused (one-line reason)."""
    body = body or b""
    if len(body) > max_bytes:
        raise AttachmentRefused(f"too large: {_size(len(body))} > {_size(max_bytes)}")
    kind = media_type_of(body, media_type, url, file_name)
    if kind in (DOCX, XLSX):
        _check_zip(body, max_uncompressed)
    readers = {DOCX: _docx, XLSX: _xlsx, PDF: lambda b: _pdf(b, max_pages, max_uncompressed), HTML: lambda b: _html(b, url),
               TEXT: _text}
    if kind not in readers:
        raise AttachmentRefused(f"unsupported format: {kind or 'unknown'}")
    try:
        title, paras, tables = readers[kind](body)
    except AttachmentRefused:
        raise
    except Exception as exc:  # a broken file from the web: report it, never crash the crawl
        reason = clean(str(exc))[:200] or type(exc).__name__
        raise AttachmentRefused(f"unreadable {kind}: {reason}") from None
    out = {"title": title, "paragraphs": paras, "tables": tables, "media_type": kind}
    out["missing"] = (["title"] if not title else []) + (["content"] if not paras and not tables else [])
    return out
