"""Benchmark on the scale-100 world: full replay, unchanged rerun, ranking query, extraction, evaluate.

    python -m tests.bench [--world DIR] [--write] [--profile] [--sample N]

Builds ../shared/world at --scale 100 once (cached in --world), then measures in
one invocation. Not part of the pytest run. --write rewrites BENCHMARKS.md (the
hand-written "What limits it" section is kept); --profile adds cProfile tops of
the in-process stages and of one site's crawl process.
"""
from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import json
import os
import platform
import pstats
import random
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
PY = sys.executable
CCHC = [str(Path(PY).parent / "cchc")] if (Path(PY).parent / "cchc").exists() else [PY, "-m", "flows.cli"]
TARGETS = {"pages_s": 150.0, "rerun_ratio": 0.10, "rss_mb": 1024.0, "query_ms": 200.0}
RANKING_SQL = ("SELECT rank, entity_name, province_code, value, rank_change FROM rankings "
               "WHERE indicator = 'par_index' AND scope = 'national' AND period = "
               "(SELECT max(period) FROM rankings WHERE indicator = 'par_index' AND scope = 'national') "
               "ORDER BY rank")
NOTES_HEADING = "## What limits it"
ENV = {"CCHC_NO_PROGRESS": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}


# --- machine and world -----------------------------------------------------------------------------------------
def machine() -> dict:
    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")), platform.processor())
    mem_kb = int(next(ln.split()[1] for ln in Path("/proc/meminfo").read_text().splitlines() if ln.startswith("MemTotal")))
    pkgs = ("scrapy", "prefect", "pyarrow", "duckdb", "lxml", "datasketch", "trafilatura", "warcio")
    return {"cpu": cpu, "cores": len(os.sched_getaffinity(0)), "ram_gb": round(mem_kb / 2**20, 1),
            "python": platform.python_version(), "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
            "packages": ", ".join(f"{p} {version(p)}" for p in pkgs)}


def ensure_world(world: Path) -> str:
    if (world / "sites.toml").is_file() and (world / "warc").is_dir() and (world / "truth.jsonl").is_file():
        return "cached"
    cmd = [PY, str(SHARED / "world" / "build.py"), "--out", str(world), "--scale", "100"]
    t0 = time.monotonic()
    subprocess.run(cmd, check=True, capture_output=True)
    return f"built in {time.monotonic() - t0:.1f} s"


# --- timed process trees -----------------------------------------------------------------------------------------
def _tree_rss(root) -> int:
    import psutil

    rss = 0
    try:
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:  # the root has just exited
        return 0
    for p in procs:
        try:
            rss += p.memory_info().rss
        except psutil.Error:  # a child that exited between the listing and the read
            pass
    return rss


def run_tree(cmd: list[str], poll_s: float = 0.2) -> dict:
    """Wall time and peak RSS (the process plus all its children, summed at each poll) of one command."""
    import psutil

    t0 = time.monotonic()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=err, env={**os.environ, **ENV})
        root, peak = psutil.Process(proc.pid), 0
        while proc.poll() is None:
            peak = max(peak, _tree_rss(root))
            time.sleep(poll_s)
        err.seek(0)
        tail = [ln for ln in err.read().decode("utf-8", "replace").splitlines() if ln.strip()][-3:]
    return {"rc": proc.returncode, "seconds": time.monotonic() - t0, "rss_mb": peak / 2**20, "stderr": tail}


