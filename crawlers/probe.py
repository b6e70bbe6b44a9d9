"""Probing a site before crawling it: a few requests that tell whether an incremental crawl would find
anything new, made without starting a crawl process.

The flow asks for each start URL (conditionally, with the validators of its last answer) and for the
pages that failed last time. Every answer is archived (`<site>.probe.warc.gz` beside the crawl's WARC)
and logged like a crawl's request. Live, a probe behaves as the spiders do: our User-Agent, robots.txt,
no redirects followed, no private addresses, the download size cap.
"""
from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from protego import Protego

from crawlers.archive import WarcArchive
from crawlers.crawl_log import CrawlLog, error_of_exception, outcome_of_status
from crawlers.extraction.html import hrefs_of, parse_html
from crawlers.replay import WarcIndex, archive_signature
from crawlers.settings import DOWNLOAD_MAXSIZE, USER_AGENT, pinned_address
from transforms.urls import canonical_url, same_site

PROBE_LOG = "probe_log.jsonl"
# Families whose answers change while their start pages stay the same (JSON APIs behind a public page):
# an unchanged start page says nothing about them, so they are always crawled.
ALWAYS_CRAWLED = ("dichvucong",)


@dataclass(frozen=True)
class Answer:
    url: str
    status: int | None                      # None: no HTTP answer (see outcome and error)
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    outcome: str = "ok"                     # a crawl_log outcome
    error: str | None = None
    archived_at: str | None = None          # replay: when the archive captured it


def answer_of(url: str, status: int, headers: list[tuple[str, str]], body: bytes, archived_at: str | None = None) -> Answer:
    outcome = outcome_of_status(status)
    return Answer(url, status, headers, body, outcome, f"HTTP {status}" if outcome == "http_error" else None,
                  archived_at)


@lru_cache(maxsize=4)
def _shared_index(paths: tuple[str, ...], cache_dir: str | None, signature: tuple) -> WarcIndex:
    # One index for all the probes of a flow (threads of one process), until an archive changes.
    return WarcIndex(list(paths), cache_dir)


class ReplayFetcher:
    """Answers from WARC/WACZ archives, as the replay crawl does (robots.txt included)."""

    delay = 0.0  # an archive is no host to spare

    def __init__(self, paths: list[str], cache_dir: str | Path | None = None):
        self.index = _shared_index(tuple(str(p) for p in paths), str(cache_dir) if cache_dir else None,
                                   archive_signature(paths))

    def fetch(self, url: str, validators: dict[str, str] | None = None) -> Answer:
        stored = self.index.get(url)
        if stored is None:
            return Answer(url, None, outcome="network_error", error="not in archive")
        return answer_of(url, stored.status, stored.headers, stored.body, stored.date)


class LiveFetcher:
    """One HTTP GET at a time with the crawl's manners; `validators` become If-None-Match/If-Modified-Since.
    `pins` are the crawl's CCHC_RESOLVE (a pinned host is asked at its pinned address, under its name)."""

    delay = None  # None: the Probe's delay applies (a replay fetcher has no host to spare: 0)

    def __init__(self, timeout: float = 30.0, max_bytes: int = DOWNLOAD_MAXSIZE, allow_private: bool = False,
                 pins: dict[str, str] | None = None):
        import httpx

        self.client = httpx.Client(headers={"User-Agent": USER_AGENT}, follow_redirects=False, timeout=timeout)
        self.max_bytes, self.allow_private, self.pins = max_bytes, allow_private, pins or {}

    def fetch(self, url: str, validators: dict[str, str] | None = None) -> Answer:
        parts = urlsplit(url)
        host = parts.hostname or ""
        pinned = pinned_address(self.pins, host)
        if not pinned and not self.allow_private and _resolves_private(host):
            return Answer(url, None, outcome="network_error", error=f"{host} is a private address: not fetched")
        target = url
        headers = {}
        if pinned:
            target = parts._replace(netloc=pinned + (f":{parts.port}" if parts.port else "")).geturl()
            headers["Host"] = parts.netloc
        if validators and validators.get("etag"):
            headers["If-None-Match"] = validators["etag"]
        if validators and validators.get("last_modified"):
            headers["If-Modified-Since"] = validators["last_modified"]
        return self._get(url, target, headers)

    def _get(self, url: str, target: str, headers: dict[str, str]) -> Answer:
        try:
            with self.client.stream("GET", target, headers=headers) as r:
                body = b""
                for chunk in r.iter_raw():
                    body += chunk
                    if len(body) > self.max_bytes:
                        return Answer(url, r.status_code, outcome="network_error",
                                      error=f"too large: over the {self.max_bytes}-byte size cap, download stopped")
                pairs = [(k, v) for k, v in r.headers.multi_items() if k.lower() != "transfer-encoding"]
                return answer_of(url, r.status_code, pairs, _decoded(r, body))
        except Exception as e:  # noqa: BLE001 (any network failure is one logged row)
            return Answer(url, None, outcome="network_error", error=error_of_exception(e))

    def close(self) -> None:
        self.client.close()


