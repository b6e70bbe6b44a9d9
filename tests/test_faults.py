"""Fault injection: a loopback server misbehaves, each crawl runs in its own run_site subprocess, and each
test says what the crawl log, the records and the exit code must be."""
import gzip

import pytest

from crawlers.crawl_log import error_of_exception
from tests.fault_server import (
    DOCX_SKELETON,
    HTML,
    XLSX_SKELETON,
    article,
    listing,
    pdf_bomb,
    reset_before_answer,
    reset_mid_body,
    run_crawl,
    sleeper,
    to_cp1258,
    trickle,
    unsized,
    zip_bomb,
)
from tests.loopback import LoopbackServer

TITLE = "Kết quả Chỉ số cải cách hành chính năm 2024"
TEXT = ["Năm 2024, Chỉ số CCHC của tỉnh đạt 85,02%, xếp thứ 12/63 tỉnh, thành phố.",
        "Tỷ lệ hồ sơ giải quyết đúng hạn đạt 98,5%; tiếp nhận 1.411 hồ sơ trực tuyến."]
LINK = "Kết quả thực hiện công tác cải cách hành chính"  # long enough for a listing's article link
PDF_BOMB = pdf_bomb(20_000_000)  # one page whose content stream inflates 1000:1


def ok_page(name: str):
    return 200, HTML, article(f"{TITLE} ({name})", TEXT).encode()


