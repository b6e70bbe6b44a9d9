"""The `cchc` command line: run, query, serve, report, schedule, extract.

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
from transforms.batches import BATCH_PAGES, BATCH_SITES

DEFAULT_LAKE = "data/lake"
__all__ = ["UserError", "main"]


EXAMPLES = {
    "run": "examples:\n  cchc run --sites data/demo/sites.toml --replay data/demo/demo.warc.gz --lake data/lake\n"
           "  cchc run --only sxd-binhdinh snv-binhdinh --workers 1",
    "query": "examples:\n  cchc query \"select indicator, count(*) from indicators group by 1\"\n"
             "  cchc query \"select * from rankings where scope = 'national'\" --format csv > rankings.csv",
    "serve": "examples:\n  cchc serve                      # http://127.0.0.1:8001/cchc\n"
             "  cchc serve --port 8080 --lake /srv/cchc/lake",
    "report": "examples:\n  cchc report                     # writes data/lake/report/index.html\n"
              "  cchc report --out /tmp/cchc-report",
    "schedule": "examples:\n  cchc schedule --serve           # register and serve the nightly deployment\n"
                "  cchc schedule --cron \"30 1 * * *\"",
    "extract": "examples:\n  cchc extract saved-page.html --url https://so.example.gov.vn/tin/a.html\n"
               "  cchc extract pages/*.html.gz --cms nukeviet > read.jsonl",
}


class _Parser(argparse.ArgumentParser):
    """A mistake in the arguments is one line too (argparse would print its usage first)."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: {message}\n")


