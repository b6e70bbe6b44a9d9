"""`cchc serve`: the published release in Datasette, read-only, searchable, with canned queries."""
from __future__ import annotations

import asyncio
import errno
import json
import socket
import sys
from html import escape
from pathlib import Path
from urllib.parse import urlsplit

from datasette import hookimpl

from flows.datapackage import TABLE_DESCRIPTIONS
from flows.duck import release_dir
from flows.schema import TABLES
from flows.sqlite_export import FTS_TABLE, build_sqlite

DB_NAME = "cchc"
URL_COLUMNS = {"url"}

CANNED_QUERIES = {
    "national_par_index_ranking": {
        "title": "National PAR INDEX ranking by year, with rank change",
        "description": "Provinces ranked by PAR INDEX in one year (leave year empty for all years). "
                       "rank_change > 0 means the province moved up since the previous year.",
        "sql": "select period as year, rank, entity_name as province, province_code, value as par_index, "
               "rank_change, rank_source, n_ranked from rankings "
               "where indicator = 'par_index' and scope = 'national' and (:year = '' or period = :year) "
               "order by period desc, rank",
    },
    "national_sipas_ranking": {
        "title": "National SIPAS ranking by year, with rank change",
        "sql": "select period as year, rank, entity_name as province, province_code, value as sipas, "
               "rank_change, rank_source, n_ranked from rankings "
               "where indicator = 'sipas' and scope = 'national' and (:year = '' or period = :year) "
               "order by period desc, rank",
    },
    "department_ranking": {
        "title": "Department ranking within a province",
        "description": "Departments of one province (GSO code, e.g. 52) ranked per indicator and period.",
        "sql": "select indicator, period, rank, entity_name as department, value, rank_change, rank_source, n_ranked "
               "from rankings where scope = 'province:' || :province_code and (:year = '' or period like :year || '%') "
               "order by indicator, period desc, rank",
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
FACETS = {
    "documents": ["province_name", "agency", "doc_type", "year"],
    "indicators": ["indicator", "province_code", "period"],
    "rankings": ["indicator", "scope", "period"],
    "crawl_log": ["site_id", "outcome"],
}
LABEL_COLUMNS = {"documents": "title"}


def datasette_metadata(run_id: str) -> dict:
    tables: dict = {}
    for table, columns in TABLES.items():
        meta = {"description": TABLE_DESCRIPTIONS[table], "columns": {n: d for n, _t, d in columns}}
        if table in FACETS:
            meta["facets"] = FACETS[table]
        if table in LABEL_COLUMNS:
            meta["label_column"] = LABEL_COLUMNS[table]
        tables[table] = meta
    tables["documents"]["columns"]["year"] = "Year of published_date (for faceting)"
    tables["documents"].update({"fts_table": FTS_TABLE, "fts_pk": "rowid",
                                "sort_desc": "published_date"})
    tables[FTS_TABLE] = {"hidden": True}
    tables["_cchc_meta"] = {"hidden": True}
    return {
        "title": "cchc: Vietnam administrative reform open data",
        "description": f"Published release {run_id}. Read-only. Search documents with or without diacritics.",
        "license": "ODC-BY-1.0",
        "license_url": "https://opendatacommons.org/licenses/by/1-0/",
        "databases": {DB_NAME: {"tables": tables, "queries": CANNED_QUERIES}},
    }


class CellLinks:
    """Datasette plugin: URL columns as short links, attachment lists as links."""

    @staticmethod
    @hookimpl
    def render_cell(value, column, table, database, datasette):
        from markupsafe import Markup

        if column in URL_COLUMNS and isinstance(value, str) and value.startswith(("http://", "https://")):
            parts = urlsplit(value)
            text = parts.netloc + (parts.path if len(parts.path) < 48 else parts.path[:45] + "…")
            return Markup(f'<a href="{escape(value)}" rel="nofollow noopener">{escape(text)}</a>')
        if column == "attachments" and isinstance(value, str) and value.startswith("["):
            try:
                items = json.loads(value)
            except ValueError:
                return None
            links = [f'<a href="{escape(a.get("url") or "")}" rel="nofollow noopener">'
                     f'{escape(a.get("title") or a.get("url") or "")}</a>' for a in items if isinstance(a, dict)]
            return Markup("<br>".join(links))
        return None


SETTINGS = {"default_page_size": 50, "max_returned_rows": 1000, "sql_time_limit_ms": 3000,
            "facet_time_limit_ms": 500, "truncate_cells_html": 300, "allow_download": True}


def make_datasette(lake: str | Path):
    """A Datasette app over the release's SQLite export (built or reused), guarded (flows/serve_guard.py)."""
    from datasette.plugins import pm

    from flows.serve_guard import QuietDatabase, ReleaseDatasette, install

    rel = release_dir(lake)
    db = build_sqlite(rel)
    install(pm, db)
    if not pm.is_registered(CellLinks):
        pm.register(CellLinks, name="cchc-cell-links")
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
