"""Retention: after a successful publish, the --keep newest releases stay (and always the published one), the
work folders of earlier runs go, and raw WARC stays unless --keep-raw-days says otherwise."""
import datetime as dt
import os
import shutil

import pytest

from flows.lake import Lake

from .conftest import WORLD, run_cchc

NOW = dt.datetime(2026, 3, 20, 2, 0, tzinfo=dt.UTC)
RUNS = [f"202603{d:02d}T020000Z" for d in (10, 12, 14, 16, 18)]  # N + 3 runs for N = 2
CURRENT = "20260320T020000Z"


def fake_lake(root, published: str) -> Lake:
    lake = Lake(root)
    lake.ensure()
    for run_id in [*RUNS, CURRENT]:
        for folder in (lake.release_dir(run_id), lake.work_dir(run_id, "site-a"), lake.raw_dir(run_id)):
            folder.mkdir(parents=True)
        (lake.release_dir(run_id) / "run_report.json").write_text("{}", encoding="utf-8")
        (lake.raw_dir(run_id) / "site-a.warc.gz").write_bytes(b"x")
        (lake.run_dir(run_id)).mkdir(parents=True)
    (lake.root / "releases" / ".staging-x").mkdir()  # not a release: clean_stale's business
    os.symlink(os.path.join("releases", published), lake.published)
    return lake


def names(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_keep_n_newest_releases_and_the_current_work_folder(tmp_path):
    lake = fake_lake(tmp_path / "lake", CURRENT)
    removed = lake.prune(CURRENT, keep=2, keep_raw_days=None, now=NOW)
    assert names(lake.root / "releases") == [".staging-x", RUNS[-1], CURRENT]
    assert names(lake.root / "work") == [CURRENT]
    assert names(lake.root / "raw") == [*RUNS, CURRENT]  # the archive is kept
    assert names(lake.root / "runs") == [*RUNS, CURRENT]  # reports are small and read by later runs
    assert removed == {"releases": RUNS[:-1], "work": RUNS, "raw": []}
    assert os.readlink(lake.published) == os.path.join("releases", CURRENT)


def test_the_published_release_is_never_removed(tmp_path):
    lake = fake_lake(tmp_path / "lake", RUNS[0])  # published points at the oldest
    removed = lake.prune(CURRENT, keep=2, keep_raw_days=None, now=NOW)
    assert names(lake.root / "releases") == [".staging-x", RUNS[0], RUNS[-1], CURRENT]
    assert removed["releases"] == RUNS[1:-1]
    assert (lake.published / "run_report.json").exists()


def test_keep_one_keeps_only_the_published(tmp_path):
    lake = fake_lake(tmp_path / "lake", CURRENT)
    assert lake.prune(CURRENT, keep=1, keep_raw_days=None, now=NOW)["releases"] == RUNS
    assert names(lake.root / "releases") == [".staging-x", CURRENT]


def test_raw_older_than_keep_raw_days_goes_but_never_this_runs(tmp_path):
    lake = fake_lake(tmp_path / "lake", CURRENT)
    removed = lake.prune(CURRENT, keep=14, keep_raw_days=5, now=NOW)
    # 2026-03-14 02:00 is 6 days before NOW, 2026-03-16 is 4 days: the runs of the 10th, 12th, 14th go.
    assert removed == {"releases": [], "work": RUNS, "raw": RUNS[:3]}
    assert names(lake.root / "raw") == [*RUNS[3:], CURRENT]
    assert lake.prune(CURRENT, keep=14, keep_raw_days=0, now=NOW)["raw"] == RUNS[3:]
    assert names(lake.root / "raw") == [CURRENT]


def test_nothing_is_removed_after_a_failed_run(tmp_path):
    from flows.run import retain

    lake = fake_lake(tmp_path / "lake", RUNS[-1])
    before = {sub: names(lake.root / sub) for sub in ("releases", "work", "raw")}
    report = {"run_id": CURRENT, "status": "not published: documents: 3 rows without url"}
    retain(lake, report, keep=1, keep_raw_days=0)
    assert {sub: names(lake.root / sub) for sub in ("releases", "work", "raw")} == before
    assert "retention" not in report


def test_a_run_keeps_n_releases(tmp_path):
    """End to end: a lake with N + 3 releases (copies of a real one, older), one more run with --keep N."""
    if not WORLD.exists():
        pytest.skip("../shared/world/small is not beside the checkout")
    lake = tmp_path / "lake"
    args = ["run", "--sites", str(WORLD / "sites.toml"), "--replay", str(WORLD / "warc"), "--lake", str(lake),
            "--only", "hocmon-hcm"]
    assert run_cchc(*args).returncode == 0
    first = os.readlink(lake / "published").split("/")[-1]
    old = [f"2020010{d}T000000Z" for d in range(1, 5)]
    for run_id in old:
        shutil.copytree(lake / "releases" / first, lake / "releases" / run_id)
        (lake / "work" / run_id / "hocmon-hcm").mkdir(parents=True)
    p = run_cchc(*args, "--keep", "2")
    assert p.returncode == 0, p.stderr[-2000:]
    second = os.readlink(lake / "published").split("/")[-1]
    assert names(lake / "releases") == [first, second]
    assert names(lake / "work") == [second]
    assert names(lake / "raw") == [first, second]
    assert len(names(lake / "runs")) == 2


@pytest.mark.parametrize("option,value", [("--keep", "0"), ("--keep-raw-days", "-1")])
def test_retention_options_are_checked(tmp_path, option, value):
    p = run_cchc("run", "--sites", str(WORLD / "sites.toml"), "--lake", str(tmp_path / "lake"), option, value)
    assert p.returncode == 2 and len(p.stderr.strip().splitlines()) == 1 and "Traceback" not in p.stderr
    assert p.stderr.startswith(f"cchc run: argument {option}: ")
