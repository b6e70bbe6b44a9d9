"""Many sites in one crawl process, politely: a small loopback farm (tests/farm.py) of 20 portals under
their own host names, one that hangs and one that resets every connection, crawled by `cchc run` in two
batches. The farm server measures what each host received."""
import datetime as dt
import json
from pathlib import Path

import pyarrow.dataset as ds
import pytest

from tests.conftest import run_cchc
from tests.farm import Farm, host_of

SITES, PAGES, CRAWL_DELAY = 20, 4, 0.4
HANG, RESET = 19, 20


@pytest.fixture(scope="module")
def farm_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("farm")
    farm = Farm(SITES, PAGES, latency_s=0.05, crawl_delay=CRAWL_DELAY, modes={HANG: "hang", RESET: "reset"}).start()
    try:
        (tmp / "sites.toml").write_text(farm.registry(), encoding="utf-8")
        lake = tmp / "lake"
        # Production politeness except the delays, scaled down for a test: DOWNLOAD_DELAY below the farm's
        # Crawl-delay, so that what holds the hosts apart is robots.txt's Crawl-delay.
        settings = ["CCHC_RESOLVE=*.farm.test=127.0.0.1", "DOWNLOAD_DELAY=0.1", "AUTOTHROTTLE_START_DELAY=0.1",
                    "DOWNLOAD_TIMEOUT=3", "CCHC_RETRY_BACKOFF_BASE=0.5", "CCHC_DELAY_MARGIN=0.05"]
        p = run_cchc("run", "--sites", str(tmp / "sites.toml"), "--lake", str(lake), "--batch-sites", "10",
                     "--workers", "2", *[a for s in settings for a in ("--set", s)], timeout=300)
        yield {"proc": p, "farm": farm, "lake": lake,
               "report": json.loads((lake / "published" / "run_report.json").read_text(encoding="utf-8"))
               if (lake / "published" / "run_report.json").exists() else None}
    finally:
        farm.stop()


def _site(report: dict, n: int) -> dict:
    return next(s for s in report["sites"] if s["site_id"] == f"farm-{n:04d}")


def test_every_healthy_site_is_published(farm_run):
    p, report = farm_run["proc"], farm_run["report"]
    assert p.returncode == 0, p.stderr[-3000:]
    assert report["status"] == "published"
    # The farm's registry says nothing of `verified`: every site is crawled and listed as unverified.
    assert report["unverified_sites"] == [f"farm-{n:04d}" for n in range(1, SITES + 1)]
    assert "20 site(s) not verified online" in p.stderr
    docs = ds.dataset(farm_run["lake"] / "published" / "documents", format="parquet").to_table(["site_id"]).to_pylist()
    per_site = {}
    for d in docs:
        per_site[d["site_id"]] = per_site.get(d["site_id"], 0) + 1
    # The listing and its 3 articles on each of the 18 healthy sites; nothing from the broken two.
    assert per_site == {f"farm-{n:04d}": 3 for n in range(1, SITES + 1) if n not in (HANG, RESET)}
    for n in (HANG, RESET):
        s = _site(report, n)
        assert s["pages"] == 0 and s["errors"].get("network_error", 0) >= 1, s


def test_politeness_per_host_held(farm_run):
    farm = farm_run["farm"]
    stats = farm.per_host()
    healthy = [host_of(n) for n in range(1, SITES + 1) if n not in (HANG, RESET)]
    # robots.txt, the listing, 3 articles: asked once each, one at a time, never closer than Crawl-delay.
    assert {h: stats[h]["requests"] for h in healthy} == {h: 1 + PAGES for h in healthy}
    assert {stats[h]["max_in_flight"] for h in stats} == {1}
    assert min(stats[h]["min_interval_s"] for h in stats if stats[h]["min_interval_s"] is not None) >= CRAWL_DELAY
    # The resetting host was retried (RETRY_TIMES 2), with backoff, and still one request at a time.
    assert stats[host_of(RESET)]["requests"] >= 3


def test_a_hanging_site_delays_no_other_site(farm_run):
    report = farm_run["report"]
    hang = _site(report, HANG)
    ended = dt.datetime.fromisoformat(hang["crawl_ended_at"])
    others = [_site(report, n) for n in range(1, SITES + 1) if n not in (HANG, RESET)]
    # Each healthy site was crawled and transformed while the hanging one was still timing out, in its own
    # batch as in the other: a site's transform starts when its crawl ends, not when its batch ends.
    assert all(dt.datetime.fromisoformat(s["transformed_at"]) < ended for s in others)
    assert max(s["crawl_seconds"] for s in others) < hang["crawl_seconds"]
    assert hang["ok"] is True and hang["exit_reason"] == "finished"
    # The run is bounded by the hanging site's own timeouts (robots.txt and the start page: 3 attempts of 3 s
    # each, with backoff), not by a sum over sites. Prefect's start-up on a loaded machine is not counted.
    assert hang["crawl_seconds"] < 30
    assert report["seconds"] < 60


def test_batches_are_in_the_run_folder(farm_run):
    runs = list((Path(farm_run["lake"]) / "runs").iterdir())
    plans = sorted(p.name for p in (runs[0] / "batches").glob("*.json"))
    assert plans == ["batch-001.json", "batch-002.json"]
    sizes = [len(json.loads((runs[0] / "batches" / n).read_text())["sites"]) for n in plans]
    assert sizes == [10, 10]
