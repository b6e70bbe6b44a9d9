"""Incremental crawling: do not fetch again the articles and attachments an earlier run already has.

The known file lists one canonical URL per line, optionally followed by tab-separated
Last-Modified and ETag. Replay drops known requests; live re-asks with If-Modified-Since /
If-None-Match when validators are known (a 304 yields no record) and drops the rest.
Listings and other pages are always fetched: that is where new articles appear. --full
(CCHC_FULL) turns all of it off.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scrapy.exceptions import IgnoreRequest, NotConfigured

from crawlers.settings import REFUSED
from transforms.urls import canonical_url

ROLE = "cchc_role"
SKIPPABLE_ROLES = ("article", "attachment")
CONDITIONAL = "cchc_conditional"


@dataclass(frozen=True)
class Known:
    last_modified: str | None = None
    etag: str | None = None


def read_known(path: Path) -> dict[str, Known]:
    """Canonical URL -> validators; blank lines and '#' comments are ignored."""
    known: dict[str, Known] = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = [p.strip() for p in line.split("\t")]
        url = parts[0]
        last_modified = parts[1] if len(parts) > 1 and parts[1] else None
        etag = parts[2] if len(parts) > 2 and parts[2] else None
        known[canonical_url(url)] = Known(last_modified, etag)
    return known


class IncrementalMiddleware:
    def __init__(self, known: dict[str, Known], replay: bool):
        self.known = known
        self.replay = replay

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        path = s.get("CCHC_KNOWN_PATH")
        if s.getbool("CCHC_FULL") or not path:
            raise NotConfigured
        return cls(read_known(Path(path)), bool(s.getlist("CCHC_REPLAY_PATHS")))

    def process_request(self, request, spider=None):
        if request.meta.get(ROLE) not in SKIPPABLE_ROLES:
            return None
        entry = self.known.get(canonical_url(request.url))
        if entry is None:
            return None
        if self.replay or not (entry.last_modified or entry.etag):
            request.meta[REFUSED] = ("skipped_known", "known from an earlier run")
            raise IgnoreRequest("known URL")
        if entry.last_modified:
            request.headers["If-Modified-Since"] = entry.last_modified
        if entry.etag:
            request.headers["If-None-Match"] = entry.etag
        request.meta[CONDITIONAL] = True
        return None

    def process_response(self, request, response, spider=None):
        if response.status == 304 and request.meta.get(CONDITIONAL):
            raise IgnoreRequest("not modified")  # the crawl log already has the 304
        return response
