"""Probing a site before crawling it (crawlers/probe.py, flows/unchanged.py): replayed and live, without Prefect."""
import http.server
import json
import threading

import pyarrow as pa

from crawlers.archive import WarcArchive
from crawlers.registry import Site
from crawlers.replay import WarcIndex
from flows.lake import Lake
from flows.unchanged import SiteHistory, probe_site, site_histories

BASE = "https://portal.example.vn"
START = f"{BASE}/tin-tuc"
SITE = Site(id="portal", name="Portal", cms="auto", kind="news", base_url=BASE + "/", start_urls=(START,),
            level="province", province="52")
HTML = "text/html; charset=utf-8"


def page(links: list[str], counter: int = 1) -> bytes:
    anchors = "".join(f'<li><a href="{u}">bài {i}</a></li>' for i, u in enumerate(links))
    return (f"<html><body><ul>{anchors}</ul><a href='https://other.example.com/x'>ngoài</a>"
            f"<p>Lượt truy cập: {counter}</p></body></html>").encode()


def write_warc(path, pages: dict[str, tuple[int, bytes]], headers=()):
    archive = WarcArchive(path)
    for url, (status, body) in pages.items():
        archive.write_response(url, status, [("Content-Type", HTML), *headers], body)
    archive.close()
    return path


def lake_with_last_run(tmp_path, start_body: bytes, headers=()) -> Lake:
    lake = Lake(tmp_path / "lake")
    write_warc(lake.raw_dir("R1") / "portal.warc.gz", {f"{BASE}/robots.txt": (404, b""), START: (200, start_body)}, headers)
    return lake


def history(failed=(), last_seen=()) -> SiteHistory:
    return SiteHistory(last_run="R1", last_ok_run={START: "R1"}, failed=list(failed), last_seen=list(last_seen))


def probe_rows(lake: Lake) -> list[dict]:
    path = lake.work_dir("R2", "portal") / "probe_log.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_history_keeps_only_sites_whose_last_run_was_complete():
    log = pa.table({
        "run_id": ["R1", "R1", "R1", "R2", "R2", "R2", "R1", "R1"],
        "site_id": ["a", "a", "a", "a", "a", "a", "b", "b"],
        "url": [START, f"{BASE}/x", f"{BASE}/y", START + "#top", f"{BASE}/down", f"{BASE}/big", START, f"{BASE}/z"],
        "status": [200, 500, 404, 200, 503, None, 200, 500],
        "outcome": ["ok", "http_error", "http_error", "ok", "http_error", "network_error", "ok", "http_error"],
        "error": [None, "HTTP 500", "HTTP 404", None, "HTTP 503", "too large: over the cap", None, "HTTP 500"],
    })
    report = {"sites": [{"site_id": "a", "ok": True, "exit_reason": "finished"},
                        {"site_id": "b", "ok": True, "exit_reason": "page_budget"}]}
    sites = [Site(**{**SITE.__dict__, "id": "a"}), Site(**{**SITE.__dict__, "id": "b"})]
    got = site_histories(log, report, sites)
    assert set(got) == {"a"}
    # the last run decides what failed: /x failed in R1 only; a 404 and the size cap are not retried
    assert got["a"] == SiteHistory(last_run="R2", last_ok_run={START: "R2"}, failed=[f"{BASE}/down"])
    assert site_histories(log, None, sites) == {}


def test_replayed_start_page_that_links_to_nothing_new_means_unchanged(tmp_path):
    links = [f"{BASE}/bai-1.html", f"{BASE}/bai-2.html", f"{BASE}/bai-3.html"]
    lake = lake_with_last_run(tmp_path, page(links, counter=7))
    # Tonight: the visitor counter moved and the oldest item dropped off; nothing new.
    replay = write_warc(tmp_path / "tonight.warc.gz", {f"{BASE}/robots.txt": (404, b""), START: (200, page(links[:2], counter=9))})
    v = probe_site(lake, "R2", SITE, history(last_seen=links), [str(replay)])
    assert (v.unchanged, v.reason) == (True, "start pages link to nothing new")
    # bai-3 was seen last run but is no longer linked from the start page: not logged, still kept as seen
    assert [(r["url"], r["outcome"], r["status"]) for r in probe_rows(lake)] == [
        (f"{BASE}/robots.txt", "http_error", 404), (START, "ok", 200), *((u, "skipped_known", None) for u in links[:2])]
    archived = WarcIndex([lake.raw_dir("R2") / "portal.probe.warc.gz"])
    assert archived.get(START).body == page(links[:2], counter=9)


def test_a_new_link_on_the_start_page_means_a_crawl(tmp_path):
    links = [f"{BASE}/bai-1.html", f"{BASE}/bai-2.html"]
    lake = lake_with_last_run(tmp_path, page(links))
    replay = write_warc(tmp_path / "tonight.warc.gz", {START: (200, page([f"{BASE}/bai-3.html", *links]))})
    v = probe_site(lake, "R2", SITE, history(), [str(replay)])
    assert (v.unchanged, v.reason) == (False, f"start page {START} links to 1 new page(s)")


