"""The published tables of CONTRACT.md: names, types, descriptions, keys.

One source for the Parquet schemas, the validation step and datapackage.json.
Bump SCHEMA_VERSION and note it in CHANGELOG.md when anything here changes.
"""
from __future__ import annotations

import pyarrow as pa

from flows.tables import TABLE_NAMES

SCHEMA_VERSION = "1.3.0"

ATTACHMENT = pa.struct([("url", pa.string()), ("title", pa.string()), ("media_type", pa.string())])
TS = pa.timestamp("us", tz="UTC")

# table -> list of (column, arrow type, description)
TABLES: dict[str, list[tuple[str, pa.DataType, str]]] = {
    "documents": [
        ("doc_id", pa.string(), "Stable id: first 16 hex digits of SHA-256 of the canonical URL"),
        ("url", pa.string(), "Canonical URL (after redirects, tracking parameters and fragment dropped)"),
        ("request", pa.string(), "For an API answer to a POST: its body as canonical JSON (keys sorted, no spaces); null for a GET"),
        ("extraction", pa.string(), "Which path read it: family (the site's family selectors), generic (the generic "
                                    "extractor, on an auto site or as a family's fallback), api, attachment"),
        ("site_id", pa.string(), "Registry id of the site the page was found on"),
        ("title", pa.string(), "Title as the page states it (NFC, whitespace collapsed)"),
        ("published_date", pa.date32(), "Local date (Asia/Ho_Chi_Minh) the page states"),
        ("published_at", pa.timestamp("us"), "Local date and time the page states; null when it gives no time"),
        ("author", pa.string(), "Byline or source line; null when none"),
        ("body", pa.string(), "Main text only, paragraphs separated by newlines"),
        ("doc_type", pa.string(), "plan, ranking, statistics or news"),
        ("reform_related", pa.bool_(), "About administrative reform (CCHC, PAR INDEX, SIPAS, TTHC, one-stop shop, online services)"),
        ("province_code", pa.string(), "GSO code (2 digits) of the province the document concerns, as it was then"),
        ("province_name", pa.string(), "Official name of that province"),
        ("province_code_2025", pa.string(), "GSO code of its successor unit after 1 July 2025"),
        ("province_name_2025", pa.string(), "Name of the successor unit after 1 July 2025"),
        ("agency", pa.string(), "Canonical name of the agency the document concerns; null when none"),
        ("level", pa.string(), "national, province, department, district or newspaper"),
        ("attachments", pa.list_(ATTACHMENT), "Linked files that were fetched"),
        ("content_hash", pa.string(), "SHA-256 of the normalised body"),
        ("dup_group", pa.string(), "Documents whose bodies are near-duplicates share it"),
        ("is_primary", pa.bool_(), "One primary per dup_group: the earliest published"),
        ("first_seen_at", TS, "When a run first saw the page (UTC)"),
        ("last_seen_at", TS, "When a run last saw the page (UTC)"),
        ("run_id", pa.string(), "Run that last changed the row"),
        ("media_type", pa.string(), "Media type of the page or attachment (extension column)"),
        ("parent_doc_id", pa.string(), "For attachments: doc_id of the page linking it (extension column)"),
        ("raw_warc", pa.string(), "WARC file, relative to the lake, holding the raw response (extension column)"),
    ],
    "doc_refs": [
        ("doc_id", pa.string(), "Citing document"),
        ("number", pa.string(), "Canonical number: 22/KH-SXD, 61/2018/NĐ-CP, 1563/UBND-NC"),
        ("kind", pa.string(), "Document type code: KH, QĐ, CT, NQ, NĐ, TT, CV, BC, TB, ..."),
        ("issuer", pa.string(), "Issuer part: SXD, UBND, CP"),
        ("year", pa.int32(), "Year from the number or its date; null when unknown"),
        ("issued_date", pa.date32(), "Issue date when the text gives it"),
    ],
    "indicators": [
        ("entity_type", pa.string(), "province, department or district"),
        ("entity_name", pa.string(), "Canonical name of the province, agency or district"),
        ("province_code", pa.string(), "GSO code of the province (of the entity, or the department's province)"),
        ("indicator", pa.string(), "Indicator from the contract vocabulary"),
        ("component", pa.string(), "PAR INDEX component key for par_component, null otherwise"),
        ("period", pa.string(), "YYYY, YYYY-Hn, YYYY-Qn or YYYY-MM"),
        ("value", pa.float64(), "Value as stated (percent as 0-100)"),
        ("unit", pa.string(), "points, percent, count or rank"),
        ("source_doc_id", pa.string(), "Document the value was read from"),
        ("method", pa.string(), "table, text, attachment or api"),
        ("provisional", pa.bool_(), "The period was still open when the source was read: the value may change until it closes"),
        ("evidence", pa.string(), "The sentence or table row it came from"),
        ("counted", pa.bool_(), "False when the source is a non-primary duplicate (extension column)"),
    ],
    "rankings": [
        ("indicator", pa.string(), "par_index, sipas, on_time_rate, ..."),
        ("period", pa.string(), "YYYY or YYYY-MM"),
        ("scope", pa.string(), "national, or province:<code> for departments of one province"),
        ("entity_type", pa.string(), "province, department or district"),
        ("entity_name", pa.string(), "Canonical name"),
        ("province_code", pa.string(), "GSO code"),
        ("value", pa.float64(), "Value ranked"),
        ("rank", pa.int32(), "Published rank where one exists, else computed (1 = best)"),
        ("rank_source", pa.string(), "published or computed"),
        ("n_ranked", pa.int32(), "Entities ranked in this scope and period"),
        ("rank_change", pa.int32(), "Change against the previous period of the same kind (positive = moved up); null when unknown"),
        ("provisional", pa.bool_(), "The value ranked is provisional (its period was still open when read) (extension column)"),
        ("unit", pa.string(), "Unit of value, one per indicator: percent (PAR INDEX, SIPAS, rates; a PAR INDEX "
                              "score in points is out of 100, the same number), points (service index); null when "
                              "only a rank is published (extension column)"),
        ("source_doc_id", pa.string(), "Document the value (or the published rank) was read from (extension column)"),
    ],
    "crawl_log": [
        ("run_id", pa.string(), "Run"),
        ("site_id", pa.string(), "Registry id"),
        ("url", pa.string(), "Requested URL"),
        ("method", pa.string(), "GET or POST"),
        ("request", pa.string(), "POST body as canonical JSON; null for a GET"),
        ("status", pa.int32(), "HTTP status; null when no response"),
        ("outcome", pa.string(), "ok, not_modified, redirect, http_error, network_error, robots_disallowed, skipped_known, parse_error, blocked"),
        ("fetched_at", TS, "When (UTC)"),
        ("bytes", pa.int64(), "Body size in bytes"),
        ("error", pa.string(), "One line; null when fine"),
        ("found_by", pa.string(), "How the crawl came to request it: start, listing, listing_generic (generic listing "
                                  "discovery), pager, body_link, archive, feed, sitemap, attachment; null for "
                                  "robots.txt and probe requests (extension column)"),
    ],
    "units": [
        ("province_code", pa.string(), "GSO code (two digits)"),
        ("name", pa.string(), "Official name"),
        ("valid_from", pa.date32(), "When the unit began to exist under this code; null: before the records"),
        ("valid_to", pa.date32(), "When it ceased to (the 63 units before 1 July 2025); null: open"),
        ("province_code_2025", pa.string(), "The unit that succeeds it after the 2025 reorganisation (itself for a unit of 2025)"),
        ("province_name_2025", pa.string(), "Name of that successor"),
        ("aliases", pa.list_(pa.string()), "Spellings and forms pages use"),
        ("dvc_legacy_id", pa.string(), "Its ID on dichvucong.gov.vn's legacy evaluation gateway, learned from its answers; null when unknown"),
        ("dvc_hcode", pa.string(), "Its H-code on dichvucong.gov.vn (agency code suffix, reporting API departmentCode)"),
        ("dvc_uuid", pa.string(), "Its departmentId on dichvucong.gov.vn's reporting API, learned from its answers; null when unknown"),
    ],
    "sources": [
        ("site_id", pa.string(), "Registry id"),
        ("name", pa.string(), "Site name from the registry"),
        ("cms", pa.string(), "CMS family from the registry"),
        ("level", pa.string(), "national, province, department, district or newspaper"),
        ("province_code", pa.string(), "GSO code of the province the site belongs to; null for national sites"),
        ("last_run_id", pa.string(), "Last run that tried the site"),
        ("last_ok_at", TS, "Last run whose crawl of the site succeeded (UTC)"),
        ("last_new_at", TS, "Last run that found a new or changed document there (UTC)"),
        ("documents", pa.int64(), "Rows of documents in this release that come from the site"),
        ("facts", pa.int64(), "Rows of indicators in this release read from the site's documents"),
        ("status", pa.string(), "ok; stale (no successful crawl in the last 7 days); failing (its last run failed); "
                                "blocked (its last run's crawl_log has outcome blocked)"),
        ("note", pa.string(), "One line: why, when the status is not ok"),
    ],
}

