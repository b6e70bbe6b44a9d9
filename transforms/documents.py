"""A page record becomes a `documents` row: normalised text, dates, type, reform flag, province and agency.

Province and agency come from the registry first, then from the text: a
province portal's story about another province belongs to that province, and a
department named in the title is the agency the document concerns.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from transforms.classify import doc_type, is_reform_related
from transforms.dates import parse_date
from transforms.gazetteer import Gazetteer
from transforms.text import clean, clean_paragraphs, fold
from transforms.urls import canonical_url, doc_id

MEDIA_BY_EXT = {
    ".pdf": "application/pdf", ".doc": "application/msword", ".xls": "application/vnd.ms-excel",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".zip": "application/zip", ".rar": "application/vnd.rar",
}


@dataclass(frozen=True)
class SiteInfo:
    """The registry facts a transform needs (a plain copy, so transforms do not import the crawler)."""
    id: str
    level: str
    province: str | None
    agency: str | None
    district: str | None


@dataclass
class ParentInfo:
    """What an attachment inherits from the page that links it."""
    doc_id: str
    title: str
    published_date: dt.date | None
    province_code: str | None
    agency: str | None
    doc_type: str
    reform_related: bool


def content_hash(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def table_lines(tables: list[dict]) -> list[str]:
    """Tables as text lines ("cell | cell"), for bodies of pages that are mostly tables."""
    return [" | ".join(c for c in (clean(x) for x in row) if c) for t in tables for row in t.get("rows", [])
            if any(clean(x) for x in row)]


def main_paragraphs(rec: dict) -> list[str]:
    """The lead (when the page separates it) and the paragraphs of the main text, cleaned."""
    return clean_paragraphs(([rec["summary"]] if rec.get("summary") else []) + list(rec.get("paragraphs") or []))


def attachment_title(rec: dict) -> str:
    if clean(rec.get("title")):
        return clean(rec["title"])
    return unquote(PurePosixPath(urlsplit(rec["url"]).path).name)


def media_type_of(rec: dict) -> str | None:
    mt = (rec.get("media_type") or "").split(";")[0].strip().lower()
    if mt and mt != "application/octet-stream":
        return mt
    return MEDIA_BY_EXT.get(PurePosixPath(urlsplit(rec["url"]).path).suffix.lower(), mt or None)


_PROVINCE_UNIT = re.compile(r"^(?:tinh|thanh pho|tp)\b")
_LEADING = re.compile(r"^[\W\d_]*")


def _provinces_named(gaz: Gazetteer, text: str, clear_only: bool = True) -> list[str]:
    """Provinces the text names clearly, as a reader takes them: with their unit ("tỉnh X", "thành phố X",
    "TP. X"), or bare as the text's first words, its actor ("X dẫn đầu ...", "X: ..."). A name elsewhere ("Cúp
    X") is a label, not the province the document concerns (unless `clear_only` is False); after a feature or a
    lower unit ("sông X", "đường X", "phường X") the gazetteer sees no province at all."""
    start = len(_LEADING.match(text or "").group(0))
    seen: list[str] = []
    for p, a, b in gaz.provinces_in(text):
        clear = a == start or _PROVINCE_UNIT.match(fold(text[a:b]))
        if (clear or not clear_only) and p.code not in seen:
            seen.append(p.code)
    return seen


def attribute_province(gaz: Gazetteer, site: SiteInfo, title: str, lead: str) -> str | None:
    """Registry province unless the title (or, on national sites, the lead) is about exactly one other province."""
    if site.province is None:  # nothing to override: the one province the title (else the lead) names
        named = _provinces_named(gaz, title, clear_only=False) or _provinces_named(gaz, lead, clear_only=False)
        return named[0] if len(named) == 1 else None
    named = _provinces_named(gaz, title)
    if len(named) == 1 and named[0] != site.province:
        return named[0]
    return site.province


def attribute_agency(gaz: Gazetteer, site: SiteInfo, title: str) -> str | None:
    """The department the title names, else the registry's agency."""
    found = gaz.agencies_in(title)
    if found:
        return found[0][0]
    return site.agency


def extraction_of(rec: dict) -> str:
    """Which path read a record (CONTRACT.md documents.extraction): the spider's word, else what its kind and
    family say (records of older crawls name no path)."""
    if rec.get("kind") == "attachment":
        return "attachment"
    if rec.get("extraction"):
        return rec["extraction"]
    return "generic" if rec.get("family") in (None, "generic") else "family"


def build_document(rec: dict, site: SiteInfo, gaz: Gazetteer, parent: ParentInfo | None = None) -> tuple[dict, list[str]]:
    """One page record -> (documents row without the dedup and seen-at columns, warnings)."""
    warnings: list[str] = []
    url = canonical_url(rec["url"])
    kind = rec.get("kind") or "article"
    tables = rec.get("tables") or []
    paragraphs = main_paragraphs(rec)
    if kind == "attachment":
        title = attachment_title(rec)
    else:
        title = clean(rec.get("title"))
        if not title:
            warnings.append("no title")
    rows_text = table_lines(tables)
    body_lines = paragraphs + (rows_text if kind in ("attachment", "stats", "table") else [])
    body = "\n".join(body_lines)
    date, at = parse_date(rec.get("date_text"))
    if date is None and parent is not None:
        date = parent.published_date
    if date is None and kind == "article":
        warnings.append(f"no date in {rec.get('date_text')!r}")
    tables_text = " ".join(rows_text)
    if parent is not None:
        province = parent.province_code
        agency = parent.agency
        reform = parent.reform_related or is_reform_related(title, paragraphs, tables_text)
        dtype = doc_type("article", title, tables, paragraphs)
        if dtype == "news":
            dtype = parent.doc_type
    else:
        province = attribute_province(gaz, site, title, paragraphs[0] if paragraphs else "")
        agency = attribute_agency(gaz, site, title) if kind != "table" else None
        reform = is_reform_related(title, paragraphs, tables_text)
        dtype = doc_type(kind, title, tables, paragraphs)
    prov = gaz.province(province) if province else None
    if province and prov is None:
        warnings.append(f"unknown province code {province!r}")
    row = {
        "doc_id": doc_id(url),
        "url": url,
        "extraction": extraction_of(rec),
        "site_id": site.id,
        "title": title or None,
        "published_date": date,
        "published_at": at,
        "author": clean(rec.get("author")) or None,
        "body": body,
        "doc_type": dtype,
        "reform_related": reform,
        "province_code": prov.code if prov else None,
        "province_name": prov.name if prov else None,
        "province_code_2025": prov.code_2025 if prov else None,
        "province_name_2025": prov.name_2025 if prov else None,
        "agency": agency,
        "level": site.level,
        "attachments": [],
        "content_hash": content_hash(body),
        "media_type": media_type_of(rec) if kind == "attachment" else (rec.get("media_type") or "text/html").split(";")[0],
        "parent_doc_id": parent.doc_id if parent else None,
    }
    return row, warnings
