"""The page record: what a spider hands to the transforms, and nothing more.

A spider turns one response into one record (web-poet style: a pure function
of the response). It does not normalise dates, names or numbers and states no
facts; it only says where things are on the page. Records are written one per
line as JSON (`records.jsonl`) by the crawl process.

kind:
  article     a news or document page with a title and a main text
  table       a page whose point is a table (national ranking pages)
  stats       a statistics page (TTHC dossiers per agency and period)
  attachment  a linked file (DOCX, XLSX, PDF) with its extracted text/tables
"""
from __future__ import annotations

from typing import TypedDict


class Table(TypedDict):
    # Cells as text, rowspan/colspan expanded (a spanned cell repeats its text),
    # header rows first. `header_rows` counts the leading header rows (<th> rows,
    # or <thead>); 0 when the table gives no markup hint.
    rows: list[list[str]]
    header_rows: int
    caption: str | None          # caption or the heading just before the table


class AttachmentLink(TypedDict):
    url: str                     # absolute
    title: str | None            # link text
    media_type: str | None       # guessed from the extension until fetched


class PageRecord(TypedDict, total=False):
    site_id: str
    url: str                     # final URL (after redirects), absolute
    requested_url: str
    fetched_at: str              # ISO 8601, UTC
    status: int
    media_type: str              # from Content-Type, e.g. "text/html"
    family: str                  # the spider family that extracted it (nukeviet, ..., generic)
    kind: str                    # article | table | stats | attachment
    title: str | None
    date_text: str | None        # the date exactly as the page states it ("Thứ năm - 28/04/2022 12:00")
    author: str | None           # byline or source line as stated, label removed ("Nguồn." / "Tác giả:")
    summary: str | None          # lead / sapo, when the page separates it
    paragraphs: list[str]        # main text, one entry per paragraph, summary not repeated
    tables: list[Table]          # tables inside the main content (and of attachments)
    attachments: list[AttachmentLink]
    parent_url: str | None       # for kind=attachment: the page that links it
    last_modified: str | None    # HTTP Last-Modified, for revalidation
    etag: str | None
    missing: list[str]           # names of expected parts no path found (family selectors, then generic)
    extraction: str | None       # which path read the page: family (its table) | generic (the fallback)
    fallback: str | None         # why a family page went generic ("no text", "no title", "text short for the page")
    filled: list[str]            # parts of a family page the generic reading supplied (date, author)
    date_conflict: str | None    # a structured-data date (JSON-LD, OpenGraph, itemprop) naming another day
    error: str | None            # why an attachment was refused ("refused: zip bomb: …"), one line


def empty_record(**kw) -> PageRecord:
    rec: PageRecord = {
        "title": None, "date_text": None, "author": None, "summary": None,
        "paragraphs": [], "tables": [], "attachments": [], "parent_url": None,
        "last_modified": None, "etag": None, "missing": [],
    }
    rec.update(kw)  # type: ignore[typeddict-item]
    return rec
