"""The service index API end to end: refusals open the circuit breaker and keep the last release's facts;
a live POST is archived with its exact body and replays by canonical body."""
from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pyarrow.dataset as ds
import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawlers.settings import USER_AGENT
from tests.conftest import run_cchc
from tests.loopback import LoopbackServer, read_jsonl, run_site
from tests.test_dichvucong import DVC, all_calls, needs_world, start_pages
from transforms.requests import canonical_body

REJECTED = (b"<html><head><title>Request Rejected</title></head><body>The requested URL was rejected. "
            b"Please consult with your administrator.<br>Your support ID is: 1234567890</body></html>")


def live_site_args(tmp_path: Path, server: LoopbackServer, *start_paths: str) -> list[str]:
    """A dichvucong registry entry for the loopback server, and the run_site arguments that crawl it at once."""
    sites = tmp_path / "sites.toml"
    starts = ", ".join(f'"{server.base}{p}"' for p in start_paths)
    sites.write_text(f'[[site]]\nid = "dvc"\nname = "DVC"\ncms = "dichvucong"\nkind = "national"\n'
                     f'base_url = "{server.base}"\nstart_urls = [{starts}]\nlevel = "national"\n', encoding="utf-8")
    return ["--sites", str(sites), "--site-id", "dvc", "--set", "CCHC_ALLOW_PRIVATE_ADDRESSES=1",
            "--set", "AUTOTHROTTLE_ENABLED=0", "--set", "DOWNLOAD_DELAY=0"]


def published(lake: Path, table: str) -> list[dict]:
    return ds.dataset(str(lake / "published" / table), format="parquet", partitioning="hive").to_table().to_pylist()


def fact_set(lake: Path) -> set:
    return {(f["entity_type"], f["province_code"], f["entity_name"], f["indicator"], f["component"], f["period"],
             f["value"], f["provisional"]) for f in published(lake, "indicators")}


def refused_copy(dst: Path, refused_request: str, kind: str) -> Path:
    """The world's archive with the answer to one request replaced by a refusal."""
    src = next((DVC / "warc").glob("*.warc.gz"))
    with open(src, "rb") as fh:
        recs = []
        for r in ArchiveIterator(fh):
            recs.append((r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), dict(r.rec_headers.headers),
                         r.http_headers, r.content_stream().read()))
    target = set()
    for rec_type, _, h, http, body in recs:
        if rec_type == "request" and canonical_body(body, http.get_header("Content-Type")) == refused_request:
            target |= {h["WARC-Record-ID"], h.get("WARC-Concurrent-To")}
    dst.mkdir(parents=True, exist_ok=True)
    with open(dst / "refused.warc.gz", "wb") as out:
        w = WARCWriter(out, gzip=True)
        for rec_type, uri, h, http, body in recs:
            if rec_type == "response" and h["WARC-Record-ID"] in target:
                date = http.get_header("Date")
                if kind == "429":
                    http = StatusAndHeaders("429 Too Many Requests", [("Content-Type", "text/html"), ("Retry-After", "3600"),
                                                                       ("Date", date)], protocol="HTTP/1.1")
                    body = b"<html><body>Too Many Requests</body></html>"
                else:
                    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Date", date)],
                                            protocol="HTTP/1.1")
                    body = REJECTED
            keep = {k: v for k, v in h.items() if k in ("WARC-Date", "WARC-Record-ID", "WARC-Concurrent-To")}
            w.write_record(w.create_warc_record(uri, rec_type, payload=io.BytesIO(body), http_headers=http,
                                                warc_headers_dict=keep))
    return dst


@pytest.fixture(scope="module")
def first_lake(tmp_path_factory) -> Path:
    if not DVC.exists():
        pytest.skip("../shared/world/dvc is not beside the checkout")
    lake = tmp_path_factory.mktemp("dvc") / "lake"
    p = run_cchc("run", "--sites", str(DVC / "sites.toml"), "--replay", str(DVC / "warc"), "--lake", str(lake))
    assert p.returncode == 0, p.stderr[-3000:]
    return lake


