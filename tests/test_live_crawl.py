"""Live crawling against a loopback server, each crawl in its own run_site subprocess."""
import time
from collections import Counter
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawlers.settings import USER_AGENT, build_settings, is_private_host, retry_after_seconds
from tests.loopback import LoopbackServer, read_jsonl, run_site

HTML = {"Content-Type": "text/html; charset=utf-8"}
LAST_MODIFIED = "Wed, 01 Jan 2025 00:00:00 GMT"
FAST = ["--set", "AUTOTHROTTLE_ENABLED=0", "--set", "DOWNLOAD_DELAY=0", "--set", "CCHC_RETRY_BACKOFF_BASE=0.05",
        "--set", "DOWNLOAD_TIMEOUT=1"]
ALLOW_LOOPBACK = ["--set", "CCHC_ALLOW_PRIVATE_ADDRESSES=1"]


def page(title: str, links: list[str] = ()) -> bytes:
    anchors = "".join(f'<a href="{href}">{href}</a>' for href in links)
    return f"<html><head><title>{title}</title></head><body>{anchors}</body></html>".encode()


def slow(handler):
    time.sleep(2)
    return 200, HTML, page("slow")


def conditional(handler):
    if handler.headers.get("If-Modified-Since") == LAST_MODIFIED:
        return 304, {}, b""
    return 200, {**HTML, "Last-Modified": LAST_MODIFIED}, page("a1")


