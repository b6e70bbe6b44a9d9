"""One page record in, every row it yields out: its document, the legal documents it cites, the facts it states.

The orchestration of the pure transforms for one page; `flows/` calls it for
every record of a crawl and handles all I/O.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from transforms.docnumbers import find_doc_refs
from transforms.documents import ParentInfo, SiteInfo, build_document, main_paragraphs
from transforms.facts import FactContext
from transforms.gazetteer import Gazetteer
from transforms.indicators_tables import facts_from_table
from transforms.indicators_text import facts_from_text
from transforms.text import clean


@dataclass
class PageRows:
    document: dict
    doc_refs: list[dict] = field(default_factory=list)
    indicators: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def parent_info(self) -> ParentInfo:
        d = self.document
        return ParentInfo(doc_id=d["doc_id"], title=d["title"] or "", published_date=d["published_date"],
                          province_code=d["province_code"], agency=d["agency"], doc_type=d["doc_type"],
                          reform_related=d["reform_related"])


def _refs(doc_id: str, paragraphs: list[str]) -> list[dict]:
    out, seen = [], set()
    for ref in find_doc_refs("\n".join(paragraphs)):
        if ref.number in seen:
            continue
        seen.add(ref.number)
        out.append({"doc_id": doc_id, "number": ref.number, "kind": ref.kind, "issuer": ref.issuer,
                    "year": ref.year, "issued_date": ref.issued_date})
    return out


def page_rows(rec: dict, site: SiteInfo, gaz: Gazetteer, parent: ParentInfo | None = None) -> PageRows:
    """All rows of one page record. Facts are read only from reform-related pages: the rest state none we want."""
    doc, warnings = build_document(rec, site, gaz, parent)
    rows = PageRows(document=doc, warnings=list(warnings))
    paragraphs = main_paragraphs(rec)
    rows.doc_refs = _refs(doc["doc_id"], paragraphs)
    if not doc["reform_related"]:
        return rows
    is_attachment = rec.get("kind") == "attachment"
    title = (parent.title + " " if parent else "") + (doc["title"] or "")
    base = dict(doc_id=doc["doc_id"], title=clean(title), published_date=doc["published_date"],
                province_code=doc["province_code"], agency=doc["agency"], level=site.level, district=site.district)
    text_ctx = FactContext(method="attachment" if is_attachment else "text", **base)
    facts, warns = facts_from_text(paragraphs, text_ctx)
    rows.indicators.extend(facts)
    rows.warnings.extend(warns)
    table_ctx = FactContext(method="attachment" if is_attachment else "table", **base)
    for table in rec.get("tables") or []:
        heading = clean(" ".join(x for x in (title, table.get("caption") or "") if x))
        facts, warns = facts_from_table(table, table_ctx, heading=heading)
        rows.indicators.extend(facts)
        rows.warnings.extend(warns)
    return rows
