"""`cchc query`: read-only SQL over the published release, for journalists.

Read-only by construction, not by a filter on statement text: the connection is an in-memory
database. Its tables are copied from the release's cchc.duckdb, attached read-only and detached
again (a file DuckDB has attached stays readable as a file; a detached one does not), or, for a
release too big to copy at each query or one whose file holds no tables, they are the release's
Parquet files handed to DuckDB as Arrow datasets (read by pyarrow, which only reads). Then DuckDB's
file system access is switched off
(`enable_external_access = false`, no allowed paths, no spill folder) and the configuration is
locked before the user's SQL runs. No statement can then read or write any file: not
`read_csv('/etc/passwd')`, not a `COPY` hidden inside `EXPLAIN ANALYZE`. A timer interrupts a
statement after `--timeout` seconds and the result stops at `--max-rows` rows. The statement-type
check below only gives a clearer message for what the guards would refuse anyway.
"""
from __future__ import annotations

import csv
import json
import os
import sys
import threading
from datetime import date, datetime, time
from decimal import Decimal

import duckdb

from flows.duck import DUCKDB_NAME, release_dir, sql_str
from flows.tables import TABLE_NAMES

# Statement types a reader may run; everything else (INSERT, COPY, ATTACH, SET, PRAGMA, ...) is refused.
# DESCRIBE and SHOW parse as SELECT in DuckDB.
_READ_TYPES = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}
TABLE_ROW_LIMIT = 500
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_ROWS = 100_000
MEMORY_LIMIT = "2GB"
COPY_LIMIT_BYTES = 24 * 2**20  # cchc.duckdb up to this size is copied (~0.3 s at most), bigger is read lazily


def _user_error(msg: str) -> Exception:
    from flows.errors import UserError
    return UserError(msg)


def _first_line(err: Exception) -> str:
    lines = [ln.strip() for ln in str(err).splitlines() if ln.strip()]
    return lines[0] if lines else type(err).__name__


def check_read_only(con: duckdb.DuckDBPyConnection, sql: str) -> duckdb.Statement:
    """The single read statement in `sql`; UserError for writes, several statements or bad syntax."""
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as e:
        raise _user_error(_first_line(e)) from None
    if len(statements) != 1:
        raise _user_error(f"expected one SQL statement, got {len(statements)}")
    st = statements[0]
    if st.type not in _READ_TYPES or sql.lstrip().upper().startswith("PRAGMA"):
        kind = st.type.name if st.type not in _READ_TYPES else "PRAGMA"
        raise _user_error(f"read-only: {kind} statements are not allowed (use SELECT, WITH, DESCRIBE, SHOW, EXPLAIN)")
    return st


def _tables_named(sql: str | None, published: list[str]) -> list[str]:
    """The published tables `sql` names, when DuckDB can tell and they are all published ones; else all of
    them (SHOW TABLES and information_schema name none, a statement it cannot bind names it cannot tell)."""
    if sql is None:
        return published
    # Naming the tables binds the statement, and binding `EXPORT DATABASE` makes its folder: asked of a
    # connection that can touch no file, and only of a statement the read-only check lets through.
    probe = duckdb.connect(":memory:", config={"enable_external_access": False, "lock_configuration": True})
    try:
        check_read_only(probe, sql)
        named = probe.get_table_names(sql)
    except Exception:  # noqa: BLE001 (a refused or unreadable statement: run_query says why)
        return published
    finally:
        probe.close()
    return [t for t in published if t in named] if named and named <= set(published) else published


