"""A lake behind an fsspec URL (s3://, gcs://, memory://, …), worked on through a local copy.

Scrapy processes, DuckDB and symlinks need a local filesystem, so a run works
on a local cache of the lake: it pulls the published release, runs as usual,
then pushes the new release, raw archive and run report, and last of all
rewrites the one-line pointer file `PUBLISHED` (a single object write, so
readers never see half a release). Plain folders and file:// URLs are used
directly.
"""
from __future__ import annotations

import hashlib
import os
from contextlib import contextmanager
from pathlib import Path

import fsspec
from fsspec.utils import get_protocol

from flows.errors import UserError

POINTER = "PUBLISHED"


def is_remote(lake: str) -> bool:
    return "://" in lake and get_protocol(lake) not in ("file", "local")


def local_path(lake: str) -> str:
    """A plain path for local lakes (file:// URLs included)."""
    return lake.split("://", 1)[1] if lake.startswith("file://") else lake


def cache_dir(lake: str) -> Path:
    base = Path(os.environ.get("CCHC_LAKE_CACHE", Path.home() / ".cache" / "cchc" / "lakes"))
    return base / hashlib.sha256(lake.encode()).hexdigest()[:16]


def _fs(lake: str):
    try:
        fs, root = fsspec.core.url_to_fs(lake)
    except (ImportError, ValueError) as e:
        raise UserError(f"cannot open lake {lake}: {e}") from e
    return fs, root.rstrip("/")


def pull(lake: str) -> Path:
    """Copy the remote's published release into the local cache and point published/ at it."""
    fs, root = _fs(lake)
    local = cache_dir(lake)
    (local / "releases").mkdir(parents=True, exist_ok=True)
    pointer = f"{root}/{POINTER}"
    if fs.exists(pointer):
        run_id = fs.cat_file(pointer).decode().strip()
        target = local / "releases" / run_id
        if not target.exists():
            fs.get(f"{root}/releases/{run_id}/", str(target) + "/", recursive=True)  # cchc.duckdb holds tables
        link = local / "published"
        if link.is_symlink() or link.exists():
            link.unlink()
        os.symlink(Path("releases") / run_id, link)
    return local


def push(lake: str, local: Path, run_id: str) -> None:
    """Upload what a run wrote, then move the pointer; the pointer goes last."""
    fs, root = _fs(lake)
    for sub in ("raw", "runs", "releases"):
        src = local / sub / run_id
        if src.exists():
            fs.put(str(src) + "/", f"{root}/{sub}/{run_id}/", recursive=True)
    published = local / "published"
    if published.is_symlink() and published.resolve().name == run_id:
        fs.pipe_file(f"{root}/{POINTER}", (run_id + "\n").encode())


@contextmanager
def working_lake(lake: str, publish_back: bool):
    """Yield a local folder for `lake`; for a remote lake, pull first and push the new run afterwards."""
    if not is_remote(lake):
        yield Path(local_path(lake)), lambda run_id: None
        return
    local = pull(lake)
    runs: list[str] = []
    yield local, runs.append
    if publish_back:
        for run_id in runs:
            push(lake, local, run_id)
