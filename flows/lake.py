"""The lake's layout and its table I/O. Only flows/ reads and writes the lake.

    <lake>/raw/<run_id>/<site_id>.warc.gz     every response of every run (never deleted)
    <lake>/work/<run_id>/<site_id>/           records.jsonl, crawl_log.jsonl, summary.json, rows/*.parquet
    <lake>/releases/<run_id>/                 an immutable release: <table>/part-0.parquet, datapackage.json, ...
    <lake>/published -> releases/<run_id>     symlink, swapped atomically (os.replace) on publish
    <lake>/runs/<run_id>/run_report.json      every run's report, published or not

The published release is also the lake's memory: the next run reads the
documents, facts and crawl history it carries over from it.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from flows.schema import TABLES, arrow_schema, to_arrow


class Lake:
    def __init__(self, root: str | Path):
        self.root = Path(root).expanduser().resolve()

    # --- layout ------------------------------------------------------------
    @property
    def published(self) -> Path:
        return self.root / "published"

    def raw_dir(self, run_id: str) -> Path:
        return self.root / "raw" / run_id

    def work_dir(self, run_id: str, site_id: str | None = None) -> Path:
        p = self.root / "work" / run_id
        return p / site_id if site_id else p

    def release_dir(self, run_id: str) -> Path:
        return self.root / "releases" / run_id

    def staging_dir(self, run_id: str) -> Path:
        return self.root / "releases" / f".staging-{run_id}"

    def run_dir(self, run_id: str) -> Path:
        return self.root / "runs" / run_id

    def ensure(self) -> None:
        for sub in ("raw", "work", "releases", "runs"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)

    # --- the current release -------------------------------------------------
    def current_release(self) -> Path | None:
        p = self.published
        return p.resolve() if p.exists() else None

    def read_published(self, table: str, columns: list[str] | None = None) -> pa.Table:
        """The published table (only `columns`, when given: Parquet reads no other), or an empty one with the
        contract's schema."""
        rel = self.current_release()
        path = rel / table if rel else None
        if path is None or not path.exists():
            t = arrow_schema(table).empty_table()
        else:
            dataset = ds.dataset(str(path), format="parquet")
            wanted = None if columns is None else [c for c in columns if c in dataset.schema.names]
            t = conform(table, dataset.to_table(columns=wanted))
        return t.select(columns) if columns is not None else t

    def releases(self) -> list[Path]:
        base = self.root / "releases"
        return sorted(p for p in base.iterdir() if p.is_dir() and not p.name.startswith(".")) if base.exists() else []

    def clean_stale(self) -> list[str]:
        """Remove staging folders of runs that died before publishing."""
        removed = []
        base = self.root / "releases"
        for p in base.glob(".staging-*") if base.exists() else []:
            shutil.rmtree(p, ignore_errors=True)
            removed.append(p.name)
        return removed

    # --- publishing ------------------------------------------------------------
    def swap_published(self, run_id: str) -> None:
        """Point published/ at releases/<run_id> in one atomic rename."""
        tmp = self.root / f".published-{run_id}"
        if tmp.is_symlink() or tmp.exists():
            tmp.unlink()
        os.symlink(Path("releases") / run_id, tmp)
        if self.published.exists() and not self.published.is_symlink():
            # A real folder from an older layout: keep it as a release rather than lose it.
            shutil.move(str(self.published), str(self.root / "releases" / f"legacy-{dt.datetime.now():%Y%m%d%H%M%S}"))
        os.replace(tmp, self.published)


def conform(table: str, t: pa.Table) -> pa.Table:
    """Cast a table read back from Parquet to the contract schema (columns added later become null)."""
    schema = arrow_schema(table)
    cols = []
    for f in schema:
        if f.name in t.column_names:
            cols.append(t.column(f.name).cast(f.type))
        else:
            cols.append(pa.nulls(t.num_rows, type=f.type))
    return pa.Table.from_arrays(cols, schema=schema)


def write_table(folder: Path, table: str, rows: list[dict] | pa.Table, sort_by: list[str] | None = None) -> Path:
    """Write one contract table as <folder>/<table>/part-0.parquet."""
    t = rows if isinstance(rows, pa.Table) else to_arrow(table, rows)
    t = conform(table, t)
    if sort_by and t.num_rows:
        t = t.sort_by([(c, "ascending") for c in sort_by])
    out = folder / table
    out.mkdir(parents=True, exist_ok=True)
    pq.write_table(t, out / "part-0.parquet", compression="zstd")
    return out


def read_jsonl(path: Path):
    """Yield objects of a JSON-lines file; a torn last line (killed writer) is skipped."""
    if not path.exists():
        return
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if not line:
                continue
            try:
                yield json.loads(line)
            except json.JSONDecodeError:
                continue


def table_names() -> list[str]:
    return list(TABLES)


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    """Write objects as JSON lines (work files of a run, not published tables)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False, default=str) + "\n")
    return path