def routes(base: str) -> dict:
    chain = {f"/chain/{i}": [(302, {"Location": f"/chain/{i + 1}"}, b"")] for i in range(1, 30)}
    return {
        "/robots.txt": [(200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n")],
        "/ok": [ok_page("ok")],
        "/timeout": sleeper(4, ok_page("late")),
        "/reset": reset_before_answer,
        "/reset-mid": reset_mid_body,
        "/trickle": trickle(ok_page("trickle")[2], chunks=8, pause=0.25),
        "/busy": [(429, {**HTML, "Retry-After": "1"}, b"too many requests"), ok_page("busy")],
        "/storm/1": [(500, HTML, b"error")],
        "/storm/2": [(502, HTML, b"bad gateway")],
        "/storm/3": [(503, HTML, b"unavailable")],
        "/loop/a": [(302, {"Location": "/loop/b"}, b"")],
        "/loop/b": [(301, {"Location": f"{base}loop/a#top"}, b"")],
        "/self": [(302, {"Location": "/self"}, b"")],
        **chain,
        "/away": [(302, {"Location": "http://elsewhere.invalid/x"}, b"")],
        "/away-local": [(301, {"Location": base.replace("127.0.0.1", "localhost") + "secret"}, b"")],
        "/secret": [ok_page("secret")],
        "/big": [(200, HTML, article("big", ["x" * 50_000]).encode())],
        "/big-unsized": unsized(article("big", ["x" * 50_000]).encode()),
        "/gzip-bomb": [(200, {**HTML, "Content-Encoding": "gzip"}, gzip.compress(b" " * 5_000_000))],
        "/gzip-garbage": [(200, {**HTML, "Content-Encoding": "gzip"}, b"\x1f\x8b\x08\x00not gzip at all" * 20)],
        "/gzip-good": [(200, {**HTML, "Content-Encoding": "gzip"}, gzip.compress(ok_page("gzip")[2]))],
        "/cp1258-as-utf8": [(200, HTML, to_cp1258(article(TITLE, TEXT, charset="utf-8")))],
        "/utf8-as-cp1258": [(200, {"Content-Type": "text/html; charset=windows-1258"},
                             article(TITLE, TEXT, charset="windows-1258").encode())],
        "/report": [(200, HTML, article(f"{TITLE} (đính kèm)", TEXT, extra=(
            '<p><a href="/files/bao-cao.docx">Báo cáo (DOCX)</a> <a href="/files/so-lieu.xlsx">Số liệu</a> '
            '<a href="/files/ket-qua.pdf">Kết quả (PDF)</a></p>')).encode())],
        "/files/bao-cao.docx": [(200, {"Content-Type": "application/octet-stream"},
                                 zip_bomb("word/media/blob.bin", 3_000_000, DOCX_SKELETON))],
        "/files/so-lieu.xlsx": [(200, {"Content-Type": "application/octet-stream"},
                                 zip_bomb("xl/worksheets/sheet1.xml", 3_000_000, XLSX_SKELETON))],
        "/files/ket-qua.pdf": [(200, {"Content-Type": "application/pdf"}, PDF_BOMB)],
    }


@pytest.fixture(scope="module")
def server():
    srv = LoopbackServer({})
    srv.routes.update(routes(srv.base))
    srv.start()
    yield srv
    srv.stop()


def crawl(tmp_path, server, name: str, paths: list[str], *settings: str, spider=None, base=None):
    """A site whose start page lists `paths` (plus /ok, the page every crawl must still record)."""
    server.routes[f"/l/{name}"] = [(200, HTML, listing([(p, f"{LINK} {i}") for i, p in enumerate([*paths, "/ok"])])
                                    .encode())]
    base = base or server.base
    c = run_crawl(tmp_path / name, base, start=f"{base}l/{name}", spider=spider,
                  settings=["CCHC_ALLOW_PRIVATE_ADDRESSES=1", *settings] if base == server.base else list(settings))
    assert c.returncode == 0, c.stderr[-2000:]
    assert c.summary["finished"] is True and c.summary["exit_reason"] == "finished"
    assert c.rows(f"{base}ok") == [("ok", 200, None)], c.log
    assert f"{TITLE} (ok)" in [r["title"] for r in c.records]
    return c


def titles(c) -> list[str]:
    return sorted(r["title"] or "" for r in c.records)


def test_timeout_is_retried_then_logged(tmp_path, server):
    c = crawl(tmp_path, server, "timeout", ["/timeout"])
    url = f"{server.base}timeout"
    err = f"DownloadTimeoutError: Getting {url} took longer than 1.5 seconds."
    assert c.rows(url) == [("network_error", None, err)] * 2  # RETRY_TIMES=1
    assert titles(c) == [f"{TITLE} (ok)"]
    assert c.summary["errors"] == {"network_error": 2}


def test_connection_reset_is_retried_then_logged(tmp_path, server):
    c = crawl(tmp_path, server, "reset", ["/reset", "/reset-mid"])
    lost = "ConnectionLost: Connection to the other side was lost in a non-clean fashion."
    assert c.rows(f"{server.base}reset") == [("network_error", None, f"DownloadFailedError: {lost}")] * 2
    assert c.rows(f"{server.base}reset-mid") == [("network_error", None, f"ResponseDataLossError: {lost}; _DataLoss")] * 2
    assert titles(c) == [f"{TITLE} (ok)"]


def test_slow_body_within_timeout_is_ok(tmp_path, server):
    c = crawl(tmp_path, server, "trickle", ["/trickle"], "DOWNLOAD_TIMEOUT=5")
    assert c.rows(f"{server.base}trickle") == [("ok", 200, None)]
    assert server.routes["/trickle"].durations[-1] >= 2.0  # longer than the suite's 1.5 s: it really trickled
    rec = next(r for r in c.records if r["url"].endswith("/trickle"))
    assert (rec["title"], rec["paragraphs"]) == (f"{TITLE} (trickle)", TEXT)


def test_429_retry_after_is_honoured(tmp_path, server):
    c = crawl(tmp_path, server, "busy", ["/busy"])
    assert c.rows(f"{server.base}busy") == [("http_error", 429, "HTTP 429"), ("ok", 200, None)]
    first, second = [t for p, t in server.hit_times if p == "/busy"][-2:]
    assert second - first >= 0.9  # Retry-After: 1, where the backoff alone waits 0.05 s
    assert titles(c) == [f"{TITLE} (busy)", f"{TITLE} (ok)"]


def test_5xx_storm_gives_up_and_finishes(tmp_path, server):
    c = crawl(tmp_path, server, "storm", ["/storm/1", "/storm/2", "/storm/3"])
    for n, status in ((1, 500), (2, 502), (3, 503)):
        assert c.rows(f"{server.base}storm/{n}") == [("http_error", status, f"HTTP {status}")] * 2
    assert titles(c) == [f"{TITLE} (ok)"]
    assert c.summary["errors"] == {"http_error": 6}


def test_redirect_loops_and_long_chains_are_stopped(tmp_path, server):
    c = crawl(tmp_path, server, "loops", ["/loop/a", "/self", "/chain/1"], "REDIRECT_MAX_TIMES=3")
    b = server.base
    assert c.rows(f"{b}loop/a") == [("redirect", 302, f"-> {b}loop/b")]
    assert c.rows(f"{b}loop/b") == [("redirect", 301, f"redirect loop back to {b}loop/a#top: not followed")]
    assert c.rows(f"{b}self") == [("redirect", 302, f"redirect loop back to {b}self: not followed")]
    assert [c.rows(f"{b}chain/{i}") for i in range(1, 6)] == [
        [("redirect", 302, f"-> {b}chain/2")], [("redirect", 302, f"-> {b}chain/3")],
        [("redirect", 302, f"-> {b}chain/4")],
        [("redirect", 302, "too many redirects (more than 3): not followed")], []]
    assert titles(c) == [f"{TITLE} (ok)"]


def test_offsite_redirect_is_not_followed(tmp_path, server):
    before = server.hits.count("/secret")
    c = crawl(tmp_path, server, "away", ["/away", "/away-local"])
    assert c.rows(f"{server.base}away") == [("redirect", 302, "off-site: not followed")]
    assert c.rows(f"{server.base}away-local") == [("redirect", 301, "off-site: not followed")]
    assert server.hits.count("/secret") == before
    assert not [r for r in c.log if "secret" in r["url"] or "elsewhere" in r["url"]]


def test_private_links_from_a_public_site_are_not_followed(tmp_path, server):
    """The site is `portal.test`, pinned to 127.0.0.1 (CCHC_RESOLVE): a public name for the guard, served
    from loopback, with CCHC_ALLOW_PRIVATE_ADDRESSES left off. A careless spider follows every link."""
    port = server.port
    base = f"http://portal.test:{port}/"
    private = [f"http://127.0.0.1:{port}/secret", f"http://localhost:{port}/secret", "http://10.1.2.3/secret",
               f"http://[::1]:{port}/secret", "http://192.168.1.1/admin", f"http://[::ffff:127.0.0.1]:{port}/secret"]
    disguised = f"http://2130706433:{port}/secret"  # 127.0.0.1 as one number: only the resolver sees it
    before = server.hits.count("/secret")
    c = crawl(tmp_path, server, "private", [*private, disguised], f"CCHC_RESOLVE=portal.test={'127.0.0.1'}",
              spider="tests.fault_server:FollowAllSpider", base=base)
    for url in private:
        assert c.rows(url) == [("network_error", None, "private address: not fetched")]
    # Refused by the resolver (its reason goes to Twisted's log; the endpoint only says "no results").
    assert c.rows(disguised) == [("network_error", None, "CannotResolveHostError: DNS lookup failed: no results "
                                  "for hostname lookup: 2130706433.")] * 2
    assert c.rows(f"{base}robots.txt") == [("ok", 200, None)]
    assert server.hits.count("/secret") == before
    assert titles(c) == [f"{TITLE} (ok)"]


def test_size_cap_cuts_and_logs(tmp_path, server):
    c = crawl(tmp_path, server, "big", ["/big", "/big-unsized", "/gzip-bomb"], "DOWNLOAD_MAXSIZE=20000")
    b = server.base
    assert c.rows(f"{b}big") == [(
        "network_error", None, "too large: over the 20000-byte size cap (50156 bytes announced), download stopped")]
    assert c.rows(f"{b}big-unsized") == [(
        "network_error", None, "too large: over the 20000-byte size cap (body went past it), download stopped")]
    assert c.rows(f"{b}gzip-bomb") == [(
        "network_error", 200, "too large: 4893-byte body inflates past the 20000-byte size cap, not decoded")]
    assert titles(c) == [f"{TITLE} (ok)"]


def test_malformed_gzip_is_logged(tmp_path, server):
    c = crawl(tmp_path, server, "gzip", ["/gzip-garbage", "/gzip-good"])
    assert c.rows(f"{server.base}gzip-garbage") == [("network_error", 200, (
        "undecodable Content-Encoding gzip: error: Error -3 while decompressing data: invalid stored block lengths"))]
    assert c.rows(f"{server.base}gzip-good") == [("ok", 200, None)]
    assert titles(c) == [f"{TITLE} (gzip)", f"{TITLE} (ok)"]


def test_lying_charsets_decode_right(tmp_path, server):
    c = crawl(tmp_path, server, "charset", ["/cp1258-as-utf8", "/utf8-as-cp1258"])
    assert c.rows(f"{server.base}cp1258-as-utf8") == c.rows(f"{server.base}utf8-as-cp1258") == [("ok", 200, None)]
    got = {r["url"].rsplit("/", 1)[1]: (r["title"], r["paragraphs"]) for r in c.records}
    assert got["cp1258-as-utf8"] == (TITLE, TEXT)
    assert got["utf8-as-cp1258"] == (TITLE, TEXT)


def attachment_crawl(tmp_path, server):
    c = crawl(tmp_path, server, "bombs", ["/report"])
    files = {r["url"].rsplit("/", 1)[1]: r for r in c.records if r["kind"] == "attachment"}
    return c, files


def test_zip_bombs_in_attachments_are_refused(tmp_path, server):
    c, files = attachment_crawl(tmp_path, server)
    assert f"{TITLE} (đính kèm)" in titles(c)
    for name in ("bao-cao.docx", "so-lieu.xlsx"):
        url = f"{server.base}files/{name}"
        rec = files[name]
        assert rec["error"].startswith("refused: zip bomb: compression ratio "), rec["error"]
        assert (rec["paragraphs"], rec["tables"], rec["missing"]) == ([], [], ["body"])
        ok, refused = c.rows(url)
        assert ok[:2] == ("ok", 200)
        assert refused[:2] == ("parse_error", 200) and refused[2] == f"attachment {rec['error']}"
    assert c.returncode == 0


def test_attachment_size_cap_is_a_setting(tmp_path, server):
    c = crawl(tmp_path, server, "attcap", ["/report"], "CCHC_MAX_ATTACHMENT_BYTES=10000")
    assert c.rows(f"{server.base}files/ket-qua.pdf") == [("network_error", None, (
        f"too large: over the 10000-byte size cap ({len(PDF_BOMB)} bytes announced), download stopped"))]
    assert "ket-qua.pdf" not in [r["url"].rsplit("/", 1)[1] for r in c.records]
    assert c.rows(f"{server.base}report") == [("ok", 200, None)]  # pages keep DOWNLOAD_MAXSIZE


def test_pdf_bomb_in_attachment_is_refused(tmp_path, server):
    c, files = attachment_crawl(tmp_path, server)
    rec = files["ket-qua.pdf"]
    assert (rec.get("error") or "").startswith("refused: "), rec
    assert c.rows(f"{server.base}files/ket-qua.pdf")[-1][0] == "parse_error"


# --- the one-line error of a wrapped failure, without a crawl ---

def test_error_of_wrapped_exception():
    from scrapy.exceptions import DownloadFailedError
    from twisted.internet.error import ConnectionLost
    from twisted.python.failure import Failure
    from twisted.web._newclient import ResponseFailed

    inner = ResponseFailed([Failure(ConnectionLost("gone"))])
    try:
        raise DownloadFailedError(str(inner)) from inner
    except DownloadFailedError as e:
        assert error_of_exception(e) == "DownloadFailedError: ConnectionLost: Connection to the other side was lost " \
                                        "in a non-clean fashion: gone."
    assert error_of_exception(ValueError("a\nb")) == "ValueError: a b"
