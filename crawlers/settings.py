"""Crawl policy: the Scrapy settings of a live or replay run, and the middlewares that enforce where and
how politely we fetch (retry backoff, staying inside the site, no private addresses)."""
from __future__ import annotations

import ipaddress
import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urljoin

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import maybe_deferred_to_future

from transforms.urls import host_of, same_site

log = logging.getLogger(__name__)

USER_AGENT = "cchc/0.1 (+https://github.com/cchc-vn/cchc; open data on administrative reform)"
MB = 1024 * 1024

# Request meta key: (outcome, error) for a request this project refused; the crawl log writes it.
REFUSED = "cchc_refused"


def build_settings(*, site_id: str, base_url: str, run_id: str, out_dir: Path, raw_path: Path,
                   replay_paths: list[str] | None = None, known_path: Path | None = None, full: bool = False,
                   overrides: dict | None = None) -> dict:
    """Settings for one site's crawl; `overrides` (e.g. from `--set`) win over everything."""
    replay = bool(replay_paths)
    s = {
        "USER_AGENT": USER_AGENT,
        "ROBOTSTXT_OBEY": True,
        "REMOTE_CONTROL_ENABLED": False,   # on by default in 2.19: a control server per batch run
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "WARNING",
        "HTTPCACHE_ENABLED": False,
        "DOWNLOAD_TIMEOUT": 30,
        "DOWNLOAD_MAXSIZE": 30 * MB,
        "DOWNLOAD_WARNSIZE": 10 * MB,
        "RETRY_ENABLED": True,
        "RETRY_TIMES": 2,
        "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408, 429],
        "RETRY_GIVE_UP_LOG_LEVEL": "WARNING",
        "REDIRECT_ENABLED": True,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
        "AUTOTHROTTLE_ENABLED": True,
        "AUTOTHROTTLE_START_DELAY": 2.0,
        "AUTOTHROTTLE_MAX_DELAY": 30.0,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
        "DOWNLOAD_DELAY": 1.0,
        "CCHC_RETRY_BACKOFF_BASE": 2.0,     # seconds; doubled on each retry
        "CCHC_RETRY_AFTER_MAX": 120.0,      # cap on an honoured Retry-After
        "CCHC_ALLOW_PRIVATE_ADDRESSES": False,
        "CCHC_SITE_ID": site_id,
        "CCHC_BASE_URL": base_url,
        "CCHC_RUN_ID": run_id,
        "CCHC_OUT_DIR": str(out_dir),
        "CCHC_RAW_PATH": str(raw_path),
        "CCHC_REPLAY_PATHS": list(replay_paths or []),
        "CCHC_KNOWN_PATH": str(known_path) if known_path else "",
        "CCHC_FULL": full,
        "DOWNLOADER_MIDDLEWARES": {
            "crawlers.incremental.IncrementalMiddleware": 40,
            "crawlers.settings.SiteGuardMiddleware": 45,
            "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
            "crawlers.crawl_log.LoggedRobotsTxtMiddleware": 100,
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            "crawlers.settings.BackoffRetryMiddleware": 550,
            "crawlers.settings.OffsiteRedirectMiddleware": 650,
            "crawlers.crawl_log.CrawlLogMiddleware": 980,
            "crawlers.archive.ArchiveMiddleware": 985,
        },
        "ITEM_PIPELINES": {"crawlers.run_site.RecordsPipeline": 300},
    }
    if replay:
        s.update({
            "AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "CONCURRENT_REQUESTS": 32,
            "CONCURRENT_REQUESTS_PER_DOMAIN": 32, "CCHC_RETRY_BACKOFF_BASE": 0.0, "CCHC_RETRY_AFTER_MAX": 0.0,
        })
        s["DOWNLOADER_MIDDLEWARES"]["crawlers.replay.ReplayMiddleware"] = 990
    s.update(overrides or {})
    return s


def parse_overrides(pairs: list[str]) -> dict:
    """`KEY=VALUE` strings (like `scrapy -s`); raises ValueError naming a malformed one."""
    out: dict = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"setting '{pair}' is not KEY=VALUE")
        out[key.strip()] = value
    return out


def is_private_host(host: str) -> bool:
    """A loopback, private, link-local or otherwise non-public address (literal IP or localhost)."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    return not ip.is_global


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds: delta-seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


async def _sleep(seconds: float) -> None:
    # Imported here: importing the reactor at module level would install the wrong one.
    from twisted.internet import reactor, task

    await maybe_deferred_to_future(task.deferLater(reactor, seconds, lambda: None))


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry, waiting before each retry: Retry-After on 429/503, else exponential backoff."""

    def __init__(self, settings):
        super().__init__(settings)
        self.base = settings.getfloat("CCHC_RETRY_BACKOFF_BASE")
        self.retry_after_max = settings.getfloat("CCHC_RETRY_AFTER_MAX")

    def _delay(self, request, response=None) -> float:
        attempt = request.meta.get("retry_times", 0)
        if response is not None and response.status in (429, 503):
            header = response.headers.get("Retry-After")
            stated = retry_after_seconds(header.decode("latin-1") if header else None)
            if stated is not None:
                return min(stated, self.retry_after_max)
        return self.base * (2 ** attempt)

    async def process_response(self, request, response, spider=None):
        result = super().process_response(request, response)
        if result is not response:
            delay = self._delay(request, response)
            if delay > 0:
                await _sleep(delay)
        return result

    async def process_exception(self, request, exception, spider=None):
        result = super().process_exception(request, exception)
        if result is not None:
            delay = self._delay(request)
            if delay > 0:
                await _sleep(delay)
        return result


class SiteGuardMiddleware:
    """Refuse private/loopback addresses on a public site, and redirects (meta refresh) that leave the site."""

    def __init__(self, settings):
        self.base_url = settings.get("CCHC_BASE_URL")
        self.allow_private = settings.getbool("CCHC_ALLOW_PRIVATE_ADDRESSES")

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings)

    def process_request(self, request, spider=None):
        if not self.allow_private and is_private_host(host_of(request.url)):
            request.meta[REFUSED] = ("network_error", "private address: not fetched")
            raise IgnoreRequest("private address")
        if request.meta.get("redirect_urls") and self.base_url and not same_site(request.url, self.base_url):
            request.meta[REFUSED] = ("redirect", "off-site: not followed")
            raise IgnoreRequest("off-site redirect")
        return None


class OffsiteRedirectMiddleware:
    """Sees a 3xx before RedirectMiddleware: a Location outside the site is not followed."""

    def __init__(self, settings):
        self.base_url = settings.get("CCHC_BASE_URL")

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings)

    def process_response(self, request, response, spider=None):
        target = redirect_target(request, response)
        if target and self.base_url and not same_site(target, self.base_url):
            log.info("not following off-site redirect %s -> %s", request.url, target)
            request.meta["dont_redirect"] = True
        return response


def redirect_target(request, response) -> str | None:
    """The absolute Location of a 3xx response, None otherwise."""
    if not (300 <= response.status < 400):
        return None
    loc = response.headers.get("Location")
    if not loc:
        return None
    return urljoin(request.url, loc.decode("latin-1").strip())
