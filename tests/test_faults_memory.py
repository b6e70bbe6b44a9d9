"""Resource bounds: the crawl process's memory does not grow with the number of pages of a site, and the
caps are settings with sane defaults."""
import pytest

from crawlers.run_site import main as run_site_main
from crawlers.settings import MB, build_settings, parse_pins, redirect_refusal, refuse_private_answer
from tests.fault_server import HTML, article, listing, run_crawl
from tests.loopback import LoopbackServer

PER_LISTING = 50
PARAGRAPHS = ["Năm 2024, tỷ lệ hồ sơ giải quyết đúng hạn đạt 98,5%, tiếp nhận 1.411 hồ sơ trực tuyến."] * 8


def add_site(server: LoopbackServer, prefix: str, pages: int) -> str:
    """`pages` articles behind pages/PER_LISTING listings chained by 'Trang sau'; returns the first listing."""
    n_listings = pages // PER_LISTING
    for i in range(n_listings):
        links = [(f"/{prefix}/bai-{i}-{j}.html", f"Bài viết số {i} {j} về cải cách hành chính")
                 for j in range(PER_LISTING)]
        if i + 1 < n_listings:
            links.append((f"/{prefix}/trang-{i + 1}", "Trang sau"))
        server.routes[f"/{prefix}/trang-{i}"] = [(200, HTML, listing(links).encode())]
        for j in range(PER_LISTING):
            body = article(f"Bài viết số {i} {j} về cải cách hành chính", PARAGRAPHS).encode()
            server.routes[f"/{prefix}/bai-{i}-{j}.html"] = [(200, HTML, body)]
    return f"{server.base}{prefix}/trang-0"