PRIMARY_KEYS: dict[str, list[str]] = {
    "documents": ["doc_id"],
    "doc_refs": ["doc_id", "number"],
    "indicators": ["source_doc_id", "entity_type", "entity_name", "indicator", "component", "period", "method", "evidence"],
    "rankings": ["indicator", "period", "scope", "entity_type", "entity_name"],
    "crawl_log": [],
    "units": ["province_code", "valid_from"],
    "sources": ["site_id"],
}
FOREIGN_KEYS: dict[str, list[tuple[str, str, str]]] = {
    "doc_refs": [("doc_id", "documents", "doc_id")],
    "indicators": [("source_doc_id", "documents", "doc_id")],
    "rankings": [("source_doc_id", "documents", "doc_id")],
}
OUTCOMES = ("ok", "not_modified", "redirect", "http_error", "network_error", "robots_disallowed", "skipped_known", "parse_error",
            "blocked")
INDICATORS = (
    "par_index", "par_rank", "par_component", "sipas", "sipas_rank",
    "dossiers_received", "dossiers_received_online", "dossiers_resolved", "dossiers_resolved_early",
    "dossiers_resolved_on_time", "dossiers_resolved_late", "dossiers_pending", "dossiers_digitized",
    "on_time_rate", "early_rate", "online_rate", "digitization_rate", "procedures_reviewed",
    "service_index", "service_index_rank", "service_component",
)
COMPONENTS = ("cong_tac_chi_dao", "cai_cach_the_che", "cai_cach_tthc", "cai_cach_to_chuc_bo_may", "cai_cach_cong_vu",
              "cai_cach_tai_chinh_cong", "chinh_phu_so", "tac_dong",
              # service_component (QĐ 766 service index)
              "cong_khai_minh_bach", "tien_do_giai_quyet", "dich_vu_cong_truc_tuyen", "thanh_toan_truc_tuyen",
              "muc_do_hai_long", "so_hoa_ho_so")


