"""Shared fixtures: where ../shared is, and one replay run of the shared small world per test session."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

# Before anything imports Prefect: its INFO lines at interpreter exit outlive pytest's capture.
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
WORLD = SHARED / "world" / "small"
CCHC = [sys.executable, "-m", "flows.cli"]


def frictionless_validate(lake: Path) -> str:
    """`frictionless validate` on the lake's published datapackage; asserts exit 0 and returns its report."""
    pytest.importorskip("frictionless")
    cli = Path(sys.executable).parent / "frictionless"
    p = subprocess.run([str(cli), "validate", str(lake / "published" / "datapackage.json")],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stdout[-3000:]
    return p.stdout


def run_cchc(*args: str, timeout: int = 600, env: dict | None = None) -> subprocess.CompletedProcess:
    e = {**os.environ, "CCHC_NO_PROGRESS": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false", **(env or {})}
    return subprocess.run([*CCHC, *args], capture_output=True, text=True, timeout=timeout, cwd=ROOT, env=e)


@pytest.fixture(scope="session")
def world_lake(tmp_path_factory) -> Path:
    """The shared small world replayed once into a fresh lake."""
    if not WORLD.exists():
        pytest.skip("../shared/world/small is not beside the checkout")
    lake = tmp_path_factory.mktemp("world") / "lake"
    p = run_cchc("run", "--sites", str(WORLD / "sites.toml"), "--replay", str(WORLD / "warc"), "--lake", str(lake))
    assert p.returncode == 0, p.stderr[-3000:]
    return lake
