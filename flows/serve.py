"""`cchc serve`: the published release in Datasette, read-only, searchable, with canned queries."""
from __future__ import annotations

import asyncio
import errno
import socket
import sys
from html import escape
from pathlib import Path

from flows.datapackage import TABLE_DESCRIPTIONS
from flows.duck import release_dir
from flows.schema import TABLES
from flows.serve_cells import CellLinks
from flows.sqlite_export import FTS_TABLE, build_sqlite

DB_NAME = "cchc"
SOURCE = ("d.url as source_url, d.title as source", "left join documents d on d.doc_id = r.source_doc_id")

CANNED_QUERIES = {
    "national_par_index_ranking": {
        "title": "National PAR INDEX ranking by year, with rank change",
        "description": "Provinces ranked by PAR INDEX in one year (leave year empty for all years). "
                       "rank_change > 0 means the province moved up since the previous year.",
        "sql": "select r.period as year, r.rank, r.entity_name as province, r.province_code, r.value as par_index, "
               f"r.unit, r.rank_change, r.rank_source, r.n_ranked, {SOURCE[0]} from rankings r {SOURCE[1]} "
               "where r.indicator = 'par_index' and r.scope = 'national' and (:year = '' or r.period = :year) "
               "order by r.period desc, r.rank",
    },
    "national_sipas_ranking": {
        "title": "National SIPAS ranking by year, with rank change",
        "sql": "select r.period as year, r.rank, r.entity_name as province, r.province_code, r.value as sipas, "
               f"r.unit, r.rank_change, r.rank_source, r.n_ranked, {SOURCE[0]} from rankings r {SOURCE[1]} "
               "where r.indicator = 'sipas' and r.scope = 'national' and (:year = '' or r.period = :year) "
               "order by r.period desc, r.rank",
    },
    "department_ranking": {
        "title": "Department ranking within a province",
        "description": "Departments of one province (GSO code, e.g. 52) ranked per indicator and period.",
        "sql": "select r.indicator, r.period, r.rank, r.entity_name as department, r.value, r.unit, r.rank_change, "
               f"r.rank_source, r.n_ranked, {SOURCE[0]} from rankings r {SOURCE[1]} "
               "where r.scope = 'province:' || :province_code and (:year = '' or r.period like :year || '%') "
               "order by r.indicator, r.period desc, r.rank",
    },
    "on_time_rate_by_agency_month": {
        "title": "On-time rate of TTHC dossiers by agency and month",
        "description": "Percent of resolved dossiers resolved on time or early; duplicates of a syndicated "
                       "source are not counted.",
        "sql": "select entity_name as agency, province_code, period as month, round(avg(value), 2) as on_time_rate, "
               "count(*) as sources from indicators where indicator = 'on_time_rate' and length(period) = 7 "
               "and coalesce(counted, 1) = 1 and (:province_code = '' or province_code = :province_code) "
               "group by entity_name, province_code, period order by entity_name, period",
    },
    "documents_citing_number": {
        "title": "Documents citing a given document number",
        "description": "Canonical number as published, e.g. 22/KH-SXD or 61/2018/NĐ-CP.",
        "sql": "select d.published_date, d.title, d.url, d.province_name, d.agency, r.number "
               "from doc_refs r join documents d on d.doc_id = r.doc_id where r.number = trim(:number) "
               "order by d.published_date desc",
    },
}
CANNED_QUERIES["freshness"] = {
    "title": "Freshness of the sources (độ mới của nguồn)",
    "description": "One row per registered site: its status (blocked, failing, stale = no successful crawl in "
                   "7 days, ok), when it was last crawled successfully and last had a new document, and its rows "
                   "in this release.",
    "sql": "select status, name, site_id, last_ok_at, last_new_at, documents, facts, note, last_run_id from sources "
           "order by case status when 'blocked' then 0 when 'failing' then 1 when 'stale' then 2 else 3 end, site_id",
}
FACETS = {
    "documents": ["province_name", "agency", "doc_type", "year"],
    "indicators": ["indicator", "province_code", "period"],
    "rankings": ["indicator", "scope", "period"],
    "crawl_log": ["site_id", "outcome"],
    "sources": ["status", "level"],
}
LABEL_COLUMNS = {"documents": "title"}


