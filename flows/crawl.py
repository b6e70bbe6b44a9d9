"""Crawl one site in its own process (Twisted's reactor cannot restart) and collect what it wrote."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from flows.lake import Lake

SITE_TIMEOUT_S = int(os.environ.get("CCHC_SITE_TIMEOUT", "7200"))


@dataclass
class CrawlResult:
    site_id: str
    ok: bool
    seconds: float
    returncode: int | None
    error: str | None = None
    summary: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


def write_known(path: Path, urls: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(u + "\n" for u in sorted(set(urls))), encoding="utf-8")
    return path


def crawl_site(lake_root: str, run_id: str, sites_file: str, site_id: str, replay: list[str] | None,
               known_urls: list[str], full: bool, max_pages: int | None = None) -> CrawlResult:
    """Run `python -m crawlers.run_site` for one site; never raises for a site's failure."""
    lake = Lake(lake_root)
    out = lake.work_dir(run_id, site_id)
    out.mkdir(parents=True, exist_ok=True)
    raw = lake.raw_dir(run_id) / f"{site_id}.warc.gz"
    raw.parent.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "crawlers.run_site", "--sites", sites_file, "--site-id", site_id,
           "--run-id", run_id, "--out", str(out), "--raw", str(raw)]
    if replay:
        cmd += ["--replay", *replay]
    if full:
        cmd.append("--full")
    elif known_urls:
        cmd += ["--known", str(write_known(out / "known.txt", known_urls))]
    if max_pages:
        cmd += ["--max-pages", str(max_pages)]
    t0 = time.monotonic()
    env = {**os.environ, "CCHC_REPLAY_INDEX_DIR": str(lake.root / "cache" / "replay-index")}
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=SITE_TIMEOUT_S, env=env)
    except subprocess.TimeoutExpired:
        return CrawlResult(site_id, False, time.monotonic() - t0, None, f"crawl timed out after {SITE_TIMEOUT_S} s")
    (out / "stderr.log").write_text(proc.stderr or "", encoding="utf-8")
    summary = {}
    if (out / "summary.json").exists():
        try:
            summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            summary = {}
    err = None
    if proc.returncode != 0:
        lines = [ln for ln in (proc.stderr or "").strip().splitlines() if ln.strip()]
        err = lines[-1][:300] if lines else f"crawl process exited {proc.returncode}"
    return CrawlResult(site_id, proc.returncode == 0, time.monotonic() - t0, proc.returncode, err, summary)
