"""Ctrl-C (SIGINT to the run's process group, as a terminal sends it) or SIGTERM (to the run's process, as
`kill` sends it) at each stage of `cchc run`: within 10 s one line `cchc: interrupted`, exit 130 or 143, every
process the run started ended, the previous release untouched, and the next run publishes."""
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from .conftest import CCHC, ROOT, WORLD, run_cchc

SOME = ["hocmon-hcm", "haiphong", "baohagiang"]
BOUND_S = 10


def world_args(lake, *extra):
    return ["run", "--sites", str(WORLD / "sites.toml"), "--replay", str(WORLD / "warc"), "--lake", str(lake), *extra]


@pytest.fixture(scope="module")
def base_lake(tmp_path_factory):
    if not WORLD.exists():
        pytest.skip("../shared/world/small is not beside the checkout")
    lake = tmp_path_factory.mktemp("interrupt") / "lake"
    p = run_cchc(*world_args(lake, "--only", *SOME))
    assert p.returncode == 0, p.stderr[-2000:]
    return lake


def release_hash(lake: Path) -> str:
    rel = (lake / "published").resolve()
    h = hashlib.sha256()
    for f in sorted(p for p in rel.rglob("*") if p.is_file()):
        h.update(str(f.relative_to(rel)).encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


def alive(procs: list[psutil.Process]) -> list[str]:
    out = []
    for p in procs:
        try:
            if p.status() != psutil.STATUS_ZOMBIE:
                out.append(" ".join(p.cmdline())[:150])
        except psutil.NoSuchProcess:
            pass
    return out


def wait_for(proc: subprocess.Popen, ready, timeout: float = 240) -> list[psutil.Process]:
    """Wait until ready(descendants) holds; returns the descendants then."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()[1][-2000:]
        try:
            kids = psutil.Process(proc.pid).children(recursive=True)
            if ready(kids):
                return kids
        except psutil.Error:
            pass
        time.sleep(0.05)
    raise AssertionError("the run never reached the stage")


def running(name: str):
    def ready(kids):
        for k in kids:
            try:
                if name in " ".join(k.cmdline()):
                    return True
            except psutil.Error:
                pass
        return False
    return ready


CASES = {
    # stage: (how the run is started, what shows it reached the stage)
    "startup": (lambda lake, marker: [*CCHC, *world_args(lake, "--full")], "uvicorn"),
    "crawl": (lambda lake, marker: [*CCHC, *world_args(lake, "--full", "--workers", "1")], "crawlers.run_"),
    "crawl-dask": (lambda lake, marker: [*CCHC, *world_args(lake, "--full", "--task-runner", "dask", "--workers", "1")],
                   "crawlers.run_"),
    "transform": (lambda lake, marker: [sys.executable, "-m", "tests.interrupt_driver", "transform", str(marker),
                                        *world_args(lake, "--full")], "marker"),
    "publish": (lambda lake, marker: [sys.executable, "-m", "tests.interrupt_driver", "publish", str(marker),
                                      *world_args(lake, "--full")], "marker"),
}


@pytest.mark.parametrize("stage,sig", [("startup", signal.SIGTERM), ("crawl", signal.SIGINT), ("crawl", signal.SIGTERM),
                                       ("crawl-dask", signal.SIGINT), ("transform", signal.SIGTERM),
                                       ("publish", signal.SIGINT)])
def test_an_interrupted_run_stops_cleanly(base_lake, tmp_path, stage, sig):
    lake = tmp_path / "lake"
    shutil.copytree(base_lake, lake, symlinks=True)
    before, digest = os.readlink(lake / "published"), release_hash(lake)
    releases = sorted(p.name for p in (lake / "releases").iterdir())
    marker = tmp_path / "marker"
    command, sign = CASES[stage]
    env = {**os.environ, "CCHC_NO_PROGRESS": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    proc = subprocess.Popen(command(lake, marker), cwd=ROOT, env=env, start_new_session=True, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        ready = (lambda kids: marker.exists()) if sign == "marker" else running(sign)
        kids = wait_for(proc, ready)
        t0 = time.monotonic()
        if sig == signal.SIGINT:
            os.killpg(proc.pid, sig)  # the terminal's Ctrl-C: the whole foreground group
        else:
            proc.send_signal(sig)
        out, err = proc.communicate(timeout=60)
        seconds = time.monotonic() - t0
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    if stage == "crawl-dask":  # Dask's processes log their start (INFO) on stderr, before the interrupt
        assert "Traceback" not in err
        err = err.strip().splitlines()[-1]
    assert (proc.returncode, err.strip()) == (128 + sig, "cchc: interrupted"), err[-3000:]
    assert seconds < BOUND_S
    time.sleep(0.5)
    assert alive(kids) == []
    assert [c for c in psutil.process_iter(["cmdline"]) if str(lake) in " ".join(c.info["cmdline"] or [])
            and c.status() != psutil.STATUS_ZOMBIE] == []
    assert os.readlink(lake / "published") == before
    assert release_hash(lake) == digest
    assert sorted(p.name for p in (lake / "releases").iterdir() if not p.name.startswith(".")) == releases
    after = run_cchc(*world_args(lake, "--only", "hocmon-hcm"))
    assert after.returncode == 0, after.stderr[-2000:]
    assert os.readlink(lake / "published") != before