def _at_least_one(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, got {text!r}")
    return n


def _days(text: str) -> float:
    try:
        n = float(text)
    except ValueError:
        n = -1.0
    if not n >= 0:
        raise argparse.ArgumentTypeError(f"must be a number of days, 0 or more, got {text!r}")
    return n


def _port(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if not 1 <= n <= 65535:
        raise argparse.ArgumentTypeError(f"{text} is not a port number (1-65535)")
    return n


class _Version(argparse.Action):
    """--version: the package and the data schema version (imported only when asked: pyarrow is slow to load)."""

    def __init__(self, option_strings, dest, **kwargs):
        super().__init__(option_strings, dest, nargs=0, help="show the program and data schema versions and exit")

    def __call__(self, parser, namespace, values, option_string=None):
        from importlib.metadata import PackageNotFoundError, version

        from flows.schema import SCHEMA_VERSION
        try:
            v = version("cchc")
        except PackageNotFoundError:
            v = "unknown"
        print(f"cchc {v} (data schema {SCHEMA_VERSION})")
        parser.exit()


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="cchc", description="Vietnam administrative reform open data pipeline",
                                epilog="run `cchc COMMAND --help` for the options and an example of each command")
    p.add_argument("--version", action=_Version)
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help, description=help, epilog=EXAMPLES[name],
                              formatter_class=argparse.RawDescriptionHelpFormatter)

    def lake(parser: argparse.ArgumentParser, what: str) -> None:
        parser.add_argument("--lake", default=DEFAULT_LAKE, help=f"{what} (default: %(default)s)")

    r = command("run", "crawl, extract, rank, validate and publish a release")
    r.add_argument("--sites", type=Path, default=None, help="site registry (TOML); default: the shipped crawlers/sites.toml")
    r.add_argument("--replay", type=Path, nargs="+", default=None,
                   help="answer every request from these WARC/WACZ files or folders (default: the live network)")
    lake(r, "lake folder or fsspec URL")
    r.add_argument("--only", nargs="+", default=None, metavar="SITE_ID", help="crawl only these sites (default: all)")
    r.add_argument("--full", action="store_true", help="refetch everything, ignoring what the lake already holds")
    r.add_argument("--task-runner", choices=["threads", "dask"], default="threads",
                   help="where crawl batches and transforms run (default: %(default)s)")
    r.add_argument("--dask-address", default=None,
                   help="scheduler address of an existing Dask cluster (default: a local one)")
    r.add_argument("--workers", type=_at_least_one, default=2, help="crawl batches (processes) at once (default: %(default)s)")
    r.add_argument("--batch-sites", type=_at_least_one, default=None,
                   help=f"sites per crawl process at most (default: {BATCH_SITES} live; replay: a quarter of "
                        "the sites per worker)")
    r.add_argument("--batch-pages", type=_at_least_one, default=BATCH_PAGES,
                   help="expected pages (what the lake holds) per crawl process at most (default: %(default)s)")
    r.add_argument("--set", action="append", default=None, metavar="KEY=VALUE",
                   help="crawl setting for every site and probe, repeatable (e.g. DOWNLOAD_TIMEOUT=10, "
                        "CCHC_RESOLVE=*.example.test=127.0.0.1; default: none)")
    r.add_argument("--keep", type=_at_least_one, default=14, metavar="N",
                   help="releases kept after a successful publish, the published one included (default: %(default)s)")
    r.add_argument("--keep-raw-days", type=_days, default=None, metavar="DAYS",
                   help="remove the raw WARC of runs older than this after a successful publish (default: keep all)")
    r.add_argument("--max-pages", type=_at_least_one, default=None, help="requests per site (default: the CCHC_MAX_PAGES setting, 20000)")

    q = command("query", "read-only SQL over the published tables (DuckDB)")
    q.add_argument("sql", help="one SELECT, WITH, DESCRIBE, SHOW or EXPLAIN statement")
    q.add_argument("--format", choices=["table", "csv", "json"], default="table",
                   help="output format (default: %(default)s)")
    lake(q, "lake folder or fsspec URL")
    q.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS",
                   help="stop the statement after this long (default: %(default)g)")
    q.add_argument("--max-rows", type=int, default=100_000, metavar="N",
                   help="stop the result at N rows, with a message (default: %(default)s)")

    s = command("serve", "browse and search the published release in Datasette (read-only)")
    lake(s, "lake folder or fsspec URL")
    s.add_argument("--host", default="127.0.0.1",
                   help="address to listen on; anything but loopback is reachable by others (default: %(default)s)")
    s.add_argument("--port", type=_port, default=8001, help="port to listen on (default: %(default)s)")

    rep = command("report", "write a static HTML report with rankings, charts and freshness")
    lake(rep, "lake folder or fsspec URL")
    rep.add_argument("--out", type=Path, default=None, help="output folder (default: <lake>/report)")

    sch = command("schedule", "register the nightly run with Prefect (02:00 Asia/Ho_Chi_Minh)")
    sch.add_argument("--sites", type=Path, default=None, help="site registry (TOML); default: the shipped crawlers/sites.toml")
    lake(sch, "lake folder or fsspec URL")
    sch.add_argument("--cron", default="0 2 * * *", help="cron schedule, Asia/Ho_Chi_Minh (default: %(default)s)")
    sch.add_argument("--serve", action="store_true", help="keep serving the deployment in this process (flow.serve)")

    ex = command("extract", "print what the pipeline reads from saved pages, one JSON line per FILE (reads no lake, "
                            "fetches nothing)")
    ex.add_argument("files", nargs="+", metavar="FILE", help="HTML or gzipped HTML")
    ex.add_argument("--url", default=None, help="the page's address, with one FILE only (default: none)")
    ex.add_argument("--cms", default=None, metavar="FAMILY",
                    help="family to try first; auto detects, generic skips the families (default: detect)")
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
            from flows import interrupt
            interrupt.install()  # first: a signal from here on ends the run and what it started
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
        if args.command == "extract":
            from flows.extract import extract_command
            return extract_command(args)
        if args.command == "schedule":
            from flows.schedule import schedule_command
            return schedule_command(args)
    except UserError as e:
        print(f"cchc {args.command}: {e}", file=sys.stderr)
        return 2
    except OSError as e:  # a file or folder the user named cannot be read or written (permissions, full disk)
        print(f"cchc {args.command}: {_os_error(e)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as e:
        if args.command == "run":
            from flows import interrupt
            return interrupt.finish(e)
        print("cchc: interrupted", file=sys.stderr)
        return 130
    return 2


def _os_error(e: OSError) -> str:
    if e.filename is not None and e.strerror:
        return f"{e.filename}: {e.strerror}"
    return " ".join(str(e).split()) or type(e).__name__


def entry() -> None:
    """The `cchc` program: main(), then a quick exit.

    Exit handlers run (logs flushed, Prefect's queues drained, servers stopped); the interpreter's
    teardown of every loaded module does not: it adds over half a second to each command.
    """
    code = main(exiting=True)
    from flows import interrupt
    if interrupt.received() is None:  # interrupted: the queues' API server is gone, nothing left to send
        atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (cchc query | head): nothing left to say
            pass
    os._exit(code)


if __name__ == "__main__":
    entry()
