"""Fault injection for crawl tests: misbehaving answers for tests.loopback.LoopbackServer, hostile
attachments, a careless spider, and run_site as a subprocess whose own peak memory is measured.

An answer function here writes to the socket itself and returns None (LoopbackServer then sends nothing).
"""
from __future__ import annotations

import io
import json
import os
import socket
import struct
import subprocess
import sys
import time
import unicodedata
import zipfile
import zlib
from pathlib import Path
from urllib.parse import urljoin

import scrapy

from crawlers.records import empty_record
from tests.loopback import REPO, read_jsonl

HTML = {"Content-Type": "text/html; charset=utf-8"}
# Fast and short: no politeness delays, 1 retry, a 1.5 s timeout (a fault test waits for timeouts).
FAST = ["AUTOTHROTTLE_ENABLED=0", "DOWNLOAD_DELAY=0", "CCHC_RETRY_BACKOFF_BASE=0.05", "DOWNLOAD_TIMEOUT=1.5",
        "RETRY_TIMES=1", "CONCURRENT_REQUESTS_PER_DOMAIN=8"]


# --- pages ---------------------------------------------------------------------------------------------------
def listing(links: list[tuple[str, str]], title: str = "Tin tức") -> str:
    """A listing page whose links have long (article-like) texts."""
    items = "".join(f'<li><a href="{href}">{text}</a></li>' for href, text in links)
    return f"<html><head><title>{title}</title></head><body><h1>{title}</h1><ul>{items}</ul></body></html>"


def article(title: str, paragraphs: list[str], charset: str = "utf-8", extra: str = "") -> str:
    meta = f'<meta charset="{charset}">' if charset else ""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<html><head>{meta}<title>{title}</title></head><body><div class=\"content\"><h1>{title}</h1>"
            f"<p>Ngày đăng: 05/03/2024</p>{body}{extra}</div></body></html>")


_TONES = "\u0300\u0301\u0303\u0309\u0323"  # the combining tone marks windows-1258 has


def to_cp1258(text: str) -> bytes:
    """Vietnamese in windows-1258: precomposed vowel letters (â, ơ, ư...) followed by a combining tone mark."""
    out = []
    for ch in text:
        try:
            out.append(ch.encode("cp1258"))
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            tones = "".join(c for c in parts if c in _TONES)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
            out.append((base + tones).encode("cp1258"))
    return b"".join(out)


# --- misbehaving answers -------------------------------------------------------------------------------------
def _raw(handler, data: bytes) -> None:
    try:
        handler.wfile.write(data)
        handler.wfile.flush()
    except OSError:
        pass  # the client hung up: that is the point of some tests


def _reset_socket(handler) -> None:
    """Close with RST instead of FIN (SO_LINGER 0): the client sees 'connection reset by peer'."""
    handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    handler.connection.close()


def reset_before_answer(handler) -> None:
    _reset_socket(handler)