def test_a_page_that_failed_last_run_and_answers_now_means_a_crawl(tmp_path):
    body = page([f"{BASE}/bai-1.html"])
    lake = lake_with_last_run(tmp_path, body)
    still_down = write_warc(tmp_path / "a.warc.gz", {START: (200, body), f"{BASE}/bai-1.html": (500, b"")})
    assert probe_site(lake, "R2", SITE, history([f"{BASE}/bai-1.html"]), [str(still_down)]).unchanged is True
    back = write_warc(tmp_path / "b.warc.gz", {START: (200, body), f"{BASE}/bai-1.html": (200, b"<p>ok</p>")})
    v = probe_site(lake, "R3", SITE, history([f"{BASE}/bai-1.html"]), [str(back)])
    assert (v.unchanged, v.reason) == (False, f"{BASE}/bai-1.html failed last run and answers 200 now")


def test_a_start_page_that_fails_or_has_no_earlier_copy_means_a_crawl(tmp_path):
    lake = lake_with_last_run(tmp_path, page([]))
    down = write_warc(tmp_path / "a.warc.gz", {START: (503, b"")})
    assert probe_site(lake, "R2", SITE, history(), [str(down)]).reason == f"start page {START} answered 503"
    missing = write_warc(tmp_path / "b.warc.gz", {})
    assert probe_site(lake, "R3", SITE, history(), [str(missing)]).reason == f"start page {START} answered not in archive"
    v = probe_site(lake, "R4", SITE, SiteHistory("R1", {}), [str(down)])
    assert (v.unchanged, v.reason) == (False, f"no earlier copy of the start page {START}")


def test_robots_txt_is_obeyed(tmp_path):
    lake = lake_with_last_run(tmp_path, page([]))
    replay = write_warc(tmp_path / "a.warc.gz", {f"{BASE}/robots.txt": (200, b"User-agent: *\nDisallow: /tin-tuc\n"),
                                                  START: (200, page([]))})
    v = probe_site(lake, "R2", SITE, history(), [str(replay)])
    assert v.unchanged is False
    assert [(r["url"], r["outcome"]) for r in probe_rows(lake)] == [
        (f"{BASE}/robots.txt", "ok"), (START, "robots_disallowed")]


class Portal(http.server.BaseHTTPRequestHandler):
    seen: list[tuple[str, str, str]] = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        Portal.seen.append((self.path, self.headers.get("If-None-Match", ""), self.headers.get("User-Agent", "")))
        if self.path == "/robots.txt":
            self.send_response(404)
            self.end_headers()
        elif self.headers.get("If-None-Match") == '"v1"':
            self.send_response(304)
            self.end_headers()
        else:
            body = page(["/bai-1.html"])
            self.send_response(200)
            self.send_header("Content-Type", HTML)
            self.send_header("ETag", '"v1"')
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_live_probe_asks_conditionally_and_takes_304_as_unchanged(tmp_path, monkeypatch):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Portal)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    site = Site(**{**SITE.__dict__, "base_url": base + "/", "start_urls": (base + "/tin-tuc",)})
    lake = Lake(tmp_path / "lake")
    write_warc(lake.raw_dir("R1") / "portal.warc.gz", {base + "/tin-tuc": (200, page(["/bai-1.html"]))},
               headers=[("ETag", '"v1"')])
    import crawlers.probe

    monkeypatch.setattr(crawlers.probe, "_resolves_private", lambda host: False)  # loopback stands in for a portal
    try:
        v = probe_site(lake, "R2", site, SiteHistory("R1", {base + "/tin-tuc": "R1"}), None)
    finally:
        server.shutdown()
    assert (v.unchanged, v.reason) == (True, "start pages link to nothing new")
    assert [(p, etag) for p, etag, _ in Portal.seen] == [("/robots.txt", ""), ("/tin-tuc", '"v1"')]
    assert all(ua.startswith("cchc/") for _, _, ua in Portal.seen)
    assert [(r["outcome"], r["status"]) for r in probe_rows(lake)] == [("http_error", 404), ("not_modified", 304)]


def test_live_probe_refuses_private_addresses(tmp_path):
    site = Site(**{**SITE.__dict__, "base_url": "http://127.0.0.1:9/", "start_urls": ("http://127.0.0.1:9/tin-tuc",)})
    lake = Lake(tmp_path / "lake")
    write_warc(lake.raw_dir("R1") / "portal.warc.gz", {"http://127.0.0.1:9/tin-tuc": (200, page([]))})
    v = probe_site(lake, "R2", site, SiteHistory("R1", {"http://127.0.0.1:9/tin-tuc": "R1"}), None)
    assert v.reason == "start page http://127.0.0.1:9/tin-tuc answered 127.0.0.1 is a private address: not fetched"


def test_an_archive_rewritten_in_place_is_read_again(tmp_path):
    links = [f"{BASE}/bai-1.html"]
    lake = lake_with_last_run(tmp_path, page(links))
    replay = tmp_path / "same-path.warc.gz"
    write_warc(replay, {START: (200, page(links))})
    assert probe_site(lake, "R2", SITE, history(), [str(replay)]).unchanged is True
    write_warc(replay, {START: (200, page([f"{BASE}/bai-2.html", *links]))})
    assert probe_site(lake, "R3", SITE, history(), [str(replay)]).reason == f"start page {START} links to 1 new page(s)"