def _described(text: str, columns: list[tuple[str, str]]) -> str:
    items = "".join(f"<dt>{escape(n)}</dt><dd>{escape(d)}</dd>" for n, d in columns)
    return (f"<p>{escape(text)}.</p><details class=\"cchc-columns\"><summary>Columns (what each one means)"
            f"</summary><dl>{items}</dl></details>")


def datasette_metadata(run_id: str) -> dict:
    tables: dict = {}
    for table, columns in TABLES.items():
        # Column meanings folded away under the description: the page opens on the rows.
        meta = {"description_html": _described(TABLE_DESCRIPTIONS[table], [(n, d) for n, _t, d in columns])}
        if table in FACETS:
            meta["facets"] = FACETS[table]
        if table in LABEL_COLUMNS:
            meta["label_column"] = LABEL_COLUMNS[table]
        tables[table] = meta
    tables["documents"]["description_html"] = _described(
        TABLE_DESCRIPTIONS["documents"], [(n, d) for n, _t, d in TABLES["documents"]]
        + [("year", "Year of published_date (for faceting)")])
    tables["documents"].update({"fts_table": FTS_TABLE, "fts_pk": "rowid",
                                "sort_desc": "published_date"})
    tables[FTS_TABLE] = {"hidden": True}
    tables["_cchc_meta"] = {"hidden": True}
    return {
        "title": "cchc: Vietnam administrative reform open data",
        "description": f"Published release {run_id}. Read-only. Search documents with or without diacritics.",
        "license": "ODC-BY-1.0",
        "license_url": "https://opendatacommons.org/licenses/by/1-0/",
        "databases": {DB_NAME: {"tables": tables,
                                "queries": {k: {**q, "hide_sql": True} for k, q in CANNED_QUERIES.items()}}},
    }


SETTINGS = {"default_page_size": 50, "suggest_facets": False, "max_returned_rows": 1000, "sql_time_limit_ms": 3000,
            "facet_time_limit_ms": 500, "truncate_cells_html": 300, "allow_download": True}


def make_datasette(lake: str | Path):
    """A Datasette app over the release's SQLite export (built or reused), guarded (flows/serve_guard.py)."""
    from datasette.plugins import pm

    from flows.serve_guard import QuietDatabase, ReleaseDatasette, install

    rel = release_dir(lake)
    db = build_sqlite(rel)
    install(pm, db)
    if not pm.is_registered(CellLinks):
        pm.register(CellLinks, name="cchc-cells")
    ds = ReleaseDatasette([], immutables=[str(db)], metadata=datasette_metadata(rel.name), settings=SETTINGS)
    ds.remove_database(DB_NAME)
    ds.add_database(QuietDatabase(ds, path=str(db), is_mutable=False), name=DB_NAME)
    return ds


def _cannot_listen(host: str, port: int) -> str | None:
    """Why the server could not listen on host:port (None: it can). A host that does not resolve or is not
    this machine's is said as such, not as a port in use."""
    try:
        family, kind, proto, _, addr = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except (socket.gaierror, UnicodeError) as e:
        return f"cannot serve on host {host!r}: {getattr(e, 'strerror', None) or e}"
    with socket.socket(family, kind, proto) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(addr)
        except OSError as e:
            if e.errno == errno.EADDRINUSE:
                return f"port {port} on {host} is in use: pass --port"
            return f"cannot serve on host {host!r} port {port}: {e.strerror or e}"
    return None


def serve_command(args) -> int:
    import uvicorn

    from flows.errors import UserError

    problem = _cannot_listen(args.host, args.port)
    if problem:
        raise UserError(problem)
    from flows.serve_guard import bind_warning

    ds = make_datasette(args.lake)
    asyncio.run(ds.invoke_startup())
    warning = bind_warning(args.host)
    if warning:
        print(warning, file=sys.stderr, flush=True)
    print(f"Serving the release at http://{args.host}:{args.port}/{DB_NAME} (Ctrl+C to stop)", file=sys.stderr,
          flush=True)
    uvicorn.run(ds.app(), host=args.host, port=args.port, log_level="warning", lifespan="on", workers=1)
    return 0
