"""What keeps `cchc serve` safe to put in front of strangers.

- Rows and time: Datasette's `max_returned_rows` and `sql_time_limit_ms` (settings in flows/serve.py).
- Cell size: SQLite's own SQLITE_LIMIT_LENGTH on every connection, set just above the longest value the
  release holds, so `select randomblob(300000000)` fails inside SQLite instead of filling memory.
- Risky functions: an SQLite authorizer denies `fts3_tokenizer` (it hands out pointers),
  `load_extension`, file functions, ATTACH and `pragma database_list` (it shows the file's path).
- Paths: /-/databases(.json) show the database file's name, not where it lives.
- Methods: the release is read-only, so only GET, HEAD and OPTIONS reach Datasette (405 otherwise).
- Logs: one line per refused request, never a traceback (Datasette's default handler prints
  a rich traceback with locals for each bad query).
"""
from __future__ import annotations

import contextvars
import ipaddress
import socket
import sqlite3
import sys
from pathlib import Path

from datasette import hookimpl
from datasette.app import Datasette
from datasette.database import Database

MIN_CELL_BYTES = 1_000_000
DENIED_FUNCTIONS = frozenset({"fts3_tokenizer", "load_extension", "readfile", "writefile", "edit", "zipfile",
                              "sqlar_compress", "sqlar_uncompress"})
DENIED_PRAGMAS = frozenset({"database_list"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Per request: the query string (for search snippets) and whether its refusal was logged.
REQUEST: contextvars.ContextVar[dict | None] = contextvars.ContextVar("cchc_request", default=None)


def log_refusal(message: str) -> None:
    """One line on stderr per refused request."""
    state = REQUEST.get() or {}
    if state.get("logged"):
        return
    if state:
        state["logged"] = True
    print("cchc serve: refused " + " ".join(message.split())[:300], file=sys.stderr, flush=True)


def _authorizer(action, arg1, arg2, _db, _source):
    if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in DENIED_FUNCTIONS:
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_PRAGMA and (arg1 or "").lower() in DENIED_PRAGMAS:
        return sqlite3.SQLITE_DENY
    if action in (sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH):
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def longest_value(db: Path) -> int:
    """Bytes of the longest text or blob value stored in the SQLite file."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        longest = 0
        for (table,) in con.execute("select name from sqlite_master where type = 'table' "
                                    "and name not like 'sqlite_%' and sql not like '%VIRTUAL%'").fetchall():
            cols = [r[1] for r in con.execute(f'pragma table_info("{table}")').fetchall()]
            if cols:
                parts = ", ".join(f'coalesce(max(length(cast("{c}" as blob))), 0)' for c in cols)
                longest = max([longest, *con.execute(f'select {parts} from "{table}"').fetchone()])
        return longest
    finally:
        con.close()


class Guard:
    """Datasette plugin: connection limits, the quiet error handler and the method filter."""

    cell_limit = MIN_CELL_BYTES

    @staticmethod
    @hookimpl
    def prepare_connection(conn):
        conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, Guard.cell_limit)
        conn.set_authorizer(_authorizer)

    @staticmethod
    @hookimpl
    def handle_exception(datasette, request, exception):
        async def inner():
            from datasette import Response
            from datasette.utils.asgi import Base400
            from datasette.views.base import DatasetteError
            from markupsafe import Markup

            title = None
            if isinstance(exception, Base400):
                status, message = exception.status, exception.args[0] if exception.args else "error"
            elif isinstance(exception, DatasetteError):
                status, message, title = exception.status, exception.message, exception.title
                if exception.message_is_html:
                    message = Markup(message)
            else:
                status, message = 500, f"{type(exception).__name__}: {exception}"
            log_refusal(f"{request.method} {request.path}: {status} {Markup(message).striptags()}")
            info = {"ok": False, "error": message, "status": status, "title": title}
            if request.path.split("?")[0].endswith(".json"):
                return Response.json(info, status=status)
            template = datasette.jinja_env.select_template([f"{status}.html", "error.html"])
            return Response.html(await template.render_async(dict(info, urls=datasette.urls,
                                                                  app_css_hash=datasette.app_css_hash(),
                                                                  menu_links=list)), status=status)
        return inner

    @staticmethod
    @hookimpl
    def asgi_wrapper(datasette):
        def wrap(app):
            async def guarded(scope, receive, send):
                if scope["type"] != "http":
                    return await app(scope, receive, send)
                token = REQUEST.set({"query": scope.get("query_string", b"").decode("latin-1")})
                try:
                    if scope["method"] not in SAFE_METHODS:
                        log_refusal(f"{scope['method']} {scope['path']}: 405 read-only")
                        await send({"type": "http.response.start", "status": 405,
                                    "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                                (b"allow", b"GET, HEAD, OPTIONS")]})
                        await send({"type": "http.response.body", "body": b"405: this release is read-only\n"})
                        return None
                    return await app(scope, receive, send)
                finally:
                    REQUEST.reset(token)
            return guarded
        return wrap


class QuietDatabase(Database):
    """Datasette's Database, logging a failed query as one line (instead of the connection and the SQL)."""

    async def execute(self, sql, params=None, truncate=False, custom_time_limit=None, page_size=None,
                      log_sql_errors=True):
        try:
            return await super().execute(sql, params, truncate=truncate, custom_time_limit=custom_time_limit,
                                         page_size=page_size, log_sql_errors=False)
        except Exception as e:
            if log_sql_errors:
                log_refusal(f"query {' '.join(str(sql).split())[:120]!r}: {e}")
            raise

    async def attached_databases(self):
        return []  # ATTACH is denied; `pragma database_list` (which Datasette reads for this) shows paths


class ReleaseDatasette(Datasette):
    """Datasette that names its database files without the folder they live in."""

    def _connected_databases(self):
        return [{**d, "path": Path(d["path"]).name if d.get("path") else d.get("path")}
                for d in super()._connected_databases()]


def install(pm, db: Path) -> None:
    """Register the guard (once) with the limit for this release; replace Datasette's noisy error handler."""
    Guard.cell_limit = max(MIN_CELL_BYTES, int(longest_value(db) * 1.25))
    if pm.get_plugin("datasette.handle_exception") is not None:
        pm.unregister(name="datasette.handle_exception")
    if not pm.is_registered(Guard):
        pm.register(Guard, name="cchc-guard")


def bind_warning(host: str) -> str | None:
    """A warning when `host` is not a loopback address (the server is then reachable by others)."""
    try:
        addresses = {ipaddress.ip_address(host)}
    except ValueError:
        try:
            addresses = {ipaddress.ip_address(a[4][0]) for a in socket.getaddrinfo(host, None)}
        except (OSError, ValueError):
            return None  # an unknown name fails at bind time with its own message
    if addresses and all(a.is_loopback for a in addresses):
        return None
    return (f"cchc serve: warning: listening on {host}, not loopback: "
            "anyone who can reach this machine can browse the release")
