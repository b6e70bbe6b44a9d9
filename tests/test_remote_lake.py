"""--lake as an fsspec URL: a run over memory:// pushes its release and moves the pointer last."""
import shutil

import duckdb
import fsspec
import pytest

from flows.cli import main
from flows.remote import is_remote, local_path

from .conftest import ROOT


def test_url_kinds():
    assert is_remote("s3://bucket/lake") and is_remote("memory://lake")
    assert not is_remote("data/lake") and not is_remote("file:///tmp/lake")
    assert local_path("file:///tmp/lake") == "/tmp/lake"


def test_run_and_query_over_a_memory_lake(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CCHC_LAKE_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("CCHC_NO_PROGRESS", "1")
    monkeypatch.chdir(ROOT)
    rc = main(["run", "--sites", "data/demo/sites.toml", "--replay", "data/demo/demo.warc.gz",
               "--lake", "memory://cchc-test-lake", "--only", "demo-chiso-quocgia"])
    assert rc == 0
    fs = fsspec.filesystem("memory")
    run_id = fs.cat_file("/cchc-test-lake/PUBLISHED").decode().strip()
    assert fs.exists(f"/cchc-test-lake/releases/{run_id}/documents/part-0.parquet")
    assert fs.exists(f"/cchc-test-lake/raw/{run_id}/demo-chiso-quocgia.warc.gz")
    # A fresh cache pulls the published release back before querying; the first cache is gone.
    shutil.rmtree(tmp_path / "cache")
    monkeypatch.setenv("CCHC_LAKE_CACHE", str(tmp_path / "cache2"))
    capsys.readouterr()
    assert main(["query", "select count(*) as n from documents", "--format", "csv",
                 "--lake", "memory://cchc-test-lake"]) == 0
    assert capsys.readouterr().out.strip().splitlines() == ["n", "3"]
    pulled = duckdb.connect(str(next((tmp_path / "cache2").rglob("cchc.duckdb"))), read_only=True)
    # The DuckDB file holds the tables themselves: the copy is usable by any DuckDB client as it was pulled.
    assert pulled.execute("select count(*) from documents").fetchone() == (3,)
    assert pulled.execute("select count(*) from duckdb_views() where not internal").fetchone() == (0,)
    if not fs.exists("/cchc-test-lake/PUBLISHED"):
        pytest.fail("pointer vanished")
