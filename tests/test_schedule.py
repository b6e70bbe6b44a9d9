"""`cchc schedule` registers the nightly deployment at 02:00 Asia/Ho_Chi_Minh, readable back from the Prefect API."""
import json
import os
import subprocess
import sys

from .conftest import ROOT, WORLD, run_cchc

READ_BACK = """
import asyncio, json
from prefect.client.orchestration import get_client
async def main():
    async with get_client() as c:
        d = await c.read_deployment_by_name("cchc-nightly/cchc-nightly")
        s = d.schedules[0].schedule
        print(json.dumps({"cron": s.cron, "tz": s.timezone, "params": d.parameters}))
asyncio.run(main())
"""


def test_schedule_registers_a_nightly_cron_deployment(tmp_path):
    env = {"PREFECT_HOME": str(tmp_path / "prefect")}
    sites = WORLD / "sites.toml" if WORLD.exists() else ROOT / "data" / "demo" / "sites.toml"
    p = run_cchc("schedule", "--sites", str(sites), "--lake", str(tmp_path / "lake"), env=env, timeout=300)
    assert p.returncode == 0, p.stderr[-2000:]
    assert "registered deployment 'cchc-nightly'" in p.stdout
    q = subprocess.run([sys.executable, "-c", READ_BACK], capture_output=True, text=True, timeout=300,
                       env={**os.environ, **env, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"})
    assert q.returncode == 0, q.stderr[-2000:]
    got = json.loads(q.stdout.strip().splitlines()[-1])
    assert got["cron"] == "0 2 * * *" and got["tz"] == "Asia/Ho_Chi_Minh"
    assert got["params"]["lake_root"] == str((tmp_path / "lake").resolve())
    assert got["params"]["site_ids"] is None
