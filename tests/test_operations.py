"""Nightly operations: idempotent reruns, incremental skipping, atomic releases under kill -9, Dask runner."""
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter

import pyarrow.dataset as ds
import pytest

from .conftest import CCHC, ROOT, WORLD, run_cchc

SOME = ["sxd-binhdinh", "snv-binhdinh", "cchc-national"]


def table(lake, name, release=None):
    base = release or (lake / "published")
    return ds.dataset(str(base / name), format="parquet").to_table()


def world_args(lake, *extra):
    if not WORLD.exists():
        pytest.skip("../shared/world/small is not beside the checkout")
    return ["run", "--sites", str(WORLD / "sites.toml"), "--replay", str(WORLD / "warc"), "--lake", str(lake), *extra]


def comparable(lake, name, release=None, drop=("first_seen_at", "last_seen_at", "run_id", "fetched_at", "raw_warc")):
    t = table(lake, name, release)
    rows = [{k: v for k, v in r.items() if k not in drop} for r in t.to_pylist()]
    return sorted(json.dumps(r, sort_keys=True, default=str, ensure_ascii=False) for r in rows)


def test_second_run_probes_unchanged_sites_and_keeps_the_same_tables(tmp_path):
    lake = tmp_path / "lake"
    first = run_cchc(*world_args(lake))
    assert first.returncode == 0, first.stderr[-2000:]
    docs1 = table(lake, "documents")
    release1 = (lake / "published").resolve()
    second = run_cchc(*world_args(lake))
    assert second.returncode == 0, second.stderr[-2000:]
    docs2 = table(lake, "documents")
    assert docs2.num_rows == docs1.num_rows
    assert len(set(docs2.column("doc_id").to_pylist())) == docs2.num_rows
    for name in ("documents", "doc_refs", "indicators", "rankings"):
        assert comparable(lake, name) == comparable(lake, name, release1), name
    log = table(lake, "crawl_log").to_pylist()
    runs = sorted({r["run_id"] for r in log})
    assert len(runs) == 2
    assert len([p for p in (lake / "releases").iterdir() if not p.name.startswith(".")]) == 2
    # Nothing changed in the archive: each site was probed (robots.txt, start pages, last run's 5xx), not crawled.
    report = json.loads((lake / "published" / "run_report.json").read_text(encoding="utf-8"))
    assert {(s["site_id"], s["crawled"], s["exit_reason"], s["alarms"] == []) for s in report["sites"]} == {
        (s, False, "unchanged", True) for s in {r["site_id"] for r in log}}
    sites = {s["site_id"]: s for s in report["sites"]}
    second_rows = [r for r in log if r["run_id"] == runs[1]]
    probes = [r for r in second_rows if r["outcome"] != "skipped_known"]
    # Last run's failures worth a retry: 5xx/429 answers and network errors (a tag archive the archive lacks).
    retried = [r for r in log if r["run_id"] == runs[0] and (
        (r["outcome"] == "network_error" and not (r["error"] or "").startswith("too large"))
        or (r["outcome"] == "http_error" and (r["status"] or 0) >= 500))]
    assert len(probes) == sum(1 + len(s["start_urls"]) for s in registry().values()) + len(retried)
    assert len(retried) == sites["tayninh"]["error_count"] + 1
    # The known pages the start pages link to are logged as skipped (known); all pages keep being seen.
    skipped = [r["url"] for r in second_rows if r["outcome"] == "skipped_known"]
    assert len(set(skipped)) == len(skipped) == sum(s["skipped_known"] for s in report["sites"]) >= 25
    assert set(skipped) < set(docs1.column("url").to_pylist())
    per_site = Counter(docs1.column("site_id").to_pylist())
    assert {s["site_id"]: s["documents_unchanged"] for s in report["sites"]} == per_site
    assert sites["tayninh"]["errors"] == {"http_error": 1}
    assert not (lake / "raw" / runs[1] / "tayninh.warc.gz").exists()
    assert (lake / "raw" / runs[1] / "tayninh.probe.warc.gz").stat().st_size > 0
    # first_seen_at survives; last_seen_at moves for every page the last run saw
    d1 = {r["doc_id"]: r for r in docs1.to_pylist()}
    for r in docs2.to_pylist():
        assert r["first_seen_at"] == d1[r["doc_id"]]["first_seen_at"]
        assert r["last_seen_at"] > d1[r["doc_id"]]["last_seen_at"]
    # Freshness after the unchanged night: every site answered (ok now), keeps its rows, and its news are the first run's.
    sources = {r["site_id"]: r for r in table(lake, "sources").to_pylist()}
    before = {r["site_id"]: r for r in table(lake, "sources", release1).to_pylist()}
    assert {s: (r["documents"], r["status"], r["last_run_id"]) for s, r in sources.items()} == {
        s: (per_site.get(s, 0), "ok", runs[1]) for s in registry()}
    assert all(r["last_new_at"] == before[s]["last_ok_at"] < r["last_ok_at"] for s, r in sources.items())
    assert {s: r["facts"] for s, r in sources.items()} == {s: r["facts"] for s, r in before.items()}