@pytest.fixture(scope="module")
def big_server():
    srv = LoopbackServer({})
    srv.routes["/robots.txt"] = [(200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n")]
    srv.start()
    yield srv
    srv.stop()


def test_memory_does_not_grow_with_pages(tmp_path, big_server):
    """Peak RSS of the crawl subprocess for 3,000 pages is within 50 MB of the one for 300 pages."""
    fast = ["CCHC_ALLOW_PRIVATE_ADDRESSES=1", "CONCURRENT_REQUESTS=16", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
            "CCHC_MAX_PAGES=5000", "DOWNLOAD_TIMEOUT=30"]  # a loaded machine must not turn pages into timeouts
    peaks = {}
    for pages in (300, 3000):
        start = add_site(big_server, f"p{pages}", pages)
        c = run_crawl(tmp_path / f"p{pages}", big_server.base, start=start, settings=fast, timeout=120)
        assert c.returncode == 0, c.stderr[-2000:]
        articles = [r for r in c.records if r["kind"] == "article"]
        assert len(articles) == pages
        assert c.summary["pages"] == pages + pages // PER_LISTING + 1  # articles, listings, robots.txt
        peaks[pages] = c.max_rss_mb
    assert peaks[3000] - peaks[300] < 50, peaks


def test_page_budget_is_a_setting(tmp_path, big_server):
    start = add_site(big_server, "budget", 100)
    c = run_crawl(tmp_path / "budget", big_server.base, start=start,
                  settings=["CCHC_ALLOW_PRIVATE_ADDRESSES=1", "CCHC_MAX_PAGES=30", "DOWNLOAD_TIMEOUT=30"])
    assert c.returncode == 0, c.stderr[-2000:]
    # robots.txt and the 30 requests of the budget: the listing and 29 of its 50 articles
    assert len({r["url"] for r in c.log}) == 31
    assert len([r for r in c.records if r["kind"] == "article"]) == 29


def test_caps_have_sane_defaults(tmp_path):
    s = build_settings(site_id="s", base_url="https://a.gov.vn/", run_id="r", out_dir=tmp_path, raw_path=tmp_path)
    assert (s["DOWNLOAD_MAXSIZE"], s["CCHC_MAX_ATTACHMENT_BYTES"], s["CCHC_MAX_PAGES"]) == (30 * MB, 20 * MB, 20000)
    assert (s["REDIRECT_MAX_TIMES"], s["DOWNLOAD_TIMEOUT"], s["RETRY_TIMES"]) == (10, 30, 2)
    mws = s["DOWNLOADER_MIDDLEWARES"]
    assert mws["scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware"] is None
    assert mws["crawlers.crawl_log.CrawlLogMiddleware"] < mws["crawlers.crawl_log.LoggedHttpCompressionMiddleware"] \
        < mws["crawlers.archive.ArchiveMiddleware"]  # decoded for the log, archived as received
    assert s["TWISTED_DNS_RESOLVER"] == "crawlers.settings.PinnedResolver"


def test_parse_pins():
    assert parse_pins("portal.test=127.0.0.1, Other.Test=10.0.0.2") == {"portal.test": "127.0.0.1",
                                                                        "other.test": "10.0.0.2"}
    assert parse_pins("") == {} and parse_pins({"A.test": "1.2.3.4"}) == {"a.test": "1.2.3.4"}
    with pytest.raises(ValueError, match="'portal.test' is not host=address"):
        parse_pins("portal.test")


def test_private_dns_answer_refused():
    from twisted.internet.error import DNSLookupError

    assert refuse_private_answer("203.113.1.1", "sxd.example.gov.vn") == "203.113.1.1"
    with pytest.raises(DNSLookupError, match="sxd.example.gov.vn resolves to the private address 10.0.0.5"):
        refuse_private_answer("10.0.0.5", "sxd.example.gov.vn")


class _Req:
    def __init__(self, url: str, chain: list[str] = (), times: int = 0):
        self.url = url
        self.meta = {"redirect_urls": list(chain), "redirect_times": times} if chain else {}


@pytest.mark.parametrize("req,target,why", [
    (_Req("https://a.gov.vn/x"), "https://a.gov.vn/y", None),
    (_Req("https://a.gov.vn/x"), "https://www.a.gov.vn/x", None),
    (_Req("https://a.gov.vn/x"), "https://b.gov.vn/x", "off-site: not followed"),
    (_Req("https://a.gov.vn/x"), "https://a.gov.vn/x#top", "redirect loop back to https://a.gov.vn/x#top: not followed"),
    (_Req("https://a.gov.vn/y", ["https://a.gov.vn/x"], 1), "https://a.gov.vn/x",
     "redirect loop back to https://a.gov.vn/x: not followed"),
    (_Req("https://a.gov.vn/x?utm_source=z"), "https://a.gov.vn/x", None),  # dropping tracking is no loop
    (_Req("https://a.gov.vn/3", ["https://a.gov.vn/1", "https://a.gov.vn/2"], 2), "https://a.gov.vn/4",
     "too many redirects (more than 2): not followed"),
])
def test_redirect_refusal(req, target, why):
    assert redirect_refusal(req, target, "https://a.gov.vn/", 2) == why


def test_bad_resolve_setting_is_a_config_error(tmp_path, capsys):
    sites = tmp_path / "sites.toml"
    sites.write_text('[[site]]\nid = "s"\nname = "S"\ncms = "auto"\nkind = "news"\nbase_url = "https://a.gov.vn/"\n'
                     'start_urls = ["https://a.gov.vn/"]\nlevel = "province"\nprovince = "52"\n', encoding="utf-8")
    base = ["--sites", str(sites), "--site-id", "s", "--run-id", "r", "--out", str(tmp_path / "o"),
            "--raw", str(tmp_path / "o" / "raw.warc.gz")]
    assert run_site_main([*base, "--set", "CCHC_RESOLVE=portal.test"]) == 2
    assert capsys.readouterr().err == "run_site: CCHC_RESOLVE item 'portal.test' is not host=address\n"
    assert run_site_main([*base, "--set", "CCHC_MAX_PAGES=0"]) == 2
    assert capsys.readouterr().err == "run_site: CCHC_MAX_PAGES must be at least 1\n"
