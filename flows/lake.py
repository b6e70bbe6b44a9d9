"""The lake's layout and its table I/O. Only flows/ reads and writes the lake.

    <lake>/raw/<run_id>/<site_id>.warc.gz     every response of every run (kept, unless --keep-raw-days)
    <lake>/work/<run_id>/<site_id>/           records.jsonl, crawl_log.jsonl, summary.json, rows/*.parquet
                                              (the last published run's only: earlier ones go at a publish)
    <lake>/releases/<run_id>/                 an immutable release: <table>/part-0.parquet, datapackage.json, ...
                                              (the --keep newest, 14 by default, and the published one)
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

    def check_writable(self) -> None:
        """Raise OSError now, before a run starts, if the lake or one of its folders cannot be written."""
        self.ensure()
        for folder in (self.root, *(self.root / sub for sub in ("raw", "work", "releases", "runs"))):
            probe = folder / f".write-check-{os.getpid()}"
            probe.touch()
            probe.unlink()

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

    # --- retention ---------------------------------------------------------------
    def prune(self, run_id: str, keep: int, keep_raw_days: float | None, now: dt.datetime) -> dict[str, list[str]]:
        """After run_id published: remove releases beyond the `keep` newest (never the published one), the work
        folders of earlier runs (this run's stays for inspection until the next publish), and, only when
        keep_raw_days is given, the raw WARC of runs older than that (never this run's). Run reports stay.
        Returns the run ids removed from each folder."""
        current = self.current_release()
        releases = [p for p in self.releases() if p.name != run_id]
        releases = sorted(releases, key=lambda p: p.name)
        kept = {p.name for p in releases[max(0, len(releases) - (keep - 1)):]} if keep > 1 else set()
        removed: dict[str, list[str]] = {"releases": [], "work": [], "raw": []}
        for p in releases:
            if p.name not in kept and p != current:
                shutil.rmtree(p, ignore_errors=True)
                removed["releases"].append(p.name)
        for p in _folders(self.root / "work"):
            if p.name != run_id:
                shutil.rmtree(p, ignore_errors=True)
                removed["work"].append(p.name)
        if keep_raw_days is not None:
            cutoff = now - dt.timedelta(days=keep_raw_days)
            for p in _folders(self.root / "raw"):
                if p.name != run_id and _run_time(p) < cutoff:
                    shutil.rmtree(p, ignore_errors=True)
                    removed["raw"].append(p.name)
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


def _folders(base: Path) -> list[Path]:
    return sorted(p for p in base.iterdir() if p.is_dir() and not p.name.startswith(".")) if base.exists() else []


def _run_time(folder: Path) -> dt.datetime:
    """When a run started: its id (UTC, %Y%m%dT%H%M%SZ[-n]), else the folder's modification time."""
    try:
        return dt.datetime.strptime(folder.name[:16], "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
    except ValueError:
        return dt.datetime.fromtimestamp(folder.stat().st_mtime, dt.UTC)


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


def relative_paths(value, root: Path, paths: list[str]):
    """value (a report: dicts, lists, strings) with every absolute path of the lake, or of `paths` (the registry
    and archives a run read), written relative to the lake root: a published file is read on other machines."""
    root = Path(root)
    subs = {str(root) + os.sep: "", str(root): "."}
    for p in paths:
        subs[str(p)] = os.path.relpath(p, root)
    order = sorted(subs, key=len, reverse=True)

    def fix(v):
        if isinstance(v, str):
            for old in order:
                if old in v:
                    v = v.replace(old, subs[old])
            return v
        if isinstance(v, dict):
            return {fix(k): fix(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [fix(x) for x in v]
        return v

    return fix(value)


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