def reset_mid_body(handler) -> None:
    _raw(handler, b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5000\r\n\r\n<html><body>half")
    time.sleep(0.05)
    _reset_socket(handler)


def sleeper(seconds: float, answer: tuple[int, dict, bytes]):
    def answer_late(handler):
        time.sleep(seconds)
        return answer
    return answer_late


def trickle(body: bytes, chunks: int, pause: float, headers: dict | None = None):
    """The body in `chunks` pieces, `pause` seconds apart, under a correct Content-Length."""
    def answer(handler):
        began = time.monotonic()
        head = {**(headers or HTML), "Content-Length": str(len(body))}
        lines = "".join(f"{k}: {v}\r\n" for k, v in head.items())
        _raw(handler, f"HTTP/1.0 200 OK\r\n{lines}\r\n".encode("latin-1"))
        step = -(-len(body) // chunks)
        for i in range(0, len(body), step):
            time.sleep(pause)
            _raw(handler, body[i:i + step])
        answer.durations.append(time.monotonic() - began)
    answer.durations = []  # seconds each answer took to send, for the test to check it was slow
    return answer


def unsized(body: bytes, headers: dict | None = None):
    """A body without Content-Length, ended by closing the connection (HTTP/1.0)."""
    def answer(handler):
        lines = "".join(f"{k}: {v}\r\n" for k, v in (headers or HTML).items())
        _raw(handler, f"HTTP/1.0 200 OK\r\n{lines}\r\n".encode("latin-1") + body)
    return answer


# --- hostile attachments -------------------------------------------------------------------------------------
def zip_bomb(member: str, inflated: int, skeleton: dict[str, bytes]) -> bytes:
    """A zip with the files of `skeleton` and one member of `inflated` zero bytes (about 1000:1)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in skeleton.items():
            zf.writestr(name, data)
        zf.writestr(member, b"\0" * inflated)
    return buf.getvalue()


DOCX_SKELETON = {
    "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                           b'content-types"/>',
    "word/document.xml": b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
                         b'wordprocessingml/2006/main"><w:body/></w:document>',
}
XLSX_SKELETON = {
    "[Content_Types].xml": DOCX_SKELETON["[Content_Types].xml"],
    "xl/workbook.xml": b'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/'
                       b'spreadsheetml/2006/main"/>',
}


def pdf_bomb(inflated: int) -> bytes:
    """A one-page PDF whose content stream (FlateDecode) inflates to `inflated` bytes of spaces."""
    stream = zlib.compress(b" " * inflated, 9)
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream"]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objs, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref))
    return out.getvalue()


# --- a careless spider ---------------------------------------------------------------------------------------
class FollowAllSpider(scrapy.Spider):
    """Follows every link of its start pages, on the site or not: what the crawl guards must stop."""

    name = "test-follow-all"

    def __init__(self, site, max_pages: int = 2000, max_idle_listings: int = 3, **kw):
        super().__init__(name=site.id, **kw)
        self.site = site

    async def start(self):
        for url in self.site.start_urls:
            yield scrapy.Request(url, callback=self.parse_listing, meta={"cchc_role": "listing"})

    def parse_listing(self, response):
        for href in response.css("a::attr(href)").getall():
            yield scrapy.Request(urljoin(response.url, href), callback=self.parse_article,
                                 meta={"cchc_role": "article"})

    def parse_article(self, response):
        yield empty_record(site_id=self.site.id, url=response.url, status=response.status, kind="article",
                           family="test", title=response.css("title::text").get())


# --- the crawl subprocess ------------------------------------------------------------------------------------
def sites_file(folder: Path, base: str, start: str | None = None, cms: str = "auto") -> Path:
    p = folder / "sites.toml"
    p.write_text(f'[[site]]\nid = "fault"\nname = "Cổng thử lỗi"\ncms = "{cms}"\nkind = "news"\n'
                 f'base_url = "{base}"\nstart_urls = ["{start or base}"]\nlevel = "province"\nprovince = "52"\n',
                 encoding="utf-8")
    return p


class Crawl:
    """One finished run_site subprocess: exit code, stderr, its own peak RSS, and what it wrote."""

    def __init__(self, out: Path, returncode: int, stderr: str, max_rss_mb: float):
        self.out, self.returncode, self.stderr, self.max_rss_mb = out, returncode, stderr, max_rss_mb
        self.log = read_jsonl(out / "crawl_log.jsonl")
        self.records = read_jsonl(out / "records.jsonl")
        summary = out / "summary.json"
        self.summary = json.loads(summary.read_text(encoding="utf-8")) if summary.exists() else None

    def rows(self, url: str) -> list[tuple]:
        return [(r["outcome"], r["status"], r["error"]) for r in self.log if r["url"] == url]


def run_crawl(folder: Path, base: str, *, start: str | None = None, cms: str = "auto", spider: str | None = None,
              settings: list[str] = (), args: list[str] = (), timeout: float = 60) -> Crawl:
    """run_site in its own process; its peak RSS comes from wait4 (that child only, not all children)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / "out"
    cmd = [sys.executable, "-m", "crawlers.run_site", "--sites", str(sites_file(folder, base, start, cms)),
           "--site-id", "fault", "--run-id", folder.name, "--out", str(out), "--raw", str(out / "raw.warc.gz")]
    if spider:
        cmd += ["--spider", spider]
    for kv in [*FAST, *settings]:
        cmd += ["--set", kv]
    cmd += list(args)
    err = folder / "stderr.txt"
    with err.open("wb") as fh:
        proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=fh)
        deadline = time.monotonic() + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                proc.kill()
                _, status, usage = os.wait4(proc.pid, 0)
                raise AssertionError(f"crawl did not finish in {timeout} s: {err.read_text()[-2000:]}")
            time.sleep(0.05)
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
    return Crawl(out, proc.returncode, err.read_text(encoding="utf-8", errors="replace"), usage.ru_maxrss / 1024)
