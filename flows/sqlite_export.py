"""<release>/cchc.sqlite for Datasette (which serves SQLite only), built once per release.

Full-text search: FTS5 over title and body with `unicode61 remove_diacritics 2`, which
drops tone marks but keeps đ (a letter, not a mark). A third column holds the folded
text (đ -> d, no marks) so "danh gia", "đánh giá" and "đanh gia" all find the same rows.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import tempfile
from datetime import date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from flows.schema import FOREIGN_KEYS, PRIMARY_KEYS, TABLES
from transforms.text import fold

SQLITE_NAME = "cchc.sqlite"
EXPORT_LAYOUT = 3
FTS_TABLE = "documents_fts"
INDEXES = {  # columns people filter and facet on
    "documents": ["site_id", "province_code", "agency", "doc_type", "published_date", "year"],
    "doc_refs": ["number"],
    "indicators": ["indicator", "period", "entity_name", "province_code", "source_doc_id"],
    "rankings": ["indicator", "period", "scope"],
    "crawl_log": ["site_id", "outcome"],
}


# Columns a reader looks at first come first in Datasette's pages (the Parquet order stays the contract's).
FIRST_COLUMNS = {"documents": ["published_date", "title", "body", "url", "province_name", "agency", "doc_type"],
                 "rankings": ["indicator", "period", "scope", "rank", "entity_name", "value", "unit", "rank_change",
                              "source_doc_id"]}


def _columns(table: str) -> list[tuple[str, pa.DataType, str]]:
    first = FIRST_COLUMNS.get(table, [])
    cols = {name: (name, typ, desc) for name, typ, desc in TABLES[table]}
    return [cols[n] for n in first if n in cols] + [c for n, c in cols.items() if n not in first]


def _sqlite_type(typ: pa.DataType) -> str:
    if pa.types.is_integer(typ) or pa.types.is_boolean(typ):
        return "INTEGER"
    if pa.types.is_floating(typ):
        return "REAL"
    return "TEXT"  # strings, ISO dates and timestamps, JSON for lists and structs


def _value(v):
    if isinstance(v, datetime):
        return v.isoformat().replace("+00:00", "Z")
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, (list, dict)):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, bool):
        return int(v)
    return v


def _parquet_files(release_dir: Path, table: str) -> list[Path]:
    return sorted((release_dir / table).rglob("*.parquet"))


def _columns_sql(table: str) -> str:
    pks = PRIMARY_KEYS.get(table) or []
    refs = {col: (t, c) for col, t, c in FOREIGN_KEYS.get(table, [])}
    parts = []
    for name, typ, _desc in _columns(table):
        col = f'"{name}" {_sqlite_type(typ)}'
        if pks == [name]:
            col += " PRIMARY KEY"
        if name in refs:  # lets Datasette link a citing row to its document
            col += f' REFERENCES "{refs[name][0]}"("{refs[name][1]}")'
        parts.append(col)
    if table == "documents":
        parts.append('"year" INTEGER')  # facet; derived from published_date
    return ", ".join(parts)


def _load_table(con: sqlite3.Connection, release_dir: Path, table: str) -> None:
    con.execute(f'CREATE TABLE "{table}" ({_columns_sql(table)})')
    names = [name for name, _t, _d in _columns(table)]
    extra = ["year"] if table == "documents" else []
    cols = ", ".join(f'"{c}"' for c in names + extra)
    marks = ", ".join("?" for _ in names + extra)
    for path in _parquet_files(release_dir, table):
        for batch in pq.ParquetFile(path).iter_batches(batch_size=5000, columns=names):
            rows = []
            for rec in batch.to_pylist():
                row = [_value(rec.get(c)) for c in names]
                if extra:
                    d = rec.get("published_date")
                    row.append(d.year if d else None)
                rows.append(row)
            con.executemany(f'INSERT OR REPLACE INTO "{table}" ({cols}) VALUES ({marks})', rows)
    for col in INDEXES.get(table, []):
        con.execute(f'CREATE INDEX "idx_{table}_{col}" ON "{table}"("{col}")')


def _build_fts(con: sqlite3.Connection) -> None:
    con.execute(f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(title, body, folded, "
                "tokenize = 'unicode61 remove_diacritics 2')")
    rows = con.execute('SELECT rowid, title, body FROM "documents"').fetchall()
    con.executemany(f"INSERT INTO {FTS_TABLE}(rowid, title, body, folded) VALUES (?, ?, ?, ?)",
                    [(rid, t, b, fold(f"{t or ''} \n {b or ''}")) for rid, t, b in rows])
    con.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")


def _fingerprint(release_dir: Path) -> str:
    """Changes when any Parquet file of the release changes (a release should never change)."""
    h = hashlib.sha256(f"layout {EXPORT_LAYOUT}\n".encode())  # a new layout of this export rebuilds it
    for table in TABLES:
        for p in _parquet_files(release_dir, table):
            st = p.stat()
            h.update(f"{p.relative_to(release_dir)}:{st.st_size}:{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:16]


def _cached(path: Path, fingerprint: str) -> bool:
    if not path.is_file():
        return False
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return con.execute("SELECT value FROM _cchc_meta WHERE key = 'fingerprint'").fetchone() == (fingerprint,)
        finally:
            con.close()
    except sqlite3.Error:
        return False


def _target(release_dir: Path) -> Path:
    """<release>/cchc.sqlite, or a per-release file in the temp dir when the release is read-only."""
    if os.access(release_dir, os.W_OK):
        return release_dir / SQLITE_NAME
    key = hashlib.sha256(str(release_dir).encode()).hexdigest()[:12]
    folder = Path(tempfile.gettempdir()) / f"cchc-{key}"  # same file name: Datasette names the database by it
    folder.mkdir(exist_ok=True)
    return folder / SQLITE_NAME


def build_sqlite(release_dir: Path, force: bool = False) -> Path:
    """The release as SQLite (tables, foreign keys, indexes, FTS); reused when already built."""
    release_dir = Path(release_dir).resolve()
    out = _target(release_dir)
    fingerprint = _fingerprint(release_dir)
    if not force and _cached(out, fingerprint):
        return out
    tmp = out.with_name(out.name + f".{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    con = sqlite3.connect(tmp)
    try:
        for table in TABLES:
            _load_table(con, release_dir, table)
        _build_fts(con)
        con.execute("CREATE TABLE _cchc_meta (key TEXT PRIMARY KEY, value TEXT)")
        con.execute("INSERT INTO _cchc_meta VALUES ('fingerprint', ?), ('release', ?)",
                    (fingerprint, release_dir.name))
        con.commit()
        con.execute("VACUUM")
    finally:
        con.close()
    os.replace(tmp, out)
    return out