assert tuple(TABLES) == TABLE_NAMES, "flows/tables.py lists the published tables in contract order"


def _pandas_metadata(columns: list[tuple[str, pa.DataType, str]]) -> dict[bytes, bytes]:
    """Parquet `pandas` metadata naming the nullable integer dtypes (Int32, Int64) for integer columns, so that
    pandas (and frictionless, which reads Parquet through it) sees a null as missing, not as a float NaN."""
    import json

    cols = [{"name": n, "field_name": n, "pandas_type": str(t), "numpy_type": str(t).capitalize(), "metadata": None}
            for n, t, _d in columns if pa.types.is_integer(t)]
    return {b"pandas": json.dumps({"index_columns": [], "column_indexes": [], "columns": cols}).encode()}


def arrow_schema(table: str) -> pa.Schema:
    return pa.schema([pa.field(name, typ, metadata={"description": desc}) for name, typ, desc in TABLES[table]],
                     metadata=_pandas_metadata(TABLES[table]))


def to_arrow(table: str, rows: list[dict]) -> pa.Table:
    """Rows (dicts) to an Arrow table with the contract's schema; missing keys become null."""
    schema = arrow_schema(table)
    cols = {f.name: [r.get(f.name) for r in rows] for f in schema}
    return pa.table({name: pa.array(vals, type=schema.field(name).type) for name, vals in cols.items()}, schema=schema)