def _decoded(response, raw: bytes) -> bytes:
    """The body without its Content-Encoding (the archive keeps what the links were read from)."""
    try:
        decoder = response._get_content_decoder()  # httpx's own gzip/deflate/br decoder
        return decoder.decode(raw) + decoder.flush()
    except Exception:  # noqa: BLE001 (undecodable: compare the raw bytes, the crawl will log it)
        return raw


def _resolves_private(host: str) -> bool:
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError:
        return False  # the request itself fails and says why
    return any(not ipaddress.ip_address(a.split("%")[0]).is_global for a in addresses)


class Probe:
    """Fetches through a fetcher, obeying robots.txt, and records every answer (archive + probe log).
    Live, requests to one host are at least `delay` seconds apart (more if its robots.txt says Crawl-delay,
    plus `margin`), as the crawl's slots are; `settle()` waits out the last delay before a crawl follows."""

    def __init__(self, fetcher, site_id: str, run_id: str, raw_path: Path, log_dir: Path, delay: float = 1.0,
                 margin: float = 0.05):
        self.fetcher, self.site_id = fetcher, site_id
        self.archive = WarcArchive(raw_path)
        self.log = CrawlLog(Path(log_dir) / PROBE_LOG, run_id, site_id)
        self._robots: dict[str, Protego] = {}
        own = getattr(fetcher, "delay", None)
        self.delay, self.margin = (own if own is not None else delay), margin
        self._floors: dict[str, float] = {}
        self._last: dict[str, float] = {}

    def get(self, url: str, validators: dict[str, str] | None = None) -> Answer:
        if not self._allowed(url):
            self.log.write(url, "robots_disallowed", None, 0, "disallowed by robots.txt")
            return Answer(url, None, outcome="robots_disallowed", error="disallowed by robots.txt")
        return self._record(self._polite_fetch(url, validators))

    def _polite_fetch(self, url: str, validators: dict[str, str] | None = None) -> Answer:
        host = urlsplit(url).hostname or ""
        self._wait(host)
        try:
            return self.fetcher.fetch(url, validators)
        finally:
            self._last[host] = time.monotonic()

    def _wait(self, host: str) -> None:
        last = self._last.get(host)
        if last is not None:
            pause = last + self._floors.get(host, self.delay) - time.monotonic()
            if pause > 0:
                time.sleep(pause)

    def settle(self) -> None:
        """Wait until every host probed may be asked again (the crawl's first request comes next)."""
        for host in list(self._last):
            self._wait(host)

    def _allowed(self, url: str) -> bool:
        p = urlsplit(url)
        origin = f"{p.scheme}://{p.netloc}"
        rules = self._robots.get(origin)
        if rules is None:
            a = self._record(self._polite_fetch(origin + "/robots.txt"))
            # As Scrapy does (with the same parser): no robots.txt, or an unreadable one, allows everything.
            rules = Protego.parse(a.body.decode("utf-8", "replace") if a.status == 200 else "")
            self._robots[origin] = rules
            stated = rules.crawl_delay(USER_AGENT)
            if stated and self.delay:  # a replay has no host to spare
                self._floors[p.hostname or ""] = max(self.delay, float(stated) + self.margin)
        return rules.can_fetch(url, USER_AGENT)

    def _record(self, a: Answer) -> Answer:
        if a.status is not None:
            self.archive.write_response(a.url, a.status, a.headers, a.body, date=a.archived_at)
        self.log.write(a.url, a.outcome, a.status, len(a.body), a.error)
        return a

    def close(self) -> None:
        self.archive.close()
        self.log.close()


def site_links(body: bytes, url: str, base_url: str) -> set[str]:
    """The canonical URLs inside the site that a page links to."""
    return {canonical_url(u) for u in hrefs_of(parse_html(body, url), url) if same_site(u, base_url)}
