"""`cchc query`: read-only SQL over the release, run as the real command."""
from __future__ import annotations

import json
import os
import subprocess

import duckdb
import pytest

from flows.cli import UserError
from flows.query import check_read_only
from tests.release_fixture import CCHC, make_release


@pytest.fixture(scope="module")
def lake(tmp_path_factory):
    lake = tmp_path_factory.mktemp("lake")
    make_release(lake)
    return lake


def cchc(*args, tz="Asia/Ho_Chi_Minh"):
    env = {**os.environ, "TZ": tz}
    return subprocess.run([str(CCHC), "query", *args], capture_output=True, text=True, timeout=60, env=env)


def test_count_csv(lake):
    r = cchc("select count(*) as n from documents", "--format", "csv", "--lake", str(lake))
    assert (r.returncode, r.stdout, r.stderr) == (0, "n\n4\n", "")


def test_a_release_copied_elsewhere_reads_its_own_files(lake, tmp_path):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(lake / "releases", copy / "releases", symlinks=True)
    os.symlink(os.readlink(lake / "published"), copy / "published")
    # The copy's cchc.duckdb names the original's files; with the original renamed away, they are gone.
    moved = lake.with_name(lake.name + "-away")
    lake.rename(moved)
    try:
        r = cchc("select count(*) as n from documents", "--format", "csv", "--lake", str(copy))
    finally:
        moved.rename(lake)
    assert (r.returncode, r.stdout, r.stderr) == (0, "n\n4\n", "")


def test_json_keeps_diacritics_and_shows_utc(lake):
    r = cchc("select title, published_date, first_seen_at from documents where doc_type = 'plan'",
             "--format", "json", "--lake", str(lake))
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == [{"title": "Kế hoạch cải cách hành chính năm 2024 của Sở Nội vụ",
                                     "published_date": "2024-01-10", "first_seen_at": "2024-03-15T02:05:00Z"}]


def test_table_output(lake):
    r = cchc("select rank, entity_name from rankings where indicator = 'sipas' and period = '2023' "
             "and scope = 'national' order by rank", "--lake", str(lake))
    assert r.returncode == 0, r.stderr
    assert "Tỉnh Hòa Sơn" in r.stdout and "rank" in r.stdout
    assert r.stderr.strip() == "3 rows"


@pytest.mark.parametrize("sql,needle", [
    ("select * frm documents", "Parser Error"),
    ("select nope from documents", "Binder Error"),
    ("delete from documents", "read-only: DELETE"),
    ("copy (select 1) to 'out.csv'", "read-only: COPY"),
    ("pragma version", "read-only: PRAGMA"),
    ("select 1; drop view documents", "expected one SQL statement"),
])
def test_refused_with_one_line(lake, sql, needle):
    r = cchc(sql, "--lake", str(lake))
    assert r.returncode != 0
    assert r.stdout == ""
    assert 1 <= len(r.stderr.strip().splitlines()) <= 3 and needle in r.stderr
    assert "Traceback" not in r.stderr


def test_missing_release(tmp_path):
    r = cchc("select 1", "--lake", str(tmp_path))
    assert r.returncode == 2
    assert r.stderr.strip() == f"cchc query: no published release under {tmp_path}: run `cchc run` first"


@pytest.mark.parametrize("sql", ["select 1", "WITH a AS (select 1) select * from a", "describe documents",
                                 "show tables", "explain select 1"])
def test_reads_allowed(sql):
    con = duckdb.connect()
    con.execute("create view documents as select 1 as x")
    check_read_only(con, sql)


@pytest.mark.parametrize("sql", ["insert into t values (1)", "attach 'x.db'", "set threads = 1", "install httpfs",
                                 "create view v as select 1", "update t set x = 1", "call pragma_version()"])
def test_writes_refused(sql):
    with pytest.raises(UserError, match="read-only"):
        check_read_only(duckdb.connect(), sql)


def test_show_tables_lists_every_published_table(lake):
    # The copy of a small release holds only the tables a statement names; SHOW TABLES names none: all of them.
    r = cchc("show tables", "--format", "csv", "--lake", str(lake))
    assert (r.returncode, r.stdout.split()) == (0, ["name", "crawl_log", "doc_refs", "documents", "indicators",
                                                    "rankings", "sources", "units"])


def test_a_table_read_through_a_table_function_is_there(lake):
    r = cchc("select count(*) as n from query_table('documents')", "--format", "csv", "--lake", str(lake))
    assert (r.returncode, r.stdout, r.stderr) == (0, "n\n4\n", "")


def test_big_release_read_as_arrow_datasets_gives_the_same_rows(lake, monkeypatch):
    from flows import query

    sql = "select doc_id, title from documents order by doc_id"
    copied = query.run_query(query.connect_guarded(lake, sql), sql)
    monkeypatch.setattr(query, "COPY_LIMIT_BYTES", 0)  # too big to copy: Arrow datasets
    con = query.connect_guarded(lake, sql)
    assert con.execute("select count(*) from duckdb_tables()").fetchone() == (0,)  # nothing copied
    assert query.run_query(con, sql) == copied and len(copied[1]) == 4
