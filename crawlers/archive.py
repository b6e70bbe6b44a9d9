"""The raw archive: every response a run receives, live or replayed, as a WARC `response` record.

Live runs also store the `request` record; a POST's request record (its exact body) is stored live and
replayed, and it and its response name each other in WARC-Concurrent-To, so the raw WARC of a run
replays its POSTs again. Each record is its own gzip member, flushed at once,
so a killed run keeps everything it fetched. Bodies are stored as received (still
content-encoded live: ArchiveMiddleware sees the response before HttpCompressionMiddleware).
"""
from __future__ import annotations

import io
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from urllib.parse import urlsplit

from scrapy import signals
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

# Scrapy hands us the body de-chunked; a stored Transfer-Encoding would make readers de-chunk again.
_DROP_HEADERS = {b"transfer-encoding"}


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _header_pairs(headers) -> list[tuple[str, str]]:
    pairs = []
    for key, values in headers.items():
        if key.lower() in _DROP_HEADERS:
            continue
        for v in values:
            pairs.append((key.decode("latin-1"), v.decode("latin-1")))
    return pairs


def _warc_date(value: str | None = None) -> str:
    return value or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class WarcArchive:
    """Appends WARC records to one file (.warc.gz compressed per record, .warc plain)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = self.path.open("wb")
        self._writer = WARCWriter(self._fh, gzip=self.path.name.endswith(".gz"))
        self.count = 0

    def write_response(self, url: str, status: int, headers: list[tuple[str, str]], body: bytes,
                       request_line: str | None = None, request_headers: list[tuple[str, str]] | None = None,
                       request_body: bytes = b"", date: str | None = None) -> None:
        """Write one response record, preceded by its request record when `request_line` is given."""
        warc_headers = {"WARC-Date": _warc_date(date)}
        http = StatusAndHeaders(f"{status} {_reason(status)}".strip(), headers, protocol="HTTP/1.1")
        resp = self._writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                               warc_headers_dict=warc_headers, http_headers=http)
        if request_line is None:
            self._writer.write_record(resp)
        else:
            req_http = StatusAndHeaders(request_line, request_headers or [], is_http_request=True)
            req = self._writer.create_warc_record(url, "request", payload=io.BytesIO(request_body),
                                                  warc_headers_dict=dict(warc_headers), http_headers=req_http)
            req_id = req.rec_headers.get_header("WARC-Record-ID")
            if req_id:  # warcio links the request to the response; the response names its request too
                resp.rec_headers.add_header("WARC-Concurrent-To", req_id)
            self._writer.write_request_response_pair(req, resp)
        self._fh.flush()
        self.count += 1

    def close(self) -> None:
        if not self._fh.closed:
            self._fh.close()


class ArchiveMiddleware:
    """Downloader middleware next to the downloader: archives each response exactly as received."""

    def __init__(self, crawler):
        s = crawler.settings
        self.replay = bool(s.getlist("CCHC_REPLAY_PATHS"))
        self.archive = WarcArchive(Path(s.get("CCHC_RAW_PATH")))
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response, spider=None):
        headers = _header_pairs(response.headers)
        if self.replay and request.method.upper() == "GET":
            self.archive.write_response(request.url, response.status, headers, response.body,
                                        date=request.meta.get("cchc_archived_at"))
        else:
            parts = urlsplit(request.url)
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            req_headers = [("Host", parts.netloc), *_header_pairs(request.headers)]
            self.archive.write_response(request.url, response.status, headers, response.body,
                                        request_line=f"{request.method} {target} HTTP/1.1",
                                        request_headers=req_headers, request_body=request.body,
                                        date=request.meta.get("cchc_archived_at") if self.replay else None)
        return response

    def spider_closed(self, spider, reason=None):
        self.archive.close()
