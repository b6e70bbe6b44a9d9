"""cchc.duckdb: one table per published table, a copy of the release's Parquet files.

Tables, not views over the Parquet files: a view would name the files by absolute path (DuckDB resolves
relative paths against the working directory, not the database file), and a published file holds no
path of the machine that made it. The copy opens anywhere, also after the release folder moves.
A file of an earlier release may still hold such views: connect_release then uses them only when they
name this release's own files, else makes the same views in memory.
"""
from __future__ import annotations

import os
from pathlib import Path

import duckdb

from flows.tables import TABLE_NAMES

DUCKDB_NAME = "cchc.duckdb"


def sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _view_sql(release_dir: Path, table: str) -> str:
    files = sorted(str(p) for p in (release_dir / table).rglob("*.parquet"))
    if not files:
        raise FileNotFoundError(f"no Parquet files for table {table!r} under {release_dir}")
    listing = ", ".join(sql_str(f) for f in files)
    # hive_partitioning off: partition values would lose leading zeros of codes (STACK-NOTES).
    return f'CREATE OR REPLACE VIEW "{table}" AS SELECT * FROM read_parquet([{listing}], hive_partitioning = false)'


def write_duckdb(release_dir: Path) -> Path:
    """Write <release>/cchc.duckdb (atomically) and return its path."""
    release_dir = Path(release_dir).resolve()
    out = release_dir / DUCKDB_NAME
    tmp = release_dir / (DUCKDB_NAME + ".tmp")
    tmp.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp))
    try:
        for table in TABLE_NAMES:
            con.execute(_view_sql(release_dir, table).replace("CREATE OR REPLACE VIEW", "CREATE TABLE", 1))
        con.execute("CHECKPOINT")
    finally:
        con.close()
    Path(str(tmp) + ".wal").unlink(missing_ok=True)
    os.replace(tmp, out)
    return out


def release_dir(lake: str | Path) -> Path:
    """The resolved folder of the published release; UserError when there is none."""
    from flows.errors import UserError

    published = Path(lake) / "published"
    if not published.is_dir() or not any((published / t).is_dir() for t in TABLE_NAMES):
        raise UserError(f"no published release under {lake}: run `cchc run` first")
    return published.resolve()


def _views_here(con: duckdb.DuckDBPyConnection, rel: Path) -> bool:
    """Whether the file holds every table of the release, as tables or as views of this release's files
    (not those of the folder it was copied from)."""
    tables = {t for (t,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    sql = con.execute("SELECT view_name, sql FROM duckdb_views() WHERE NOT internal").fetchall()
    prefix = "'" + (str(rel) + os.sep).replace("'", "''")
    views = {name for name, s in sql if prefix in s}
    wanted = {t for t in TABLE_NAMES if (rel / t).is_dir()}
    return bool(wanted) and wanted <= tables | views and all(prefix in s for _n, s in sql)


def connect_release(lake: str | Path) -> duckdb.DuckDBPyConnection:
    """Read-only connection to the published release, timestamps shown in UTC."""
    from flows.errors import UserError

    rel = release_dir(lake)
    db = rel / DUCKDB_NAME
    try:
        con = duckdb.connect(str(db), read_only=True) if db.is_file() else None
        if con is not None and not _views_here(con, rel):
            con.close()
            con = None
        if con is None:  # no DuckDB file, or one made where the release was built: same views, in memory
            con = duckdb.connect(":memory:")
            for table in TABLE_NAMES:
                if (rel / table).is_dir():
                    con.execute(_view_sql(rel, table))
        con.execute("SET TimeZone = 'UTC'")
    except (duckdb.Error, FileNotFoundError) as e:
        raise UserError(f"cannot open the release under {lake}: {str(e).splitlines()[0]}") from None
    return con
