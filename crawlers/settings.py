"""Crawl policy: the Scrapy settings of a live or replay run, and the middlewares that enforce where and
how politely we fetch (retry backoff, staying inside the site, no private addresses, size caps).

Resource caps (each a setting, overridable with `run_site --set KEY=VALUE`):
  DOWNLOAD_MAXSIZE            30 MB   any response, also after Content-Encoding is decoded (gzip bombs);
                                      a bigger one is cut off and logged "too large: ..."
  CCHC_MAX_ATTACHMENT_BYTES   20 MB   a request for an attachment (cchc_role "attachment"); the spider's
                                      extract_attachment refuses bigger bodies too (zip bombs, page counts:
                                      see crawlers/extraction/attachments.py)
  CCHC_MAX_UNCOMPRESSED_BYTES 200 MB  what a DOCX/XLSX zip or a PDF's streams may inflate to (ratio cap 100:1)
  CCHC_MAX_PDF_PAGES          200     pages of one PDF attachment
  CCHC_MAX_PAGES              20000   requests a spider schedules for one site (`--max-pages` wins)
  REDIRECT_MAX_TIMES          10      hops of one redirect chain; a loop back to a URL of the chain stops at once
  DOWNLOAD_TIMEOUT            30 s    per attempt; RETRY_TIMES 2 retries of timeouts, resets and 5xx/429
Memory does not grow with the number of pages: records and log rows are written as they come, the
WARC is appended per record; only the seen-URL sets grow (bytes per URL).

CCHC_RESOLVE pins host names to addresses ("portal.test=127.0.0.1, *.farm.test=127.0.0.1", like curl --resolve;
"*.suffix" pins every host under suffix):
tests serve a public-looking site from loopback this way, with the private-address guard still on.
Without a pin, a public name that resolves to a private address is refused like a private literal.
"""
from __future__ import annotations

import ipaddress
import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.resolver import CachingThreadedResolver
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import defer
from twisted.internet.error import DNSLookupError

from crawlers.politeness import back_off_host
from transforms.urls import same_site

log = logging.getLogger(__name__)

