"""The crawl log: one JSON line per request (contract table crawl_log), written as it happens.

CrawlLogMiddleware sits next to the downloader, so it sees every response and every failure of
every attempt (retries included), live or replayed. Requests refused before the downloader
(robots.txt, known URLs, private addresses) carry their outcome in request.meta[REFUSED].
Content-Encoding is decoded just before it (LoggedHttpCompressionMiddleware), so a body that
cannot be decoded, or inflates past the size cap, is one logged row, not a silent drop. A record
the spider marks with an `error` (a refused attachment) adds a parse_error row.

Each row names the request's method and, for a POST, its body as canonical JSON. A request that
expects JSON (meta EXPECT_JSON, set by API spiders) and gets 403, 429 or an HTML page instead is
`blocked`: the site refused the crawler (see `refusal`); the spider stops the site's crawl on it.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from scrapy import signals
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest

from crawlers.politeness import note_crawl_delay
from crawlers.replay import NotInArchiveError
from crawlers.settings import REFUSED, redirect_refusal, redirect_target, retry_after_seconds
from crawlers.spider_discovery import FOUND_BY
from transforms.requests import canonical_body

OUTCOMES = ("ok", "not_modified", "redirect", "http_error", "network_error", "robots_disallowed",
            "skipped_known", "parse_error", "blocked")
ERROR_OUTCOMES = ("http_error", "network_error", "parse_error")
# Request meta: the request is an API call whose answer must be JSON (an HTML page is a refusal).
EXPECT_JSON = "cchc_expect_json"
# Request meta: a 403 or 429 to this request is a refusal of the client (an API site's public pages).
REFUSABLE = "cchc_refusable"
REFUSAL_STATUSES = (403, 429)
LOG_NAME = "crawl_log.jsonl"


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def one_line(text: str, limit: int = 300) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def outcome_of_status(status: int) -> str:
    if status == 304:
        return "not_modified"
    if 300 <= status < 400:
        return "redirect"
    if status >= 400:
        return "http_error"
    return "ok"


def refusal(status: int, content_type: str | None, body: bytes, retry_after: str | None = None,
            json_expected: bool = True) -> str | None:
    """Why an answer is a refusal of the client (one line), or None when it is not: 403 or 429, or, for a
    request that expects JSON, an HTML page instead."""
    if status in REFUSAL_STATUSES:
        wait = f" (Retry-After {retry_after.strip()})" if retry_after else ""
        return f"refused: HTTP {status}{wait}"
    if status >= 300 or not json_expected:
        return None
    ctype = (content_type or "").lower()
    head = body[:2048].lstrip().lower()
    if "html" in ctype or head.startswith((b"<!doctype", b"<html", b"<")):
        title = re.search(rb"<title[^>]*>(.*?)</title>", body[:4096], re.I | re.S)
        what = one_line(title.group(1).decode("utf-8", "replace"), 80) if title else "an HTML page"
        return f"refused: {what!s} (HTML where JSON was expected)"
    return None


def request_fields(request) -> tuple[str, str | None]:
    """(method, canonical body or None) of a Scrapy request, for the crawl log."""
    method = (request.method or "GET").upper()
    if method == "GET":
        return method, None
    ctype = request.headers.get("Content-Type")
    return method, canonical_body(request.body, ctype.decode("latin-1") if ctype else None)


def error_of_exception(exc: BaseException) -> str:
    if isinstance(exc, NotInArchiveError):
        return str(exc)
    msg = one_line(str(exc))
    cause = _cause(exc)
    if cause and (not msg or msg.startswith("[<")):  # Scrapy wraps Twisted's failures: say what they were
        msg = cause
    return f"{type(exc).__name__}: {msg}" if msg else type(exc).__name__


def _cause(exc: BaseException) -> str:
    """The underlying errors of a wrapped download failure (ResponseFailed.reasons, or __cause__)."""
    inner = exc.__cause__
    if inner is None:
        return ""
    errors = [getattr(f, "value", f) for f in getattr(inner, "reasons", None) or [inner]]
    return "; ".join(f"{type(e).__name__}: {one_line(str(e))}".rstrip(": ") for e in errors)


def size_error(nbytes: int | None, limit: int) -> str:
    got = f"{nbytes} bytes announced" if nbytes else "body went past it"
    return f"too large: over the {limit}-byte size cap ({got}), download stopped"


def crawl_log_of(crawler) -> CrawlLog:
    """The one CrawlLog of a crawl, shared by the middlewares that write rows."""
    log = getattr(crawler, "cchc_crawl_log", None)
    if log is None:
        s = crawler.settings
        log = CrawlLog(Path(s.get("CCHC_OUT_DIR")) / LOG_NAME, s.get("CCHC_RUN_ID"), s.get("CCHC_SITE_ID"))
        crawler.cchc_crawl_log = log
    return log


class CrawlLog:
    """Appends crawl_log rows to DIR/crawl_log.jsonl, flushed per line, and counts outcomes."""

    def __init__(self, path: Path, run_id: str, site_id: str):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.run_id, self.site_id = run_id, site_id
        self.counts: Counter[str] = Counter()
        self._fh = self.path.open("a", encoding="utf-8")

    def write(self, url: str, outcome: str, status: int | None = None, nbytes: int = 0,
              error: str | None = None, method: str = "GET", request: str | None = None,
              found_by: str | None = None) -> dict:
        if outcome not in OUTCOMES:
            raise ValueError(f"unknown crawl outcome {outcome!r}")
        row = {"run_id": self.run_id, "site_id": self.site_id, "url": url, "method": method, "request": request,
               "status": status,
               "outcome": outcome, "fetched_at": utc_now(), "bytes": nbytes,
               "error": one_line(error) if error else None, "found_by": found_by}
        self._fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        self._fh.flush()
        self.counts[outcome] += 1
        return row

    def close(self) -> None:
        self._fh.close()


def read_log(path: Path) -> list[dict]:
    path = Path(path)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


class CrawlLogMiddleware:
    """Writes a crawl_log row for every response, failure and refusal; parse errors via spider_error."""

    def __init__(self, crawler):
        s = crawler.settings
        self.base_url = s.get("CCHC_BASE_URL")
        self.max_redirects = s.getint("REDIRECT_MAX_TIMES")
        self.maxsize = s.getint("DOWNLOAD_MAXSIZE")
        self.retry = (s.getbool("RETRY_ENABLED"), s.getint("RETRY_TIMES"), {int(c) for c in s.getlist("RETRY_HTTP_CODES")},
                      s.getfloat("CCHC_RETRY_AFTER_MAX"))
        self.log = crawl_log_of(crawler)
        crawler.signals.connect(self.spider_error, signal=signals.spider_error)
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response, spider=None):
        outcome = outcome_of_status(response.status)
        error = None
        if outcome == "redirect":
            target = redirect_target(request, response)
            not_followed = redirect_refusal(request, target, self.base_url, self.max_redirects) if target else None
            error = not_followed or (f"-> {target}" if target else "no Location header")
        elif outcome == "http_error":
            error = f"HTTP {response.status}"
        if request.meta.get(EXPECT_JSON) or request.meta.get(REFUSABLE):
            ctype, wait = response.headers.get("Content-Type"), response.headers.get("Retry-After")
            refused = refusal(response.status, ctype.decode("latin-1") if ctype else None, response.body,
                              wait.decode("latin-1") if wait else None, json_expected=bool(request.meta.get(EXPECT_JSON)))
            if refused and self._retried(request, response, wait):
                outcome, error = "http_error", f"{refused}: asked again after the wait"
            elif refused:
                outcome, error = "blocked", refused
        self.log.write(request.url, outcome, response.status, len(response.body), error, *request_fields(request),
                       found_by=request.meta.get(FOUND_BY))
        return response

    def _retried(self, request, response, wait) -> bool:
        """A 429 the retry middleware asks again (Retry-After within the bound, retries left): not yet a refusal."""
        enabled, times, codes, bound = self.retry
        if response.status != 429 or not enabled or 429 not in codes or request.meta.get("dont_retry"):
            return False
        stated = retry_after_seconds(wait.decode("latin-1") if wait else None)
        return (stated is None or stated <= bound) and \
            request.meta.get("retry_times", 0) < request.meta.get("max_retry_times", times)

    def process_exception(self, request, exception, spider=None):
        refused = request.meta.get(REFUSED)
        how = request_fields(request)
        found_by = request.meta.get(FOUND_BY)
        if refused:
            self.log.write(request.url, refused[0], None, 0, refused[1], *how, found_by=found_by)
        elif isinstance(exception, DownloadCancelledError):  # only the size cap cancels a download here
            limit = request.meta.get("download_maxsize", self.maxsize)
            expected = re.search(r"receive (\d+) bytes", str(exception))
            self.log.write(request.url, "network_error", None, 0,
                           size_error(int(expected.group(1)) if expected else None, limit), *how, found_by=found_by)
        elif not isinstance(exception, IgnoreRequest):
            self.log.write(request.url, "network_error", None, 0, error_of_exception(exception), *how,
                           found_by=found_by)
        return None

    def item_scraped(self, item, response, spider=None):
        error = item.get("error") if isinstance(item, dict) else None
        if error:
            what = item.get("kind") or "record"
            status, nbytes = (response.status, len(response.body)) if response is not None else (None, 0)
            how = request_fields(response.request) if getattr(response, "request", None) is not None else ("GET", None)
            self.log.write(item.get("url") or getattr(response, "url", ""), "parse_error", status, nbytes,
                           f"{what} {error}", *how)

    def spider_error(self, failure, response, spider=None):
        how = request_fields(response.request) if getattr(response, "request", None) is not None else ("GET", None)
        self.log.write(response.url, "parse_error", response.status, len(response.body),
                       error_of_exception(failure.value), *how)

    def spider_closed(self, spider, reason=None):
        self.log.close()


class LoggedRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, marking a refused request so the crawl log records it, and giving
    the host's Crawl-delay to its download slot (crawlers/politeness.py)."""

    def process_request_2(self, rp, request):
        if rp is not None:
            note_crawl_delay(self.crawler, request, rp)
        try:
            super().process_request_2(rp, request)
        except IgnoreRequest:
            request.meta[REFUSED] = ("robots_disallowed", "disallowed by robots.txt")
            raise


