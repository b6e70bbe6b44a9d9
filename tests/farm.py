"""A loopback farm of virtual portals: N sites, each under its own host name, served by one asyncio
server on 127.0.0.1 (HTTP/1.1 keep-alive, a big backlog), each answer after a latency, robots.txt with
a Crawl-delay. The server measures the politeness it receives: requests in flight and the interval
between two requests, per host.

    python -m tests.farm --sites N --pages P [--latency-ms L] [--crawl-delay S] [--out DIR]

serves until stopped, after writing DIR/sites.toml (a registry of the farm) and printing its port;
GET /__farm/stats (any host) answers the measurements as JSON, /__farm/reset clears them.

The pages are NukeViet-shaped (the demo's renderer, data/demo/make_demo.py) with invented text: one
listing of P-1 articles per site. Hosts are `s0001.farm.test` …: `.test` names resolve nowhere, the
crawl reaches them through CCHC_RESOLVE=*.farm.test=127.0.0.1 (a pin, in this mode only).
Sites can be made to misbehave: `hang` (reads requests, never answers) and `reset` (closes with RST).
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hashlib
import importlib.util
import json
import random
import socket
import struct
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOMAIN = "farm.test"
SECTION = "news/cai-cach-hanh-chinh/"
LAST_MODIFIED = "Mon, 02 Dec 2024 01:00:00 GMT"


def _demo():
    spec = importlib.util.spec_from_file_location("cchc_make_demo", REPO / "data" / "demo" / "make_demo.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("cchc_make_demo", mod)
    spec.loader.exec_module(mod)
    return mod


DEMO = _demo()


class _Site(DEMO.Site):
    """The demo's site, served over http on the farm's port."""

    port: int = 0

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}/"
TOPICS = ["một cửa liên thông", "dịch vụ công trực tuyến", "số hóa hồ sơ", "chữ ký số", "thủ tục hành chính",
          "tiếp nhận phản ánh", "kiểm soát thủ tục", "chuyển đổi số", "giải quyết hồ sơ", "thanh toán trực tuyến"]
ACTIONS = ["triển khai", "rà soát", "đánh giá", "sơ kết", "hướng dẫn", "kiểm tra", "tập huấn", "đẩy mạnh"]


def host_of(n: int) -> str:
    return f"s{n:04d}.{DOMAIN}"


class FarmSite:
    """Site number n of the farm: a province, a department, a listing and its articles (made on demand)."""

    def __init__(self, n: int, pages: int, mode: str = "ok", port: int = 0):
        self.n, self.pages, self.mode = n, pages, mode
        self.province, self.code = DEMO.PROVINCES[n % len(DEMO.PROVINCES)]
        self.agency = DEMO.DEPARTMENTS[n % len(DEMO.DEPARTMENTS)]
        self.host = host_of(n)
        self.site = _Site(f"farm-{n:04d}", self.host, "nukeviet", f"{self.agency} tỉnh {self.province}",
                          "department", self.code, agency=self.agency, section=SECTION)
        self.site.port = port

    def article(self, i: int):
        rng = random.Random(self.n * 100_003 + i)
        topic, action = rng.choice(TOPICS), rng.choice(ACTIONS)
        done, total = rng.randint(200, 9000), 0
        total = done + rng.randint(1, 900)
        day = dt.datetime(2024, 1, 1, 8, 0) + dt.timedelta(days=(self.n * 7 + i * 3) % 330, minutes=rng.randint(0, 600))
        title = f"{self.agency} tỉnh {self.province} {action} {topic}, đợt {i} năm 2024 (bản tin {self.n}-{i})"
        paragraphs = [
            f"Ngày {DEMO.vn_date(day)}, {self.agency} tỉnh {self.province} tổ chức hội nghị {action} công tác {topic}.",
            f"Trong kỳ, đơn vị tiếp nhận {DEMO.vn_int(total)} hồ sơ, giải quyết đúng hạn {DEMO.vn_int(done)} hồ sơ, "
            f"đạt tỷ lệ {DEMO.vn_number(DEMO.pct(done, total))}%.",
            f"Lãnh đạo đơn vị đề nghị các phòng chuyên môn tiếp tục {rng.choice(ACTIONS)} {rng.choice(TOPICS)} "
            f"trong những tháng cuối năm, bảo đảm {rng.randint(2, 9)} chỉ tiêu đã giao.",
        ]
        return DEMO.Art(title, day, paragraphs, f"Phóng viên {rng.randint(1, 99)}", "news", True, self.code, self.agency)

    def article_path(self, i: int) -> str:
        return f"/{SECTION}{DEMO.slugify(self.article(i).title)}-{i}.html"

    def routes(self) -> dict[str, callable]:
        """path -> function making the page (a dict: made once per site, pages on demand)."""
        n_articles = max(0, self.pages - 1)
        out = {f"/{SECTION}": self._listing}
        for i in range(1, n_articles + 1):
            out[self.article_path(i)] = (lambda i=i: self._article(i))
        return out

    def _listing(self) -> bytes:
        base = self.site.base.rstrip("/")
        items = [(base + self.article_path(i), self.article(i)) for i in range(1, self.pages)]
        return DEMO.nukeviet_listing(self.site, items, 1, 1, lambda p: f"{base}/{SECTION}").encode()

    def _article(self, i: int) -> bytes:
        base = self.site.base.rstrip("/")
        near = [j for j in (i - 1, i + 1) if 1 <= j < self.pages]
        related = [(base + self.article_path(j), self.article(j).title) for j in near]
        return DEMO.nukeviet_article(self.site, self.article(i), related).encode()


class HostStats:
    __slots__ = ("requests", "in_flight", "max_in_flight", "last", "min_interval", "arrivals")

    def __init__(self):
        self.arrivals: list[tuple[float, str]] = []
        self.requests, self.in_flight, self.max_in_flight = 0, 0, 0
        self.last: float | None = None
        self.min_interval: float | None = None


class Farm:
    """The asyncio server; start() runs it in a thread of its own (tests), serve() in this one."""

    def __init__(self, n_sites: int, pages: int, latency_s: float = 0.1, crawl_delay: float = 1.5,
                 modes: dict[int, str] | None = None, port: int = 0):
        self.latency, self.crawl_delay, self.port = latency_s, crawl_delay, port
        self.sites = {host_of(n): FarmSite(n, pages, (modes or {}).get(n, "ok")) for n in range(1, n_sites + 1)}
        self._routes: dict[str, dict] = {}
        self.stats: dict[str, HostStats] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server = None
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None

    # --- what the crawl is given ---
    def base_url(self, site: FarmSite) -> str:
        return site.site.base

    def registry(self) -> str:
        out = ["# The benchmark farm (tests/farm.py): invented portals on loopback.\n"]
        for s in self.sites.values():
            base = self.base_url(s)
            out.append(f'\n[[site]]\nid = "{s.site.id}"\nname = "{s.site.name}"\ncms = "nukeviet"\nkind = "news"\n'
                       f'base_url = "{base}"\nstart_urls = ["{base}{SECTION}"]\nlevel = "department"\n'
                       f'province = "{s.code}"\nagency = "{s.agency}"\n')
        return "".join(out)

    def summary(self) -> dict:
        hosts = [h for h in self.stats.values() if h.requests]
        intervals = [h.min_interval for h in hosts if h.min_interval is not None]
        return {"hosts": len(hosts), "requests": sum(h.requests for h in hosts),
                "max_concurrent_per_host": max((h.max_in_flight for h in hosts), default=0),
                "min_interval_s": round(min(intervals), 4) if intervals else None,
                "crawl_delay_s": self.crawl_delay}

    def per_host(self) -> dict[str, dict]:
        return {k: {"requests": h.requests, "max_in_flight": h.max_in_flight, "min_interval_s": h.min_interval}
                for k, h in self.stats.items()}

    # --- serving ---
    def _answer(self, host: str, path: str, headers: dict[str, str]) -> tuple[int, dict, bytes]:
        site = self.sites.get(host)
        if site is None:
            return 404, {}, b"unknown host"
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, f"User-agent: *\nCrawl-delay: {self.crawl_delay}\n".encode()
        routes = self._routes.get(host)
        if routes is None:
            routes = self._routes[host] = site.routes()
        make = routes.get(path.split("#")[0])
        if make is None:
            return 404, {"Content-Type": "text/html; charset=utf-8"}, b"<html><body>not found</body></html>"
        etag = '"' + hashlib.blake2b(f"{host}{path}".encode(), digest_size=8).hexdigest() + '"'
        meta = {"ETag": etag, "Last-Modified": LAST_MODIFIED}
        if headers.get("if-none-match") == etag:
            return 304, meta, b""
        return 200, {"Content-Type": "text/html; charset=utf-8", **meta}, make()

    def _arrived(self, host: str, path: str = "") -> HostStats:
        h = self.stats.get(host)
        if h is None:
            h = self.stats[host] = HostStats()
        now = time.monotonic()
        if h.last is not None:
            gap = now - h.last
            h.min_interval = gap if h.min_interval is None else min(h.min_interval, gap)
        h.last = now
        h.arrivals.append((now, path))
        h.requests += 1
        h.in_flight += 1
        h.max_in_flight = max(h.max_in_flight, h.in_flight)
        return h

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, target, _ = (lines[0].split(" ") + ["", "", ""])[:3]
                headers = {}
                for ln in lines[1:]:
                    k, sep, v = ln.partition(":")
                    if sep:
                        headers[k.strip().lower()] = v.strip()
                if int(headers.get("content-length") or 0):
                    await reader.readexactly(int(headers["content-length"]))
                host = headers.get("host", "").split(":")[0].lower()
                if target.startswith("/__farm/"):
                    body = json.dumps({"summary": self.summary(), "hosts": self.per_host(),
                                       **({"arrivals": {k: h.arrivals for k, h in self.stats.items()}}
                                          if target == "/__farm/arrivals" else {})}).encode()
                    if target == "/__farm/reset":
                        self.stats.clear()
                    writer.write(_response(200, {"Content-Type": "application/json"}, body))
                    await writer.drain()
                    continue
                stats = self._arrived(host, target)
                site = self.sites.get(host)
                try:
                    if site is not None and site.mode == "hang":  # until the client gives up and hangs up
                        while await reader.read(65536):
                            pass
                        return
                    await asyncio.sleep(self.latency)
                    if site is not None and site.mode == "reset":
                        sock = writer.get_extra_info("socket")
                        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                        writer.transport.abort()
                        return
                    status, extra, body = self._answer(host, target, headers)
                    if method == "HEAD":
                        body = b""
                    writer.write(_response(status, extra, body))
                    await writer.drain()
                finally:
                    stats.in_flight -= 1
                if headers.get("connection", "").lower() == "close":
                    break
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._server = await asyncio.start_server(self._client, "127.0.0.1", self.port, backlog=4096)
        self.port = self._server.sockets[0].getsockname()[1]
        for site in self.sites.values():
            site.site.port = self.port
        self._ready.set()
        async with self._server:
            await self._server.serve_forever()

    def serve(self) -> None:
        try:
            asyncio.run(self._main())
        except asyncio.CancelledError:
            pass

    def start(self) -> Farm:
        self._thread = threading.Thread(target=self.serve, daemon=True)
        self._thread.start()
        self._ready.wait(10)
        return self

    def stop(self) -> None:
        if self._loop and self._server:
            self._loop.call_soon_threadsafe(self._server.close)
            for task in asyncio.all_tasks(self._loop):
                self._loop.call_soon_threadsafe(task.cancel)
        if self._thread:
            self._thread.join(5)


def _response(status: int, headers: dict, body: bytes) -> bytes:
    reason = {200: "OK", 304: "Not Modified", 404: "Not Found"}.get(status, "")
    head = f"HTTP/1.1 {status} {reason}\r\nContent-Length: {len(body)}\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return (head + "\r\n").encode("latin-1") + body


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tests.farm")
    p.add_argument("--sites", type=int, default=1000)
    p.add_argument("--pages", type=int, default=30)
    p.add_argument("--latency-ms", type=float, default=100.0)
    p.add_argument("--crawl-delay", type=float, default=1.5)
    p.add_argument("--out", type=Path, required=True, help="folder for sites.toml and port")
    args = p.parse_args(argv)
    farm = Farm(args.sites, args.pages, args.latency_ms / 1000, args.crawl_delay)
    farm.start()
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "sites.toml").write_text(farm.registry(), encoding="utf-8")
    (args.out / "port").write_text(str(farm.port), encoding="utf-8")
    print(farm.port, flush=True)
    try:
        farm._thread.join()
    except KeyboardInterrupt:
        farm.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
