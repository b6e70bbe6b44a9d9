"""Helpers for crawl tests: a threaded loopback HTTP server with a large listen backlog, a minimal
link-following spider (used until/unless the families are available), and run_site as a subprocess."""
from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import scrapy

from crawlers.records import empty_record
from transforms.urls import same_site

REPO = Path(__file__).resolve().parents[1]

# path -> list of (status, headers, body), answered in turn (the last one repeats), or a function of the
# request handler returning one (or None when it wrote to the socket itself: see tests/fault_server.py).
Answer = tuple[int, dict[str, str], bytes]
Routes = dict[str, "list[Answer] | Callable[[BaseHTTPRequestHandler], Answer | None]"]


class _Server(ThreadingHTTPServer):
    request_queue_size = 256
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        pass  # a client that timed out and hung up is part of the tests


class LoopbackServer:
    """Serves `routes` on 127.0.0.1; records every path requested in `hits`."""

    def __init__(self, routes: Routes):
        self.routes = routes
        self.hits: list[str] = []
        self.posts: list[tuple[str, bytes, dict]] = []   # (path, body, headers) of every POST
        self.hit_times: list[tuple[str, float]] = []
        self._lock = threading.Lock()
        self._served: dict[str, int] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def do_GET(self):  # noqa: N802 (http.server's name)
                server._answer(self)

            def do_POST(self):  # noqa: N802
                n = int(self.headers.get("Content-Length") or 0)
                self.body = self.rfile.read(n) if n else b""
                with server._lock:
                    server.posts.append((self.path, self.body, dict(self.headers)))
                server._answer(self)

            def log_message(self, *args):
                pass

        self.httpd = _Server(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}/"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path
        with self._lock:
            self.hits.append(path)
            self.hit_times.append((path, time.monotonic()))
            n = self._served.get(path, 0)
            self._served[path] = n + 1
        answers = self.routes.get(path) or [(404, {"Content-Type": "text/html"}, b"<html>not found</html>")]
        if callable(answers):
            answer = answers(handler)
            if answer is None:
                return
            status, headers, body = answer
        else:
            status, headers, body = answers[min(n, len(answers) - 1)]
        handler.send_response(status)
        for k, v in headers.items():
            handler.send_header(k, v)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def start(self) -> LoopbackServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=5)


class LinkSpider(scrapy.Spider):
    """Start URLs are listings; every same-site link on a listing is an article (one record each)."""

    name = "test-links"

    def __init__(self, site, max_pages: int = 2000, max_idle_listings: int = 3, **kw):
        super().__init__(name=site.id, **kw)
        self.site = site
        self.max_pages = int(max_pages)
        self.scheduled = 0

    async def start(self):
        for url in self.site.start_urls:
            yield scrapy.Request(url, callback=self.parse_listing, meta={"cchc_role": "listing"})

    def parse_listing(self, response):
        if "html" not in (response.headers.get("Content-Type") or b"").decode("latin-1"):
            return
        for href in response.css("a::attr(href)").getall():
            url = urljoin(response.url, href)
            if not same_site(url, self.site.base_url) or self.scheduled >= self.max_pages:
                continue
            self.scheduled += 1
            yield scrapy.Request(url, callback=self.parse_article, meta={"cchc_role": "article"})

    def parse_article(self, response):
        if urlsplit(response.url).path.endswith("/boom"):
            raise ValueError("broken page\nsecond line")
        title = response.css("title::text").get() if hasattr(response, "css") else None
        yield empty_record(site_id=self.site.id, url=response.url, status=response.status, kind="article",
                           family="test", title=title)


def run_site(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "crawlers.run_site", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=timeout)


def read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
