"""Politeness per host: each host is a Scrapy download slot (one request at a time by default, a fixed
delay between requests), robots.txt's Crawl-delay raises that host's delay, AutoThrottle may slow a host
down but never below its floor, and a failing host is slowed to the backoff of its retries.

A site crawled beside hundreds of others in one process (crawlers/run_batch.py) gets the same manners as
alone: the slots belong to its own crawler, so a slow or broken host only ever holds its own slot.

The floor of a host is max(DOWNLOAD_DELAY, Crawl-delay + CCHC_DELAY_MARGIN), counted from the previous
request's answer (PoliteHTTP11DownloadHandler): however late a busy event loop sends a request, the server
never sees two requests closer than it asked.
"""
from __future__ import annotations

import time

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.extensions.throttle import AutoThrottle

FLOORS_ATTR = "cchc_host_floors"


def host_floors(crawler) -> dict[str, float]:
    """Slot key (host) -> the least delay between two requests to it, for this crawler."""
    floors = getattr(crawler, FLOORS_ATTR, None)
    if floors is None:
        floors = {}
        setattr(crawler, FLOORS_ATTR, floors)
    return floors


def floor_of(crawler, key: str | None) -> float:
    base = crawler.settings.getfloat("DOWNLOAD_DELAY")
    return max(base, host_floors(crawler).get(key or "", 0.0))


def raise_slot_delay(crawler, key: str, delay: float) -> None:
    """The host's slot waits at least `delay` between requests from now on (a slot made later too)."""
    downloader = crawler.engine.downloader
    slot = downloader.slots.get(key)
    if slot is not None and slot.delay < delay:
        slot.delay = delay
    per_slot = downloader.per_slot_settings.setdefault(key, {})
    per_slot["delay"] = max(float(per_slot.get("delay", 0.0)), delay)


def note_crawl_delay(crawler, request, parser) -> None:
    """Record the Crawl-delay of the robots.txt that governs `request` (once per host)."""
    downloader = crawler.engine.downloader
    key = downloader.get_slot_key(request)
    floors = host_floors(crawler)
    if key in floors:
        return
    stated = None
    try:
        stated = parser.crawl_delay(crawler.settings.get("USER_AGENT"))
    except (AttributeError, TypeError, ValueError):  # a parser without Crawl-delay support, a garbled value
        stated = None
    floors[key] = (float(stated) + crawler.settings.getfloat("CCHC_DELAY_MARGIN")) if stated else 0.0
    if floors[key]:
        raise_slot_delay(crawler, key, floors[key])


def back_off_host(crawler, request, delay: float) -> None:
    """A retryable failure: the host's slot waits `delay` (the retry's backoff) between requests; AutoThrottle
    brings it back down as answers come."""
    if delay <= 0 or crawler is None or crawler.engine is None:
        return
    key = crawler.engine.downloader.get_slot_key(request)
    cap = max(crawler.settings.getfloat("AUTOTHROTTLE_MAX_DELAY"), floor_of(crawler, key))
    slot = crawler.engine.downloader.slots.get(key)
    if slot is not None and slot.delay < delay:
        slot.delay = min(delay, cap)


class PoliteThrottle(AutoThrottle):
    """Scrapy's AutoThrottle with a floor per host (DOWNLOAD_DELAY, or the host's Crawl-delay if higher)."""

    def _response_downloaded(self, response, request, spider=None) -> None:
        key, slot = self._get_slot(request, spider)
        latency = request.meta.get("download_latency")
        if latency is None or slot is None or request.meta.get("autothrottle_dont_adjust_delay", False) is True:
            return
        self.mindelay = floor_of(self.crawler, key)
        self.maxdelay = max(self._max_delay(), self.mindelay)
        self._adjust_delay(slot, latency, response)


class PoliteHTTP11DownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler, restarting the host's delay when the answer (or the failure) has come: the
    slot stamps a request when it lets it go, and a busy event loop may send it much later, so that counting
    the delay from there could bring two requests closer at the server than the delay. Counted from the
    answer, the next request reaches the server at least the delay after the previous one did, however late
    either was sent. It costs one latency per request."""

    async def download_request(self, request):
        key = request.meta.get("download_slot")
        slot = self._crawler.engine.downloader.slots.get(key) if key is not None else None
        try:
            return await super().download_request(request)
        finally:
            if slot is not None:
                slot.lastseen = max(slot.lastseen, time.monotonic())