USER_AGENT = "cchc/0.1 (+https://github.com/cchc-vn/cchc; open data on administrative reform)"
MB = 1024 * 1024
DOWNLOAD_MAXSIZE = 30 * MB  # also the flow's probes (crawlers/probe.py)

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
        "DOWNLOAD_MAXSIZE": DOWNLOAD_MAXSIZE,
        "DOWNLOAD_WARNSIZE": 10 * MB,
        "CCHC_MAX_ATTACHMENT_BYTES": 20 * MB,
        "CCHC_MAX_UNCOMPRESSED_BYTES": 200 * MB,
        "CCHC_MAX_PDF_PAGES": 200,
        "CCHC_MAX_PAGES": 20000,
        "REDIRECT_MAX_TIMES": 10,
        "TWISTED_DNS_RESOLVER": "crawlers.settings.PinnedResolver",
        "CCHC_RESOLVE": "",
        "RETRY_ENABLED": True,
        "RETRY_TIMES": 2,
        "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408, 429],
        "RETRY_GIVE_UP_LOG_LEVEL": "WARNING",
        "REDIRECT_ENABLED": True,
        # Politeness per host (crawlers/politeness.py): one request at a time, at least DOWNLOAD_DELAY apart
        # (no random jitter: it would go below the delay), more if robots.txt says Crawl-delay.
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
        "CONCURRENT_REQUESTS": 16,
        "DOWNLOAD_DELAY_JITTER": 0.0,
        "CCHC_DELAY_MARGIN": 0.05,
        "AUTOTHROTTLE_ENABLED": True,
        "AUTOTHROTTLE_START_DELAY": 2.0,
        "AUTOTHROTTLE_MAX_DELAY": 30.0,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
        "DOWNLOAD_DELAY": 1.0,
        # The site's time budget (Scrapy's CloseSpider): a crawl beside others in one process ends on its own.
        "CLOSESPIDER_TIMEOUT": 7200,
        # Hundreds of crawlers share a batch process: no per-crawler stats log or memory watch loops.
        "LOGSTATS_INTERVAL": 0,
        # Per response, Scrapy starts CONCURRENT_ITEMS tasks for its output (100 by default, for a record and a
        # few links) and parses every callback's source to warn about generator return values: ~4 ms a page.
        "CONCURRENT_ITEMS": 4,
        "WARN_ON_GENERATOR_RETURN_VALUE": False,
        "MEMUSAGE_ENABLED": False,
        "EXTENSIONS": {"scrapy.extensions.throttle.AutoThrottle": None, "crawlers.politeness.PoliteThrottle": 0},
        "DOWNLOAD_HANDLERS": {"http": "crawlers.politeness.PoliteHTTP11DownloadHandler",
                              "https": "crawlers.politeness.PoliteHTTP11DownloadHandler"},
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
            "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
            "crawlers.crawl_log.CrawlLogMiddleware": 980,
            "crawlers.crawl_log.LoggedHttpCompressionMiddleware": 982,
            "crawlers.archive.ArchiveMiddleware": 985,
        },
        "ITEM_PIPELINES": {"crawlers.run_site.RecordsPipeline": 300},
    }
    if replay:
        s.update({
            "AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "CONCURRENT_REQUESTS": 32,
            "CONCURRENT_REQUESTS_PER_DOMAIN": 32, "CCHC_RETRY_BACKOFF_BASE": 0.0, "CCHC_RETRY_AFTER_MAX": 0.0,
            # An archive answers the same every time: a retry only logs and archives the same error again.
            "RETRY_ENABLED": False,
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
    """Scrapy's retry, waiting before each retry: Retry-After on 429/503, else exponential backoff; the
    host's slot is slowed to that backoff too (crawlers/politeness.py), not only the retried request."""

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

    def _waits_too_long(self, response) -> bool:
        """A 429 whose Retry-After is beyond the bound: honouring it means not asking again in this run."""
        if response.status != 429:
            return False
        header = response.headers.get("Retry-After")
        stated = retry_after_seconds(header.decode("latin-1") if header else None)
        return stated is not None and stated > self.retry_after_max

    async def process_response(self, request, response, spider=None):
        if self._waits_too_long(response):
            log.info("%s: 429 with Retry-After beyond %.0f s: not retried", request.url, self.retry_after_max)
            return response
        result = super().process_response(request, response)
        if result is not response:
            delay = self._delay(request, response)
            back_off_host(self.crawler, request, delay)
            if delay > 0:
                await _sleep(delay)
        return result

    async def process_exception(self, request, exception, spider=None):
        result = super().process_exception(request, exception)
        if result is not None:
            delay = self._delay(request)
            back_off_host(self.crawler, request, delay)
            if delay > 0:
                await _sleep(delay)
        return result


def parse_pins(value) -> dict[str, str]:
    """CCHC_RESOLVE as {host: address}: a dict, or "host=address" items separated by commas or spaces."""
    if isinstance(value, dict):
        return {str(k).lower(): str(v) for k, v in value.items()}
    pins = {}
    for item in str(value or "").replace(",", " ").split():
        host, sep, address = item.partition("=")
        if not sep or not host or not address:
            raise ValueError(f"CCHC_RESOLVE item '{item}' is not host=address")
        pins[host.lower()] = address
    return pins


def pinned_address(pins: dict[str, str], host: str) -> str | None:
    """The pinned address of `host`: an exact pin, else a "*.suffix" pin covering it."""
    host = host.lower()
    if host in pins:
        return pins[host]
    parts = host.split(".")
    for i in range(1, len(parts)):
        wild = pins.get("*." + ".".join(parts[i:]))
        if wild:
            return wild
    return None


class PinnedResolver(CachingThreadedResolver):
    """Scrapy's DNS resolver with pinned answers (CCHC_RESOLVE), refusing a name that resolves to a
    private address (unless CCHC_ALLOW_PRIVATE_ADDRESSES): the guard below only sees literal addresses."""

    pins: dict[str, str] = {}
    allow_private = False

    @classmethod
    def from_crawler(cls, crawler, reactor):
        resolver = super().from_crawler(crawler, reactor)
        resolver.pins = parse_pins(crawler.settings.get("CCHC_RESOLVE"))
        resolver.allow_private = crawler.settings.getbool("CCHC_ALLOW_PRIVATE_ADDRESSES")
        return resolver

    def getHostByName(self, name, timeout=()):  # noqa: N802 (Twisted's name)
        pinned = pinned_address(self.pins, name)
        if pinned:
            return defer.succeed(pinned)
        d = super().getHostByName(name, timeout)
        if not self.allow_private:
            d.addCallback(refuse_private_answer, name)
        return d


def refuse_private_answer(address: str, name: str) -> str:
    if is_private_host(address):
        raise DNSLookupError(f"{name} resolves to the private address {address}: not fetched")
    return address


class SiteGuardMiddleware:
    """Refuse private/loopback addresses on a public site, and redirects (meta refresh) that leave the site;
    put the attachment size cap on attachment requests."""

    def __init__(self, settings):
        self.base_url = settings.get("CCHC_BASE_URL")
        self.allow_private = settings.getbool("CCHC_ALLOW_PRIVATE_ADDRESSES")
        self.attachment_cap = settings.getint("CCHC_MAX_ATTACHMENT_BYTES")

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings)

    def process_request(self, request, spider=None):
        # urlsplit's hostname, not host_of: "[::1]:80" split at the first colon would hide an IPv6 literal.
        if not self.allow_private and is_private_host(urlsplit(request.url).hostname or ""):
            request.meta[REFUSED] = ("network_error", "private address: not fetched")
            raise IgnoreRequest("private address")
        if request.meta.get("redirect_urls") and self.base_url and not same_site(request.url, self.base_url):
            request.meta[REFUSED] = ("redirect", "off-site: not followed")
            raise IgnoreRequest("off-site redirect")
        if request.meta.get("cchc_role") == "attachment" and self.attachment_cap:
            request.meta.setdefault("download_maxsize", self.attachment_cap)
        return None


class OffsiteRedirectMiddleware:
    """Sees a 3xx before RedirectMiddleware: a Location outside the site, back into the chain (a loop) or
    past REDIRECT_MAX_TIMES hops is not followed (the crawl log says which, from redirect_refusal)."""

    def __init__(self, settings):
        self.base_url = settings.get("CCHC_BASE_URL")
        self.max_times = settings.getint("REDIRECT_MAX_TIMES")

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings)

    def process_response(self, request, response, spider=None):
        target = redirect_target(request, response)
        refusal = redirect_refusal(request, target, self.base_url, self.max_times) if target else None
        if refusal:
            log.info("redirect %s -> %s %s", request.url, target, refusal)
            request.meta["dont_redirect"] = True
        return response


def redirect_refusal(request, target: str, base_url: str | None, max_times: int) -> str | None:
    """Why the redirect of `request` to `target` is not followed; None when it is."""
    if base_url and not same_site(target, base_url):
        return "off-site: not followed"
    chain = {urldefrag(u)[0] for u in [*request.meta.get("redirect_urls", []), request.url]}
    if urldefrag(target)[0] in chain:
        return f"redirect loop back to {target}: not followed"
    if max_times and request.meta.get("redirect_times", 0) >= max_times:
        return f"too many redirects (more than {max_times}): not followed"
    return None


def redirect_target(request, response) -> str | None:
    """The absolute Location of a 3xx response, None otherwise."""
    if not (300 <= response.status < 400):
        return None
    loc = response.headers.get("Location")
    if not loc:
        return None
    return urljoin(request.url, loc.decode("latin-1").strip())
