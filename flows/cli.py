"""The `cchc` command line: run, query, serve, report, schedule.

User mistakes (missing file, bad SQL, unknown site id) are one clear line on
stderr and a non-zero exit, never a traceback.
"""
from __future__ import annotations

import argparse
import atexit
import os
import sys
from pathlib import Path

from flows.errors import UserError

DEFAULT_LAKE = "data/lake"
__all__ = ["UserError", "main"]


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="cchc", description="Vietnam administrative reform open data pipeline")
    sub = p.add_subparsers(dest="command", required=True)

    r = sub.add_parser("run", help="crawl, extract, rank, validate and publish a release")
    r.add_argument("--sites", type=Path, default=None, help="site registry (TOML); default: the shipped crawlers/sites.toml")
    r.add_argument("--replay", type=Path, nargs="+", default=None, help="answer every request from these WARC/WACZ files or folders")
    r.add_argument("--lake", default=DEFAULT_LAKE, help="lake folder (or fsspec URL)")
    r.add_argument("--only", nargs="+", default=None, metavar="SITE_ID", help="crawl only these sites")
    r.add_argument("--full", action="store_true", help="refetch everything, ignoring what the lake already holds")
    r.add_argument("--task-runner", choices=["threads", "dask"], default="threads")
    r.add_argument("--dask-address", default=None, help="scheduler address of an existing Dask cluster")
    r.add_argument("--workers", type=int, default=2, help="sites crawled at once")
    r.add_argument("--max-pages", type=int, default=None, help="requests per site (default: the CCHC_MAX_PAGES setting, 20000)")

    q = sub.add_parser("query", help="read-only SQL over the published tables")
    q.add_argument("sql")
    q.add_argument("--format", choices=["table", "csv", "json"], default="table")
    q.add_argument("--lake", default=DEFAULT_LAKE)

    s = sub.add_parser("serve", help="browse the published release in Datasette")
    s.add_argument("--lake", default=DEFAULT_LAKE)
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8001)

    rep = sub.add_parser("report", help="write a static HTML report with rankings and charts")
    rep.add_argument("--lake", default=DEFAULT_LAKE)
    rep.add_argument("--out", type=Path, default=None, help="output folder (default: <lake>/report)")

    sch = sub.add_parser("schedule", help="register the nightly run with Prefect (02:00 Asia/Ho_Chi_Minh)")
    sch.add_argument("--sites", type=Path, default=None)
    sch.add_argument("--lake", default=DEFAULT_LAKE)
    sch.add_argument("--cron", default="0 2 * * *")
    sch.add_argument("--serve", action="store_true", help="keep serving the deployment in this process (flow.serve)")
    return p


def main(argv: list[str] | None = None, exiting: bool = False) -> int:
    """`exiting`: the process ends right after (the `cchc` program), so nothing needs waiting for."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # Progress and the run summary are ours; Prefect's per-task INFO lines would bury them.
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    args = _parser().parse_args(argv)
    try:
        if args.command in ("query", "serve", "report") and "://" in args.lake:
            from flows.remote import is_remote, local_path, pull  # fsspec only when a URL asks for it
            args.lake = str(pull(args.lake)) if is_remote(args.lake) else local_path(args.lake)
        if args.command == "run":
            from flows.prefect_api import start_early
            api = start_early()  # before the imports below: the server starts while they run
            if api is not None:
                api.wait_on_stop = not exiting
            try:
                from flows.run import run_command
                return run_command(args, api)
            finally:
                if api is not None:
                    api.stop()
        if args.command == "query":
            from flows.query import query_command
            return query_command(args)
        if args.command == "serve":
            from flows.serve import serve_command
            return serve_command(args)
        if args.command == "report":
            from flows.report import report_command
            return report_command(args)
        if args.command == "schedule":
            from flows.schedule import schedule_command
            return schedule_command(args)
    except UserError as e:
        print(f"cchc {args.command}: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("cchc: interrupted", file=sys.stderr)
        return 130
    return 2


def entry() -> None:
    """The `cchc` program: main(), then a quick exit.

    Exit handlers run (logs flushed, Prefect's queues drained, servers stopped); the interpreter's
    teardown of every loaded module does not: it adds over half a second to each command.
    """
    code = main(exiting=True)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (cchc query | head): nothing left to say
            pass
    os._exit(code)


if __name__ == "__main__":
    entry()