def _copied_tables(rel, sql: str | None) -> duckdb.DuckDBPyConnection | None:
    """An in-memory database holding a copy of the tables of the release's cchc.duckdb that `sql` reads, when
    the file is small enough to copy in about the time pyarrow takes to import (~0.3 s) and holds every
    published table as a table (a view would read Parquet files, which the guards forbid); else None."""
    db = rel / DUCKDB_NAME
    if not db.is_file() or db.stat().st_size > COPY_LIMIT_BYTES:
        return None
    con = duckdb.connect(":memory:")
    con.execute(f"ATTACH {sql_str(str(db))} AS release (READ_ONLY)")
    names = {t for (t,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = 'release'")
             .fetchall()}
    wanted = [t for t in TABLE_NAMES if (rel / t).is_dir()]
    if not wanted or not set(wanted) <= names:
        con.close()
        return None
    for table in _tables_named(sql, wanted):
        con.execute(f'CREATE TABLE "{table}" AS SELECT * FROM release."{table}"')
    con.execute("DETACH release")
    return con


def _arrow_datasets(rel) -> duckdb.DuckDBPyConnection:
    """An in-memory database whose tables are the release's Parquet files as Arrow datasets."""
    import pyarrow.dataset as ds

    con = duckdb.connect(":memory:")
    for table in TABLE_NAMES:
        files = sorted(str(p) for p in (rel / table).rglob("*.parquet"))
        if files:  # hive partitioning off: partition values would lose leading zeros of codes (STACK-NOTES)
            con.register(table, ds.dataset(files, format="parquet"))
    return con


def connect_guarded(lake, sql: str | None = None) -> duckdb.DuckDBPyConnection:
    """A connection over the published tables that can write nothing and touch no file (module docstring).
    With `sql`, a small release's copy holds only the tables the statement names."""
    rel = release_dir(lake)
    con = None
    try:
        con = _copied_tables(rel, sql) or _arrow_datasets(rel)
        for setting in ("TimeZone = 'UTC'", "temp_directory = ''", f"memory_limit = '{MEMORY_LIMIT}'",
                        "autoinstall_known_extensions = false", "autoload_known_extensions = false",
                        "enable_external_access = false", "lock_configuration = true"):
            con.execute(f"SET {setting}")
    except (duckdb.Error, OSError, ValueError) as e:
        if con is not None:
            con.close()
        raise _user_error(f"cannot open the release under {lake}: {_first_line(e)}") from None
    return con


def run_query(con: duckdb.DuckDBPyConnection, sql: str, timeout: float = DEFAULT_TIMEOUT,
              max_rows: int | None = DEFAULT_MAX_ROWS) -> tuple[list[str], list[tuple], bool]:
    """Columns, rows (at most max_rows) and whether rows were cut, of a read-only query."""
    check_read_only(con, sql)
    timer = threading.Timer(timeout, con.interrupt)
    timer.daemon = True
    timer.start()
    try:
        rel = con.execute(sql)
        columns = [d[0] for d in rel.description or []]
        rows = rel.fetchall() if max_rows is None else rel.fetchmany(max_rows + 1)
    except duckdb.InterruptException:
        raise _user_error(f"stopped after {timeout:g} s (--timeout SECONDS to allow longer)") from None
    except duckdb.PermissionException as e:
        raise _user_error(f"refused: {_first_line(e)} (queries read the published tables only)") from None
    except duckdb.Error as e:
        raise _user_error(_first_line(e)) from None
    finally:
        timer.cancel()
    cut = max_rows is not None and len(rows) > max_rows
    return columns, rows[:max_rows] if cut else rows, cut


def _plain(v):
    """JSON/CSV friendly value; aware timestamps are already UTC (session time zone)."""
    if isinstance(v, datetime):
        return v.isoformat().replace("+00:00", "Z")
    if isinstance(v, (date, time)):
        return v.isoformat()
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    return v


def _cell_text(v) -> str:
    v = _plain(v)
    if v is None:
        return ""
    if isinstance(v, (dict, list)):
        return json.dumps(v, ensure_ascii=False)
    return str(v)


def write_csv(columns: list[str], rows: list[tuple], out=None) -> None:
    w = csv.writer(out or sys.stdout, lineterminator="\n")
    w.writerow(columns)
    for row in rows:
        w.writerow([_cell_text(v) for v in row])


def write_json(columns: list[str], rows: list[tuple], out=None) -> None:
    records = [{c: _plain(v) for c, v in zip(columns, row, strict=True)} for row in rows]
    (out or sys.stdout).write(json.dumps(records, ensure_ascii=False, indent=1) + "\n")


def write_table(columns: list[str], rows: list[tuple]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(*columns, show_lines=False, header_style="bold")
    for row in rows[:TABLE_ROW_LIMIT]:
        table.add_row(*(_cell_text(v) for v in row))
    Console().print(table)
    note = f"{len(rows)} row{'s' if len(rows) != 1 else ''}"
    if len(rows) > TABLE_ROW_LIMIT:
        note += f", first {TABLE_ROW_LIMIT} shown (use --format csv for all)"
    Console(stderr=True).print(note, style="dim")


def query_command(args) -> int:
    if args.timeout <= 0 or args.max_rows < 1:
        raise _user_error("--timeout and --max-rows must be positive")
    con = connect_guarded(args.lake, args.sql)
    try:
        columns, rows, cut = run_query(con, args.sql, args.timeout, args.max_rows)
    finally:
        con.close()
    try:
        if args.format == "csv":
            write_csv(columns, rows)
        elif args.format == "json":
            write_json(columns, rows)
        else:
            write_table(columns, rows)
    except BrokenPipeError:  # `cchc query ... | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    if cut:
        sys.stdout.flush()
        print(f"cchc query: result cut at {args.max_rows} rows (--max-rows N to raise)", file=sys.stderr)
    return 0
