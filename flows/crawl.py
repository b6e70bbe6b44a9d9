"""Crawl sites in processes of their own (Twisted's reactor cannot restart) and collect what they wrote: one
site per process (crawl_site), or a batch of sites per process (crawl_batch), each site with its own slots."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from flows import children
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
        proc = children.run(cmd, timeout=SITE_TIMEOUT_S, env=env)  # its own process group, ended on an interrupt
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


BATCH_POLL_S = 0.2


def batch_entry(lake: Lake, run_id: str, site_id: str, known_urls: list[str], full: bool,
                max_pages: int | None) -> dict:
    """One site of a batch plan: its folders, known URLs and budget."""
    out = lake.work_dir(run_id, site_id)
    out.mkdir(parents=True, exist_ok=True)
    (out / "crawl_done.json").unlink(missing_ok=True)
    raw = lake.raw_dir(run_id) / f"{site_id}.warc.gz"
    known = str(write_known(out / "known.txt", known_urls)) if known_urls and not full else None
    return {"site_id": site_id, "out": str(out), "raw": str(raw), "known": known, "full": full,
            "max_pages": max_pages}


def crawl_batch(lake_root: str, run_id: str, sites_file: str, name: str, entries: list[dict],
                replay: list[str] | None, overrides: dict | None, on_done) -> None:
    """Crawl the plan's sites in one `python -m crawlers.run_batch` process; `on_done(CrawlResult)` is called
    for each site as soon as its crawl ends (its done marker appears), not when the batch ends. Never raises
    for a site's failure: a site the process never finished gets a failed result."""
    lake = Lake(lake_root)
    folder = lake.run_dir(run_id) / "batches"
    folder.mkdir(parents=True, exist_ok=True)
    lake.raw_dir(run_id).mkdir(parents=True, exist_ok=True)
    plan = {"sites_file": sites_file, "run_id": run_id, "replay": replay or [], "overrides": overrides or {},
            "sites": entries}
    plan_path = folder / f"{name}.json"
    plan_path.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    env = {**os.environ, "CCHC_REPLAY_INDEX_DIR": str(lake.root / "cache" / "replay-index")}
    pending = {e["site_id"]: Path(e["out"]) / "crawl_done.json" for e in entries}
    t0 = time.monotonic()
    with (folder / f"{name}.stdout.log").open("w") as out, (folder / f"{name}.stderr.log").open("w+") as err:
        # Its own session (flows/children.py): deaf to the terminal's Ctrl-C, ended by the run.
        proc = children.spawn([sys.executable, "-m", "crawlers.run_batch", str(plan_path)], stdout=out, stderr=err,
                              env=env)
        try:
            while pending:
                if children.closing():  # the run is interrupted: no site of the batch is finished or transformed
                    raise children.Closing("the run is being interrupted")
                running = proc.poll() is None
                for sid, marker in list(pending.items()):
                    if marker.exists():
                        del pending[sid]
                        on_done(_result_of(marker, sid))
                if not running:
                    break
                if time.monotonic() - t0 > SITE_TIMEOUT_S:
                    _end(proc)
                    break
                time.sleep(BATCH_POLL_S)
        except BaseException:  # interrupted: the batch (its own session, deaf to the terminal's Ctrl-C) ends too
            _end(proc)
            raise
        finally:
            children.forget(proc)
        proc.wait()
        err.seek(0)
        lines = [ln for ln in err.read().strip().splitlines() if ln.strip()]
    why = (f"crawl timed out after {SITE_TIMEOUT_S} s" if time.monotonic() - t0 > SITE_TIMEOUT_S
           else lines[-1][:300] if lines else f"crawl process exited {proc.returncode}")
    for sid in pending:
        on_done(CrawlResult(sid, False, time.monotonic() - t0, proc.returncode, why))


def _result_of(marker: Path, site_id: str) -> CrawlResult:
    try:
        d = json.loads(marker.read_text(encoding="utf-8"))
        return CrawlResult(d["site_id"], bool(d["ok"]), float(d["seconds"]), d.get("returncode"), d.get("error"),
                           d.get("summary") or {})
    except (OSError, ValueError, KeyError) as e:
        return CrawlResult(site_id, False, 0.0, None, f"unreadable crawl result {marker}: {e}")


def _end(proc: subprocess.Popen) -> None:
    """End the batch process and whatever it started (its own process group)."""
    import signal

    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