def registry() -> dict:
    import tomllib

    return {s["id"]: s for s in tomllib.loads((WORLD / "sites.toml").read_text(encoding="utf-8"))["site"]}


def test_full_run_crawls_every_site_again(tmp_path):
    lake = tmp_path / "lake"
    assert run_cchc(*world_args(lake, "--only", "hocmon-hcm")).returncode == 0
    p = run_cchc(*world_args(lake, "--only", "hocmon-hcm", "--full"))
    assert p.returncode == 0, p.stderr[-2000:]
    report = json.loads((lake / "published" / "run_report.json").read_text(encoding="utf-8"))
    assert [(s["site_id"], s["crawled"], s["probe"], s["exit_reason"]) for s in report["sites"]] == [
        ("hocmon-hcm", True, None, "finished")]
    assert report["sites"][0]["skipped_known"] == 0 and report["sites"][0]["pages"] == 7


def test_killed_run_leaves_the_previous_release_and_the_next_run_succeeds(tmp_path):
    lake = tmp_path / "lake"
    assert run_cchc(*world_args(lake, "--only", *SOME)).returncode == 0
    before = os.readlink(lake / "published")
    docs_before = table(lake, "documents").num_rows
    env = {**os.environ, "CCHC_NO_PROGRESS": "1"}
    proc = subprocess.Popen([*CCHC, *world_args(lake, "--full")], cwd=ROOT, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        work = [p for p in (lake / "work").iterdir() if p.name != before.split("/")[-1]]
        if any((p / s / "crawl_log.jsonl").exists() for p in work for s in SOME):
            break
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert os.readlink(lake / "published") == before
    assert table(lake, "documents").num_rows == docs_before
    after = run_cchc(*world_args(lake, "--only", *SOME))
    assert after.returncode == 0, after.stderr[-2000:]
    assert os.readlink(lake / "published") != before


def test_dask_runner_gives_the_same_release(tmp_path):
    threads, dask = tmp_path / "threads", tmp_path / "dask"
    assert run_cchc(*world_args(threads, "--only", *SOME)).returncode == 0
    p = run_cchc(*world_args(dask, "--only", *SOME, "--task-runner", "dask", "--workers", "2"))
    assert p.returncode == 0, p.stderr[-2000:]
    for name in ("documents", "doc_refs", "indicators", "rankings"):
        assert comparable(threads, name) == comparable(dask, name), name


def test_user_mistakes_are_one_line(tmp_path):
    p = run_cchc("run", "--sites", str(tmp_path / "missing.toml"), "--lake", str(tmp_path / "l"))
    assert p.returncode == 2 and len(p.stderr.strip().splitlines()) == 1
    if WORLD.exists():
        p = run_cchc(*world_args(tmp_path / "l", "--only", "no-such-site"))
        assert p.returncode == 2 and "unknown site id 'no-such-site'" in p.stderr
    assert sys.executable
