"""The replay run of the shared world meets the evaluator's bars, and every table opens with pyarrow and DuckDB."""
import subprocess
import sys

import duckdb
import pyarrow.dataset as ds

from flows.schema import TABLES, arrow_schema

from .conftest import SHARED, WORLD

SPINE = "coverage,title,date,author,body_f1,province,doc_type,reform,checks"


def evaluate(lake, only=None) -> str:
    cmd = [sys.executable, str(SHARED / "world" / "evaluate.py"), "--world", str(WORLD), "--lake", str(lake)]
    if only:
        cmd += ["--only", only]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    print(p.stdout)
    return p.stdout.strip().splitlines()[-1]


def test_spine_bars_met(world_lake):
    assert evaluate(world_lake, SPINE).endswith("all bars met")


def test_all_bars_met(world_lake):
    assert evaluate(world_lake).endswith("all bars met")


def test_tables_open_with_pyarrow_and_duckdb(world_lake):
    for table in TABLES:
        t = ds.dataset(str(world_lake / "published" / table), format="parquet").to_table()
        assert t.schema.remove_metadata() == arrow_schema(table).remove_metadata(), table
    con = duckdb.connect(str(world_lake / "published" / "cchc.duckdb"), read_only=True)
    n = con.execute("select count(*) from documents").fetchone()[0]
    assert n >= 34
    cols = [r[0] for r in con.execute("describe indicators").fetchall()]
    assert cols[:11] == [c for c, _, _ in TABLES["indicators"]][:11]


def test_frictionless_validates_the_world_release(world_lake):
    from tests.conftest import frictionless_validate

    assert "INVALID" not in frictionless_validate(world_lake)
