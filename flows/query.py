"""`cchc query`: read-only SQL over the published release (DuckDB views), for journalists."""
from __future__ import annotations

import csv
import json
import sys
from datetime import date, datetime, time
from decimal import Decimal

import duckdb

from flows.duck import connect_release

# Statement types a reader may run; everything else (INSERT, COPY, ATTACH, SET, PRAGMA, ...) is refused.
# DESCRIBE and SHOW parse as SELECT in DuckDB.
_READ_TYPES = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}
TABLE_ROW_LIMIT = 500


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


def run_query(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[list[str], list[tuple]]:
    """Columns and rows of a read-only query."""
    check_read_only(con, sql)
    try:
        rel = con.execute(sql)
        columns = [d[0] for d in rel.description or []]
        return columns, rel.fetchall()
    except duckdb.Error as e:
        raise _user_error(_first_line(e)) from None


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
    con = connect_release(args.lake)
    try:
        columns, rows = run_query(con, args.sql)
    finally:
        con.close()
    if args.format == "csv":
        write_csv(columns, rows)
    elif args.format == "json":
        write_json(columns, rows)
    else:
        write_table(columns, rows)
    return 0
