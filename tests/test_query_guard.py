"""`cchc query` is read-only by construction: DuckDB's own guards, not a filter on statement text.

Every statement below was tried by an attacker against a release; each must be refused with one
clear line on stderr (no traceback), and the release must stay byte-identical.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

import pytest

from tests.release_fixture import CCHC, RUN_ID, make_release


@pytest.fixture(scope="module")
def lake(tmp_path_factory):
    lake = tmp_path_factory.mktemp("lake")
    make_release(lake)
    return lake


def _hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def cchc(*args, cwd=None):
    return subprocess.run([str(CCHC), "query", *args], capture_output=True, text=True, timeout=90, cwd=cwd,
                          env={**os.environ, "TZ": "UTC"})


ATTACKS = [
    ("select * from read_csv('/etc/passwd')", "/etc/passwd"),
    ("select * from read_csv_auto('/etc/passwd')", "/etc/passwd"),
    ("select * from read_text('/etc/passwd')", "/etc/passwd"),
    ("select * from read_blob('/etc/passwd')", "/etc/passwd"),
    ("select * from glob('/etc/*')", "/etc/*"),
    ("select * from read_parquet('/etc/*.parquet')", "/etc/*.parquet"),
    ("select * from read_parquet('{part}')", "refused"),
    ("select * from read_blob('{db}')", "refused"),
    ("select * from sniff_csv('/etc/passwd')", "/etc/passwd"),
    ("explain analyze copy (select 1 as x) to '{db}'", "refused"),
    ("explain analyze copy (select 0 as value) to '{part}' (format parquet, use_tmp_file false)", "refused"),
    ("explain copy (select 1) to '{outside}'", "refused"),
    ("explain analyze copy (select 1) to '{outside}' (format csv, use_tmp_file false)", "refused"),
    ("copy (select 1) to '{outside}'", "read-only: COPY"),
    ("export database '{outside}'", "read-only: EXPORT"),
    ("attach '{outside}' as x", "read-only: ATTACH"),
    ("install httpfs", "read-only: LOAD"),
    ("load httpfs", "read-only: LOAD"),
    ("pragma version", "read-only: PRAGMA"),
    ("call pragma_version()", "read-only: CALL"),
    ("set enable_external_access = true", "read-only: SET"),
    ("reset lock_configuration", "read-only: SET"),
]


@pytest.mark.parametrize("sql,needle", ATTACKS)
def test_attack_refused_and_release_unchanged(lake, tmp_path, sql, needle):
    rel = lake / "releases" / RUN_ID
    outside = tmp_path / "stolen.csv"
    sql = sql.format(db=rel / "cchc.duckdb", part=rel / "rankings" / "part-0.parquet", outside=outside)
    before = _hashes(lake)
    r = cchc(sql, "--lake", str(lake), cwd=tmp_path)
    lines = r.stderr.strip().splitlines()
    assert (r.returncode, r.stdout) == (2, ""), (r.stdout, r.stderr)
    assert len(lines) == 1 and needle in lines[0] and "Traceback" not in r.stderr, r.stderr
    assert not outside.exists()
    assert _hashes(lake) == before
    assert list(tmp_path.iterdir()) == []  # nothing written beside the caller either (no spill folder)


def test_no_absolute_path_in_views(lake):
    r = cchc("select count(*) as n from duckdb_views() where sql like '%/%'", "--format", "csv",
             "--lake", str(lake))
    assert (r.returncode, r.stdout) == (0, "n\n0\n"), r.stderr


def test_configuration_is_locked(lake):
    r = cchc("select current_setting('enable_external_access') as ext, current_setting('lock_configuration') as lock",
             "--format", "csv", "--lake", str(lake))
    assert (r.returncode, r.stdout) == (0, "ext,lock\nFalse,True\n"), r.stderr


def test_recursive_cte_times_out(lake):
    r = cchc("with recursive r(n) as (select 1 union all select n + 1 from r) select count(*) from r",
             "--timeout", "2", "--lake", str(lake))
    assert r.returncode == 2
    assert r.stderr.strip() == "cchc query: stopped after 2 s (--timeout SECONDS to allow longer)"


def test_row_cap(lake):
    r = cchc("select * from range(10)", "--max-rows", "3", "--format", "csv", "--lake", str(lake))
    assert (r.returncode, r.stdout) == (0, "range\n0\n1\n2\n"), r.stderr
    assert r.stderr.strip() == "cchc query: result cut at 3 rows (--max-rows N to raise)"


def test_the_views_still_read(lake):
    r = cchc("select d.title, count(*) as refs from doc_refs r join documents d using (doc_id) "
             "group by 1 order by 2 desc, 1 limit 1", "--format", "csv", "--lake", str(lake))
    assert (r.returncode, r.stdout) == (0, "title,refs\nKế hoạch cải cách hành chính năm 2024 của Sở Nội vụ,2\n"), \
        r.stderr
