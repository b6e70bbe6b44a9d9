"""`cchc schedule`: register the nightly run as a Prefect deployment (02:00 Asia/Ho_Chi_Minh).

Registering writes the deployment to the Prefect API in use (a server set by
PREFECT_API_URL, or the local embedded database). Runs only fire while the
deployment is served: `cchc schedule --serve` serves it in this process
(flow.serve), or keep a `prefect server start` plus a served process running.
"""
from __future__ import annotations

from pathlib import Path

from crawlers.registry import RegistryError, default_registry_path, load_registry
from flows.errors import UserError

TIMEZONE = "Asia/Ho_Chi_Minh"
DEPLOYMENT = "cchc-nightly"


def build_deployment(sites_file: Path, lake: str, cron: str):
    from prefect.schedules import Cron

    from flows.run import nightly
    return nightly.to_deployment(
        name=DEPLOYMENT,
        schedule=Cron(cron, timezone=TIMEZONE),
        parameters={"lake_root": str(Path(lake).resolve()), "sites_file": str(sites_file.resolve()),
                    "site_ids": None, "show_progress": False},
        description="Crawl every registered portal, extract, rank, validate and publish a release.",
        tags=["cchc", "nightly"],
    )


def schedule_command(args) -> int:
    sites_file = Path(args.sites) if args.sites else default_registry_path()
    try:
        load_registry(sites_file)
    except (RegistryError, FileNotFoundError) as e:
        raise UserError(str(e)) from e
    deployment = build_deployment(sites_file, args.lake, args.cron)
    if args.serve:
        from prefect import serve
        print(f"serving deployment {DEPLOYMENT!r}: cron {args.cron!r} ({TIMEZONE}); Ctrl-C to stop")
        serve(deployment)
        return 0
    dep_id = deployment.apply()
    print(f"registered deployment {DEPLOYMENT!r} ({dep_id}): cron {args.cron!r} in {TIMEZONE}")
    print("runs fire while it is served: `cchc schedule --serve` (or a Prefect server plus a served process)")
    return 0