@needs_world
@pytest.mark.parametrize("kind", ["429", "html"])
def test_refusal_opens_the_breaker_and_keeps_the_last_facts(first_lake, tmp_path, kind):
    before = fact_set(first_lake)
    assert before and all(f[7] is not None for f in before)
    lake = tmp_path / "lake"
    shutil.copytree(first_lake, lake)
    calls = all_calls()
    warc = refused_copy(tmp_path / "warc", calls[2].request, kind)
    p = run_cchc("run", "--sites", str(DVC / "sites.toml"), "--replay", str(warc), "--lake", str(lake))
    assert p.returncode == 0, p.stderr[-3000:]
    report = json.loads((lake / "published" / "run_report.json").read_text(encoding="utf-8"))
    run_id = report["run_id"]
    posts = [r for r in published(lake, "crawl_log") if r["run_id"] == run_id and r["method"] == "POST"]
    # one request at a time: the refusal is the third POST, and nothing is asked after it
    assert [(r["request"], r["outcome"]) for r in posts] == [
        (calls[0].request, "ok"), (calls[1].request, "ok"), (calls[2].request, "blocked")]
    assert posts[2]["error"].startswith("refused: ")
    site = report["sites"][0]
    assert site["blocked"] == 1 and site["exit_reason"] == "blocked"
    assert any("blocked" in a and "circuit breaker" in a for a in report["alarms"])
    assert fact_set(lake) == before                      # the last good facts of the site stay published
    assert published(lake, "units") == published(first_lake, "units")   # ids learned before are kept


def _legacy_page() -> bytes:
    return next(body for body in start_pages().values() if b"namselect" in body)


@needs_world
def test_live_post_is_archived_with_its_body_and_replays(tmp_path):
    def answer(handler):
        n = len(server.posts)
        if n >= 3:
            return 429, {"Content-Type": "text/html", "Retry-After": "3600"}, b"<html>slow down</html>"
        return 200, {"Content-Type": "application/json;charset=UTF-8"}, b"[]"
    server = LoopbackServer({"/p/index.html": [(200, {"Content-Type": "text/html; charset=utf-8"}, _legacy_page())],
                             "/jsp/rest.jsp": answer}).start()
    try:
        out = tmp_path / "live"
        args = [*live_site_args(tmp_path, server, "p/index.html"), "--set", "DOWNLOAD_TIMEOUT=30"]
        proc = run_site(*args, "--run-id", "live", "--out", str(out), "--raw", str(out / "raw.warc.gz"))
        assert proc.returncode == 0, proc.stderr[-2000:]
    finally:
        server.stop()
    assert len(server.posts) == 3                        # a Retry-After beyond the bound: no retry; then the breaker
    path, body, headers = server.posts[0]
    assert headers["X-Requested-With"] == "XMLHttpRequest" and headers["User-Agent"] == USER_AGENT
    assert headers["Referer"] == f"{server.base}p/index.html" and body.startswith(b"params=")
    log = read_jsonl(out / "crawl_log.jsonl")
    posts = [r for r in log if r["method"] == "POST"]
    assert [r["outcome"] for r in posts] == ["ok", "ok", "blocked"]
    assert [r["request"] for r in posts] == [canonical_body(b, "application/x-www-form-urlencoded")
                                             for _, b, _ in server.posts]
    assert json.loads((out / "summary.json").read_text())["exit_reason"] == "blocked"
    with open(out / "raw.warc.gz", "rb") as fh:
        recs = [(r.rec_type, r.rec_headers.get_header("WARC-Record-ID"), r.rec_headers.get_header("WARC-Concurrent-To"),
                 r.http_headers.protocol if r.rec_type == "request" else None, r.content_stream().read())
                for r in ArchiveIterator(fh)]
    ids = {rid: (t, to) for t, rid, to, _, _ in recs}
    sent = [b for t, _, _, method, b in recs if t == "request" and method == "POST"]
    assert sent == [b for _, b, _ in server.posts]       # the exact bodies, beside their responses
    assert all(ids[to][0] == "response" and ids[to][1] == rid for t, rid, to, m, _ in recs if m == "POST")
    # the run's own archive replays: the same answers by canonical body, the refusal again
    again = tmp_path / "replayed"
    proc = run_site(*args, "--run-id", "replay", "--out", str(again), "--raw", str(again / "raw.warc.gz"),
                    "--replay", str(out / "raw.warc.gz"))
    assert proc.returncode == 0, proc.stderr[-2000:]
    replayed = [(r["request"], r["outcome"]) for r in read_jsonl(again / "crawl_log.jsonl") if r["method"] == "POST"]
    assert replayed == [(r["request"], r["outcome"]) for r in posts]
    kinds = [r["kind"] for r in read_jsonl(again / "records.jsonl")]
    assert kinds == ["api_index", "api", "api"]