class LoggedHttpCompressionMiddleware(HttpCompressionMiddleware):
    """Scrapy's Content-Encoding decoding, placed just outside the crawl log: a body that is not what its
    Content-Encoding says, or that inflates past DOWNLOAD_MAXSIZE, becomes one network_error row (with
    the status) instead of an exception Scrapy would only print."""

    @classmethod
    def from_crawler(cls, crawler):
        mw = super().from_crawler(crawler)
        mw.crawl_log = crawl_log_of(crawler)
        return mw

    def process_response(self, request, response, spider=None):
        try:
            return super().process_response(request, response)
        except IgnoreRequest as e:  # the decompression bomb guard of Scrapy
            limit = request.meta.get("download_maxsize", self._max_size)
            error = f"too large: {len(response.body)}-byte body inflates past the {limit}-byte size cap, not decoded"
            cause = e
        except Exception as e:  # noqa: BLE001 (garbage from the web: any decoder error)
            encoding = b",".join(response.headers.getlist("Content-Encoding")).decode("latin-1")
            error = f"undecodable Content-Encoding {encoding}: {error_of_exception(e)}"
            cause = e
        self.crawl_log.write(request.url, "network_error", response.status, len(response.body), error,
                             *request_fields(request))
        raise IgnoreRequest(error) from cause