def serve(with_slow: bool) -> LoopbackServer:
    srv = LoopbackServer({})
    off_site = f"http://localhost:{srv.port}/elsewhere"
    links = ["/a1", "/flaky", "/gone", "/private/secret", "/away", "/boom", "/moved"] + (["/slow"] if with_slow else [])
    srv.routes.update({
        "/robots.txt": [(200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /private/\n")],
        "/": [(200, HTML, page("home", links))],
        "/a1": conditional,
        "/flaky": [(503, {**HTML, "Retry-After": "1"}, page("busy")), (200, HTML, page("flaky ok"))],
        "/away": [(302, {"Location": off_site}, b"")],
        "/moved": [(301, {"Location": "/a1"}, b"")],
        "/boom": [(200, HTML, page("boom"))],
        "/private/secret": [(200, HTML, page("secret"))],
        "/elsewhere": [(200, HTML, page("elsewhere"))],
        "/slow": slow,
    })
    return srv.start()


@pytest.fixture
def server():
    srv = serve(with_slow=False)
    yield srv
    srv.stop()


@pytest.fixture
def slow_server():
    srv = serve(with_slow=True)
    yield srv
    srv.stop()


def sites_file(tmp_path: Path, base: str) -> Path:
    p = tmp_path / "sites.toml"
    p.write_text(f'[[site]]\nid = "loop"\nname = "Loopback"\ncms = "auto"\nkind = "news"\nbase_url = "{base}"\n'
                 f'start_urls = ["{base}"]\nlevel = "province"\nprovince = "52"\n', encoding="utf-8")
    return p


def crawl(tmp_path: Path, server: LoopbackServer, name: str, *extra: str):
    out = tmp_path / name
    proc = run_site("--sites", str(sites_file(tmp_path, server.base)), "--site-id", "loop", "--run-id", name,
                    "--out", str(out), "--raw", str(out / "raw.warc.gz"), "--spider", "tests.loopback:LinkSpider",
                    *FAST, *extra)
    assert proc.returncode == 0, proc.stderr
    return out, read_jsonl(out / "crawl_log.jsonl"), read_jsonl(out / "records.jsonl")


def by_path(log: list[dict], server: LoopbackServer) -> dict[str, list[tuple]]:
    out: dict[str, list[tuple]] = {}
    for r in log:
        path = r["url"].replace(server.base, "/", 1)
        out.setdefault(path, []).append((r["outcome"], r["status"], r["error"]))
    return out


def test_live_crawl(tmp_path, slow_server):
    server = slow_server
    out, log, records = crawl(tmp_path, server, "live", *ALLOW_LOOPBACK)
    got = by_path(log, server)
    assert got["/robots.txt"] == [("ok", 200, None)]
    assert got["/private/secret"] == [("robots_disallowed", None, "disallowed by robots.txt")]
    assert "/private/secret" not in server.hits
    assert got["/flaky"] == [("http_error", 503, "HTTP 503"), ("ok", 200, None)]
    first, second = [t for p, t in server.hit_times if p == "/flaky"]
    assert second - first >= 0.9  # Retry-After: 1 honoured (the backoff alone would wait 0.05 s)
    assert got["/gone"] == [("http_error", 404, "HTTP 404")]
    assert got["/away"] == [("redirect", 302, "off-site: not followed")]
    assert "/elsewhere" not in server.hits
    assert got["/moved"] == [("redirect", 301, f"-> {server.base}a1")]
    assert got["/boom"] == [("ok", 200, None), ("parse_error", 200, "ValueError: broken page second line")]
    assert [o for o, _, _ in got["/slow"]] == ["network_error"] * 3  # timed out, retried twice
    assert all(e.startswith("DownloadTimeoutError: ") for _, _, e in got["/slow"]), got["/slow"]
    titles = sorted(r["title"] for r in records)
    assert titles == ["a1", "flaky ok"]  # /moved lands on /a1, already fetched (dupe filtered)
    with open(out / "raw.warc.gz", "rb") as fh:
        kinds = Counter((r.rec_type, r.rec_headers.get_header("WARC-Target-URI")) for r in ArchiveIterator(fh))
    fetched = Counter(r["url"] for r in log if r["status"] is not None and r["outcome"] != "parse_error")
    assert {u: n for (t, u), n in kinds.items() if t == "response"} == dict(fetched)
    assert {u: n for (t, u), n in kinds.items() if t == "request"} == dict(fetched)


def test_private_addresses_refused_by_default(tmp_path, server):
    _, log, records = crawl(tmp_path, server, "public")
    assert [(r["outcome"], r["error"]) for r in log] == [("network_error", "private address: not fetched")]
    assert records == [] and server.hits == []


def test_known_urls_revalidated_or_skipped(tmp_path, server):
    known = tmp_path / "known.txt"
    known.write_text(f"{server.base}a1\t{LAST_MODIFIED}\n{server.base}gone\n", encoding="utf-8")
    _, log, records = crawl(tmp_path, server, "incr", *ALLOW_LOOPBACK, "--known", str(known))
    got = by_path(log, server)
    assert got["/a1"] == [("not_modified", 304, None)]
    assert got["/gone"] == [("skipped_known", None, "known from an earlier run")]
    assert "/gone" not in server.hits
    assert [r["title"] for r in records] == ["flaky ok"]


def test_full_ignores_known(tmp_path, server):
    known = tmp_path / "known.txt"
    known.write_text(f"{server.base}gone\n", encoding="utf-8")
    _, log, _ = crawl(tmp_path, server, "full", *ALLOW_LOOPBACK, "--known", str(known), "--full")
    assert by_path(log, server)["/gone"] == [("http_error", 404, "HTTP 404")]


# --- policy, without a crawl ---

def test_live_and_replay_settings(tmp_path):
    live = build_settings(site_id="s", base_url="https://a.gov.vn/", run_id="r", out_dir=tmp_path, raw_path=tmp_path)
    assert (live["USER_AGENT"], live["ROBOTSTXT_OBEY"], live["AUTOTHROTTLE_ENABLED"]) == (USER_AGENT, True, True)
    assert (live["REMOTE_CONTROL_ENABLED"], live["TELNETCONSOLE_ENABLED"], live["HTTPCACHE_ENABLED"]) == (
        False, False, False)
    assert (live["RETRY_TIMES"], live["DOWNLOAD_TIMEOUT"], live["DOWNLOAD_MAXSIZE"]) == (2, 30, 30 * 1024 * 1024)
    # One request at a time per host, at least DOWNLOAD_DELAY apart (no jitter below it), Crawl-delay honoured.
    assert (live["CONCURRENT_REQUESTS_PER_DOMAIN"], live["DOWNLOAD_DELAY"], live["DOWNLOAD_DELAY_JITTER"]) == (1, 1.0, 0.0)
    assert live["EXTENSIONS"] == {"scrapy.extensions.throttle.AutoThrottle": None, "crawlers.politeness.PoliteThrottle": 0}
    assert "crawlers.replay.ReplayMiddleware" not in live["DOWNLOADER_MIDDLEWARES"]
    replay = build_settings(site_id="s", base_url="https://a.gov.vn/", run_id="r", out_dir=tmp_path,
                            raw_path=tmp_path, replay_paths=["x"], overrides={"DOWNLOAD_MAXSIZE": "5"})
    assert (replay["AUTOTHROTTLE_ENABLED"], replay["DOWNLOAD_DELAY"], replay["ROBOTSTXT_OBEY"]) == (False, 0, True)
    assert replay["DOWNLOADER_MIDDLEWARES"]["crawlers.replay.ReplayMiddleware"] == 990
    assert replay["DOWNLOAD_MAXSIZE"] == "5"


@pytest.mark.parametrize("host,private", [
    ("127.0.0.1", True), ("10.1.2.3", True), ("192.168.0.1", True), ("169.254.1.1", True), ("[::1]", True),
    ("localhost", True), ("8.8.8.8", False), ("sxd.example.gov.vn", False),
])
def test_is_private_host(host, private):
    assert is_private_host(host) is private


def test_retry_after():
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds(None) is None and retry_after_seconds("soon") is None
    from datetime import UTC, datetime
    now = datetime(2025, 1, 1, 0, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("Wed, 01 Jan 2025 00:00:30 GMT", now) == 30.0