@contextmanager
def prefect_server():
    """A long-lived `prefect server start` on a free loopback port, as a nightly deployment has; yields its API URL."""
    import socket
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, **ENV, "PREFECT_UI_ENABLED": "0"}
    env.pop("PREFECT_API_URL", None)
    proc = subprocess.Popen([str(Path(PY).parent / "prefect"), "server", "start", "--host", "127.0.0.1", "--port",
                             str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        for _ in range(600):
            try:
                with urllib.request.urlopen(url + "/health", timeout=2):
                    break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def with_server(world: Path) -> dict:
    """Full run and unchanged rerun of a fresh lake against a long-lived Prefect server."""
    lake = Path(tempfile.mkdtemp(prefix="lake-server-", dir=world.parent))
    run = [*CCHC, "run", "--sites", str(world / "sites.toml"), "--replay", str(world / "warc"), "--lake", str(lake)]
    with prefect_server() as url:
        os.environ["PREFECT_API_URL"] = url
        try:
            full, rerun = run_tree(run), run_tree(run)
        finally:
            del os.environ["PREFECT_API_URL"]
    shutil.rmtree(lake, ignore_errors=True)
    return {"full": full["seconds"], "rerun": rerun["seconds"], "rc": [full["rc"], rerun["rc"]]}


def latest_report(lake: Path) -> dict:
    """The report of the lake's latest run, with the ids of the sites whose crawl or transform failed."""
    runs = sorted((lake / "runs").glob("*/run_report.json"))
    report = json.loads(runs[-1].read_text(encoding="utf-8")) if runs else {}
    report["failed_sites"] = [s["site_id"] for s in report.get("sites", []) if not s.get("ok")]
    return report


def run_facts(lake: Path) -> dict:
    """Pages (crawl_log ok) and HTML documents of the published run, and crawl seconds per site."""
    from flows.duck import connect_release

    report = latest_report(lake)
    rid = report["run_id"]
    con = connect_release(lake)
    pages = con.execute("SELECT count(*) FROM crawl_log WHERE outcome = 'ok' AND run_id = ?", [rid]).fetchone()[0]
    articles = con.execute("SELECT count(*) FROM documents WHERE run_id = ? AND media_type ILIKE '%html%'",
                           [rid]).fetchone()[0]
    con.close()
    crawl = {s["site_id"]: (s.get("crawl_seconds"), s.get("pages")) for s in report.get("sites", [])}
    return {"run_id": rid, "pages": pages, "articles": articles, "crawl": crawl, "status": report.get("status"),
            "failed_sites": report["failed_sites"], "flow_seconds": report.get("seconds")}


def bench_query(lake: Path) -> dict:
    from flows.duck import connect_release

    cmd = [*CCHC, "query", RANKING_SQL, "--lake", str(lake), "--format", "csv"]
    cli = min(run_tree(cmd, poll_s=0.05)["seconds"] for _ in range(3))
    t0 = time.perf_counter()
    con = connect_release(lake)
    connect = time.perf_counter() - t0
    best, rows = float("inf"), 0
    for _ in range(5):
        t0 = time.perf_counter()
        rows = len(con.execute(RANKING_SQL).fetchall())
        best = min(best, time.perf_counter() - t0)
    con.close()
    return {"cli_ms": cli * 1000, "duck_ms": best * 1000, "connect_ms": connect * 1000, "rows": rows}


# --- extraction throughput -----------------------------------------------------------------------------------------
def article_pages(world: Path, limit: int) -> list[tuple[str, str, bytes]]:
    """(cms, url, body) of up to `limit` HTML article responses (truth kind 'article'), a fixed random sample."""
    from warcio.archiveiterator import ArchiveIterator

    cms = {s["id"]: s["cms"] for s in tomllib.loads((world / "sites.toml").read_text(encoding="utf-8"))["site"]}
    wanted = {}
    for line in (world / "truth.jsonl").read_text(encoding="utf-8").splitlines():
        t = json.loads(line)
        if t.get("kind") == "article":
            wanted[t["url"]] = t.get("site")
    pages = []
    for path in sorted((world / "warc").glob("*.warc.gz")):
        with open(path, "rb") as fh:
            for rec in ArchiveIterator(fh):
                url = rec.rec_headers.get_header("WARC-Target-URI")
                if rec.rec_type == "response" and url in wanted and rec.http_headers.get_statuscode() == "200":
                    ctype = rec.http_headers.get_header("Content-Type") or ""
                    if "html" in ctype:
                        pages.append((cms.get(wanted[url], "auto"), url, rec.content_stream().read()))
    random.Random(0).shuffle(pages)
    return pages[:limit]


def _throughput(fn, pages) -> float:
    t0 = time.perf_counter()
    for p in pages:
        fn(p)
    return len(pages) / (time.perf_counter() - t0)


def bench_extract(pages: list[tuple[str, str, bytes]]) -> dict:
    import trafilatura

    from crawlers.extraction.html import decode_html, parse_html

    texts = [(decode_html(body), url) for _, url, body in pages]
    from crawlers.extraction import auto, engine
    from crawlers.extraction.families import family_of

    def read(cms: str, tree, url: str) -> dict:
        fam = family_of(cms)
        return auto.extract_article(tree, url) if fam is None else engine.extract_article(fam, tree, url)

    out = {"pages": len(pages)}
    out["trafilatura"] = _throughput(lambda t: trafilatura.extract(t[0], url=t[1]), texts)
    out["trafilatura_meta"] = _throughput(lambda t: trafilatura.extract(t[0], url=t[1], with_metadata=True), texts)
    out["parse"] = _throughput(lambda p: parse_html(p[2], p[1]), pages)
    out["ours"] = _throughput(lambda p: read(p[0], parse_html(p[2], p[1]), p[1]), pages)
    return out


def evaluate(world: Path, lake: Path) -> str:
    cmd = [PY, str(SHARED / "world" / "evaluate.py"), "--world", str(world), "--lake", str(lake)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    lines = [ln for ln in proc.stdout.splitlines() if ln.strip()]
    return lines[-1] if lines else f"evaluate failed: {(proc.stderr.strip().splitlines() or ['?'])[-1]}"


# --- profiling -------------------------------------------------------------------------------------------------------
def _top(stats: pstats.Stats, n: int = 10) -> list[str]:
    """The n project functions with the most cumulative time."""
    s = io.StringIO()
    stats.stream = s
    stats.sort_stats("cumulative").print_stats(rf"{REPO}/(crawlers|transforms|flows)/", n)
    return [ln.replace(f"{REPO}/", "") for ln in s.getvalue().splitlines() if "(" in ln or "ncalls" in ln]


def _timed_profile(fn) -> tuple[float, list[str]]:
    prof, t0 = cProfile.Profile(), time.perf_counter()
    prof.runcall(fn)
    return time.perf_counter() - t0, _top(pstats.Stats(prof))


def profile_stages(lake: Path, world: Path, run_id: str, crawl: dict) -> dict[str, tuple[float, list[str]]]:
    """cProfile of build_site (biggest site), assemble (first-run case), group_duplicates, one site's crawl."""
    from crawlers.registry import load_registry
    from flows.build import build_site
    from flows.lake import Lake
    from flows.publish import assemble
    from flows.run import site_info
    from transforms.dedup import DedupInput, group_duplicates

    sites = {s.id: s for s in load_registry(world / "sites.toml")}
    big = max(crawl, key=lambda s: crawl[s][1] or 0)  # most pages: build_site
    slow = max(crawl, key=lambda s: crawl[s][0] or 0)  # longest crawl: its process profile
    src = Lake(lake).work_dir(run_id)
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Lake(tmp)  # an empty lake: build and assemble as in a first run, the benchmark lake untouched
        todo = [sid for sid in sites if (src / sid / "records.jsonl").exists()]
        for sid in todo:
            shutil.copytree(src / sid, scratch.work_dir(run_id, sid), ignore=shutil.ignore_patterns("rows"))
            if sid != big:
                build_site(tmp, run_id, site_info(sites[sid]))
        out[f"build_site({big})"] = _timed_profile(lambda: build_site(tmp, run_id, site_info(sites[big])))
        folders = [str(scratch.work_dir(run_id, sid) / "rows") for sid in todo]
        now = dt.datetime.now(dt.UTC)
        out["assemble"] = _timed_profile(lambda: assemble(scratch, run_id, now, folders, set()))
    docs = Lake(lake).read_published("documents").select(["doc_id", "body", "content_hash", "published_date"]).to_pylist()
    inputs = [DedupInput(d["doc_id"], d["body"] or "", d["content_hash"] or "", d["published_date"]) for d in docs]
    out[f"group_duplicates({len(inputs)} docs)"] = _timed_profile(lambda: group_duplicates(inputs))
    out[f"crawl process ({slow})"] = profile_crawl(world, slow)
    return out


def profile_crawl(world: Path, site_id: str) -> tuple[float, list[str]]:
    """`python -m cProfile -m crawlers.run_site` replaying one site into a scratch folder."""
    with tempfile.TemporaryDirectory() as tmp:
        prof = Path(tmp) / "crawl.prof"
        cmd = [PY, "-m", "cProfile", "-o", str(prof), "-m", "crawlers.run_site", "--sites", str(world / "sites.toml"),
               "--site-id", site_id, "--run-id", "bench", "--out", str(Path(tmp) / "out"),
               "--raw", str(Path(tmp) / "raw.warc.gz"), "--replay", str(world / "warc")]
        t0 = time.monotonic()
        subprocess.run(cmd, cwd=REPO, capture_output=True, check=False)
        secs = time.monotonic() - t0
        return secs, _top(pstats.Stats(str(prof))) if prof.exists() else ["(no profile written)"]


# --- report ------------------------------------------------------------------------------------------------------------
def _verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def render(r: dict, notes: str) -> str:
    m, full, rerun, q, x = r["machine"], r["full"], r["rerun"], r["query"], r["extract"]
    pps = full["pages"] / full["seconds"] if full.get("pages") else 0.0
    ratio = rerun["seconds"] / full["seconds"] if full["seconds"] else 0.0
    rows = [
        ("full replay, pages/s (crawl_log ok)", f"{pps:.1f} ({full.get('pages')} pages in {full['seconds']:.1f} s)",
         "≥ 150", _verdict(pps >= TARGETS["pages_s"])),
        ("full replay, articles/s (HTML documents)", f"{full.get('articles', 0) / full['seconds']:.1f}", "", ""),
        ("unchanged rerun", f"{rerun['seconds']:.1f} s = {ratio:.0%} of full", "≤ 10 %",
         _verdict(ratio <= TARGETS["rerun_ratio"])),
        *([("unchanged rerun, long-lived Prefect server (`PREFECT_API_URL`)",
             f"{r['server']['rerun']:.1f} s = {r['server']['rerun'] / r['server']['full']:.0%} of full "
             f"({r['server']['full']:.1f} s; exit codes {r['server']['rc']})", "≤ 10 %",
             _verdict(r["server"]["rerun"] / r["server"]["full"] <= TARGETS["rerun_ratio"]))] if r.get("server") else []),
        ("peak RSS, process tree", f"{max(full['rss_mb'], rerun['rss_mb']):.0f} MB", "≤ 1024 MB",
         _verdict(max(full["rss_mb"], rerun["rss_mb"]) <= TARGETS["rss_mb"])),
        ("ranking query, `cchc query` end to end", f"{q['cli_ms']:.0f} ms", "≤ 200 ms", _verdict(q["cli_ms"] <= TARGETS["query_ms"])),
        ("ranking query, DuckDB execute (best of 5)", f"{q['duck_ms']:.1f} ms ({q['rows']} rows; connect "
         f"{q['connect_ms']:.0f} ms)", "", ""),
    ]
    lines = [
        "# Benchmarks", "", f"Generated by `python -m tests.bench --write` on {r['date']}.", "",
        "## Machine", "", f"- CPU: {m['cpu']}, {m['cores']} cores; RAM {m['ram_gb']} GB; Python {m['python']}",
        f"- {m['packages']}", "",
        "## Commands", "", "```", f"python ../shared/world/build.py --out {r['world']} --scale 100   # {r['build']}",
        f"cchc run --sites {r['world']}/sites.toml --replay {r['world']}/warc --lake LAKE   # fresh lake, then again",
        f'cchc query "{RANKING_SQL}" --lake LAKE --format csv',
        f"python ../shared/world/evaluate.py --world {r['world']} --lake LAKE", "```", "",
        "## Figures", "", "| measure | result | target | |", "|---|---|---|---|",
        *[f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows], "",
        f"Run status: full `{full.get('status')}` (exit {full['rc']}, failed sites: {full['failed_sites'] or 'none'}, "
        f"flow {full['flow_seconds']} s); rerun `{rerun.get('status')}` (exit {rerun['rc']}, failed sites: "
        f"{rerun['failed_sites'] or 'none'}, flow {rerun['flow_seconds']} s). Load average before the run: {m['load']}.",
        "",
        "Crawl seconds per site (full run, from run_report.json): "
        + ", ".join(f"{s} {v[0]} s / {v[1]} pages" for s, v in sorted(full.get("crawl", {}).items())), "",
        f"## Extraction throughput, one core ({x['pages']} article pages of the scale-100 WARCs)", "",
        "| extractor | pages/s |", "|---|---|",
        f"| trafilatura.extract | {x['trafilatura']:.0f} |",
        f"| trafilatura.extract, with_metadata | {x['trafilatura_meta']:.0f} |",
        f"| crawlers.extraction.html.parse_html only | {x['parse']:.0f} |",
        f"| parse_html + family extract_article (ours) | {x['ours']:.0f} |", "",
        "## evaluate.py", "", "```", r["evaluate"], "```", "",
    ]
    for name, (secs, top) in r.get("profile", {}).items():
        lines += [f"### Profile: {name}, {secs:.2f} s", "", "```", *top, "```", ""]
    return "\n".join(lines) + "\n" + notes


def _kept_notes(path: Path) -> str:
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    i = text.find(NOTES_HEADING)
    return text[i:] if i >= 0 else f"{NOTES_HEADING}\n\n(to be written from the profiles above)\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.bench")
    ap.add_argument("--world", type=Path, default=Path("/tmp/cchc-bench/world100"))
    ap.add_argument("--sample", type=int, default=2000, help="article pages for the extraction comparison")
    ap.add_argument("--write", action="store_true", help="rewrite BENCHMARKS.md")
    ap.add_argument("--profile", action="store_true", help="cProfile the stages (slower)")
    ap.add_argument("--no-server", action="store_true", help="skip the runs against a long-lived Prefect server")
    ap.add_argument("--keep-lake", action="store_true", help="keep the benchmark lake for inspection")
    args = ap.parse_args(argv)
    world = args.world.resolve()
    r = {"machine": machine(), "world": str(world), "build": ensure_world(world),
         "date": dt.datetime.now().strftime("%Y-%m-%d %H:%M")}
    lake = Path(tempfile.mkdtemp(prefix="lake-", dir=world.parent))
    run = [*CCHC, "run", "--sites", str(world / "sites.toml"), "--replay", str(world / "warc"), "--lake", str(lake)]
    print(f"world {world} ({r['build']}); lake {lake}", file=sys.stderr)
    r["full"] = run_tree(run)
    print(f"full run: {r['full']}", file=sys.stderr)
    if r["full"]["rc"] != 0 or not (lake / "published" / "run_report.json").exists():
        print(f"full run failed (lake kept: {lake}): " + " | ".join(r["full"]["stderr"]), file=sys.stderr)
        return 1
    r["full"].update(run_facts(lake))
    r["rerun"] = run_tree(run)
    rerun = latest_report(lake)
    r["rerun"].update(status=rerun.get("status"), failed_sites=rerun["failed_sites"], flow_seconds=rerun.get("seconds"))
    if not args.no_server:
        r["server"] = with_server(world)
    r["query"] = bench_query(lake)
    r["extract"] = bench_extract(article_pages(world, args.sample))
    r["evaluate"] = evaluate(world, lake)
    if args.profile:
        r["profile"] = profile_stages(lake, world, r["full"]["run_id"], r["full"]["crawl"])
    if not args.keep_lake:
        shutil.rmtree(lake, ignore_errors=True)
    out = REPO / "BENCHMARKS.md"
    text = render(r, _kept_notes(out))
    if args.write:
        out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