def test_refused_start_page_stops_the_site(tmp_path):
    server = LoopbackServer({"/a.html": [(403, {"Content-Type": "text/html"}, b"<html>Forbidden</html>")],
                             "/b.html": [(200, {"Content-Type": "text/html"}, b"<html></html>")]}).start()
    try:
        out = tmp_path / "live"
        proc = run_site(*live_site_args(tmp_path, server, "a.html", "b.html"), "--run-id", "r",
                        "--out", str(out), "--raw", str(out / "raw.warc.gz"))
        assert proc.returncode == 0, proc.stderr[-2000:]
    finally:
        server.stop()
    log = [(r["url"].replace(server.base, "/"), r["outcome"], r["error"]) for r in read_jsonl(out / "crawl_log.jsonl")
           if not r["url"].endswith("robots.txt")]
    assert log == [("/a.html", "blocked", "refused: HTTP 403")]
    assert "/b.html" not in server.hits
    assert json.loads((out / "summary.json").read_text())["exit_reason"] == "blocked"


@needs_world
def test_units_table_learns_ids_beside_their_hcode(first_lake):
    units = published(first_lake, "units")
    assert len(units) == 97 and all(u["dvc_hcode"] for u in units)
    by = {(u["valid_from"] is not None, u["dvc_hcode"]): u for u in units}
    assert len(by) == 97
    src = next((DVC / "warc").glob("*.warc.gz"))
    checked = 0
    with open(src, "rb") as fh:
        for r in ArchiveIterator(fh):
            if r.rec_type != "response" or "json" not in (r.http_headers.get_header("Content-Type") or ""):
                continue
            answer = json.loads(r.content_stream().read())
            if isinstance(answer, list):
                provinces = [x for x in answer if x.get("CAPDONVIID") == "0"]
                for x in provinces:
                    unit = by[(len(provinces) <= 34, x["MA_COQUAN"].rsplit(".", 1)[1])]
                    assert unit["dvc_legacy_id"] == x["ID"]
                    checked += 1
            else:
                for x in answer["data"]["evaluation"]:
                    if "groupScores" in x:
                        assert by[(True, x["departmentCode"])]["dvc_uuid"] == x["departmentId"]
                        checked += 1
    assert checked > 97


@needs_world
def test_429_within_the_bound_is_waited_for_then_asked_again(tmp_path):
    def answer(handler):
        if len(server.posts) == 2:
            return 429, {"Content-Type": "text/html", "Retry-After": "1"}, b"<html>slow down</html>"
        return 200, {"Content-Type": "application/json"}, b"[]"
    server = LoopbackServer({"/p/index.html": [(200, {"Content-Type": "text/html; charset=utf-8"}, _legacy_page())],
                             "/jsp/rest.jsp": answer}).start()
    try:
        out = tmp_path / "live"
        proc = run_site(*live_site_args(tmp_path, server, "p/index.html"), "--set", "DOWNLOAD_TIMEOUT=30",
                        "--max-pages", "5", "--run-id", "r", "--out", str(out), "--raw", str(out / "raw.warc.gz"))
        assert proc.returncode == 0, proc.stderr[-2000:]
    finally:
        server.stop()
    posts = [(r["outcome"], r["status"]) for r in read_jsonl(out / "crawl_log.jsonl") if r["method"] == "POST"]
    assert posts == [("ok", 200), ("http_error", 429), ("ok", 200), ("ok", 200), ("ok", 200)]   # 4 calls, one asked twice
    times = [t for path, t in server.hit_times if path == "/jsp/rest.jsp"]
    assert times[2] - times[1] >= 0.9                    # after the Retry-After it stated
    assert json.loads((out / "summary.json").read_text())["exit_reason"] == "page_budget"


def test_page_without_the_api_form_is_reported(tmp_path):
    server = LoopbackServer({"/a.html": [(200, {"Content-Type": "text/html"}, b"<html><body>moved</body></html>")]}).start()
    try:
        out = tmp_path / "live"
        proc = run_site(*live_site_args(tmp_path, server, "a.html"), "--run-id", "r",
                        "--out", str(out), "--raw", str(out / "raw.warc.gz"))
        assert proc.returncode == 0, proc.stderr[-2000:]
    finally:
        server.stop()
    (rec,) = read_jsonl(out / "records.jsonl")
    assert (rec["kind"], rec["missing"], rec["offered"]) == ("api_index", ["api form"], 0)
    assert not [p for p, _, _ in server.posts]
