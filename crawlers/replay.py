"""Replay: answer every request from WARC/WACZ files instead of the network.

WarcIndex maps the canonical URL of each `response` record to where it is stored, and reads one
record by offset (warcio on a seeked file). The answer to a POST is keyed by method, URL and the
body of its `request` record (linked by WARC-Concurrent-To) as canonical JSON, so key order,
spacing and form encoding do not matter, and a GET never matches a POST. ReplayMiddleware, the last downloader middleware,
turns a stored record into a Scrapy response with the stored status, headers and body, so the
Robots/Retry/Redirect/HttpError middlewares behave as they do live.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

from scrapy.http import Headers
from scrapy.responsetypes import responsetypes
from warcio.archiveiterator import ArchiveIterator

from crawlers.archive_check import WARC_SUFFIXES, gzip_damage, hosts_of, not_an_archive
from transforms.requests import canonical_body
from transforms.urls import canonical_url

log = logging.getLogger(__name__)

# Transport framing the stored body no longer has: warcio hands it back de-chunked and decoded.
_DROP_HEADERS = {"transfer-encoding", "content-encoding", "content-length"}


def replay_key(url: str, method: str = "GET", body: str | None = None) -> str:
    """The index key of an exchange: the canonical URL for a GET, method + URL + canonical body otherwise."""
    if method.upper() == "GET":
        return canonical_url(url)
    return f"{method.upper()} {canonical_url(url)} {body or ''}"


def request_key(request) -> str:
    """The replay key of a Scrapy request."""
    if request.method.upper() == "GET":
        return canonical_url(request.url)
    ctype = request.headers.get("Content-Type")
    return replay_key(request.url, request.method,
                      canonical_body(request.body, ctype.decode("latin-1") if ctype else None))


class NotInArchiveError(Exception):
    """The archive holds no response for this URL (a network error of replay, never retried)."""

    def __init__(self, url: str = ""):
        super().__init__("not in archive")
        self.url = url


@dataclass(frozen=True)
class Stored:
    path: str        # the file holding the WARC stream (a .warc[.gz] or the .wacz zip)
    base: int        # where the WARC stream starts in that file (0, or a stored zip member's data)
    offset: int      # the record's offset inside the WARC stream
    status: int


@dataclass(frozen=True)
class Damage:
    """Where an archive file stops being readable: the byte offset (of the record, or gzip member, that is
    cut short or corrupt), why, and the hosts of the records read before it (the sites it is known to hold)."""
    path: str
    offset: int
    why: str
    hosts: list[str]


@dataclass(frozen=True)
class StoredResponse:
    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    date: str | None


class WarcIndex:
    """Index of response records by canonical URL over files and folders (searched recursively)."""

    def __init__(self, paths, cache_dir: str | Path | None = None):
        self.entries: dict[str, Stored] = {}
        self.files: list[str] = []
        self.damaged: list[Damage] = []
        self.cache_dir = cache_dir or os.environ.get("CCHC_REPLAY_INDEX_DIR")
        for p in paths:
            for f in _archive_files(Path(p)):
                self._index_file(f)

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, url: str) -> bool:
        return canonical_url(url) in self.entries

    def get(self, url: str, key: str | None = None) -> StoredResponse | None:
        """The stored answer to a GET of url, or to the exchange of `key` (see replay_key)."""
        entry = self.entries.get(key or canonical_url(url))
        if entry is None:
            return None
        with open(entry.path, "rb") as fh:
            fh.seek(entry.base + entry.offset)
            record = next(iter(ArchiveIterator(fh)))
            return _stored_response(record)

    def _index_file(self, f: Path) -> None:
        self.files.append(str(f))
        cached = _cached_index(f, self.cache_dir)
        if cached is not None:
            for key, base, offset, status in cached["found"]:
                self._add(key, str(f), base, offset, status)
            if cached.get("damage"):
                self.damaged.append(Damage(str(f), *cached["damage"]))
            return
        self._found: list[tuple[str, int, int, int]] = []
        self._reading = 0  # offset of the record being read: where an exception stopped the reading
        found: list[tuple[int, str]] = []
        try:
            if f.suffix.lower() == ".wacz":
                found.append(self._index_wacz(f))
            else:
                found.append(gzip_damage(f))
                with open(f, "rb") as fh:
                    found.append(self._index_stream(fh, str(f), 0, f.stat().st_size))
        except Exception as e:  # noqa: BLE001 (a damaged file must not stop the replay of the others)
            at = getattr(self, "_it", None)
            found.append((max(self._reading, getattr(at, "offset", 0) or 0),
                          f"unreadable: {' '.join(str(e).split())[:200]}"))
        # A gzip member's damage is exact (its own offset); what warcio stumbles on comes after it.
        damage = next((d for d in found if d), None)
        if damage:
            d = Damage(str(f), damage[0], damage[1], hosts_of(self._found))
            self.damaged.append(d)
            log.warning("replay: %s is damaged at byte %d: %s", f, d.offset, d.why)
        _save_index(f, {"found": self._found, "damage": [d.offset, d.why, d.hosts] if damage else None},
                    self.cache_dir)

    def _add(self, key: str, path: str, base: int, offset: int, status: int) -> None:
        old = self.entries.get(key)
        # A later capture wins, except a server error does not hide an earlier good answer.
        if old is None or not (status >= 500 and old.status < 500):
            self.entries[key] = Stored(path, base, offset, status)

    def _index_wacz(self, f: Path) -> tuple[int, str] | None:
        with zipfile.ZipFile(f) as zf:
            bad = zf.testzip()  # every member's CRC
            if bad is not None:
                return zf.getinfo(bad).header_offset, f"corrupt zip member {bad}"
            for info in zf.infolist():
                if not info.filename.lower().endswith(WARC_SUFFIXES):
                    continue
                if info.compress_type != zipfile.ZIP_STORED:
                    log.warning("replay: %s:%s is compressed inside the zip; WACZ stores WARCs uncompressed",
                                f, info.filename)
                    continue
                with zf.open(info) as member:
                    damage = self._index_stream(member, str(f), _member_data_offset(f, info), info.file_size)
                if damage:
                    return damage
        return None

    def _index_stream(self, fh, path: str, base: int, end: int) -> tuple[int, str] | None:
        """Index the stream's records; returns the first damage (absolute offset, why) found, or None."""
        it = self._it = ArchiveIterator(fh)
        posted: dict[str, str] = {}       # record id (of the request, and of the response it names) -> key
        waiting: list[tuple[str, str, str, int, int]] = []   # responses naming a request not read yet
        last = None
        for record in it:
            if _cut_short(last):  # warcio read the last one to its end before this: it ended early
                return base + self._reading, "truncated: the record ends before its Content-Length"
            last, self._reading = record, it.offset  # (get_record_offset() would read the record away)
            if record.http_headers is None:
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            if not url:
                continue
            rec_id = record.rec_headers.get_header("WARC-Record-ID") or ""
            other = record.rec_headers.get_header("WARC-Concurrent-To") or ""
            if record.rec_type == "request":
                method = (record.http_headers.protocol or "GET").upper()
                if method != "GET":
                    body = record.content_stream().read()
                    key = replay_key(url, method, canonical_body(body, record.http_headers.get_header("Content-Type")))
                    posted[rec_id] = key
                    if other:
                        posted[other] = key
                continue
            if record.rec_type != "response":
                continue
            status = int(record.http_headers.get_statuscode() or 0)
            key = posted.get(rec_id) or posted.get(other)
            if key is None and other:
                waiting.append((rec_id, other, url, it.get_record_offset(), status))
                continue
            self._found_one(key or canonical_url(url), path, base, it.get_record_offset(), status)
        for rec_id, other, url, offset, status in waiting:   # a response written before its request
            self._found_one(posted.get(rec_id) or posted.get(other) or canonical_url(url), path, base, offset, status)
        if _cut_short(last):
            return base + self._reading, "truncated: the record ends before its Content-Length"
        if it.offset < end:  # bytes after the last record that are no record (a cut inside a record's header)
            return base + it.offset, "truncated or not WARC data: no complete record here"
        return None

    def _found_one(self, key: str, path: str, base: int, offset: int, status: int) -> None:
        self._found.append((key, base, offset, status))
        self._add(key, path, base, offset, status)


def _cut_short(record) -> bool:
    """Whether a record read to its end got fewer bytes than its Content-Length."""
    return record is not None and getattr(record.raw_stream, "limit", 0) > 0


def find_response(path: Path, url: str) -> StoredResponse | None:
    """The first response for url in one WARC file, read in order (a crawl's start pages come first)."""
    key = canonical_url(url)
    if not Path(path).is_file():
        return None
    with open(path, "rb") as fh:
        for record in ArchiveIterator(fh):
            if record.rec_type == "response" and record.http_headers is not None \
                    and canonical_url(record.rec_headers.get_header("WARC-Target-URI") or "") == key:
                return _stored_response(record)
    return None


# Every crawl process of a run replays from the same archives: the index of each file is kept beside the
# lake (CCHC_REPLAY_INDEX_DIR) under a key of its path, size and mtime, so only the first process reads it all.
def _index_path(f: Path, root) -> Path | None:
    if not root:
        return None
    st = f.stat()
    # "v3": POST answers are keyed by their request body (v2), and the damage found is kept (v3).
    key = hashlib.sha256(f"v3|{f.resolve()}|{st.st_size}|{st.st_mtime_ns}".encode()).hexdigest()[:24]
    return Path(root) / f"{key}.json"


def _cached_index(f: Path, root) -> dict | None:
    p = _index_path(f, root)
    if p is None or not p.exists():
        return None
    try:
        cached = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return cached if isinstance(cached, dict) and "found" in cached else None


def _save_index(f: Path, found: dict, root) -> None:
    p = _index_path(f, root)
    if p is None:
        return
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(found), encoding="utf-8")
    os.replace(tmp, p)  # atomic: a concurrent process reads the whole index or none


class ArchiveError(Exception):
    """A replay path that holds no archive, or a file that is none; str(e) is one line naming it."""


def check_archives(paths) -> None:
    """Every path holds at least one archive, and every archive file starts as one (WARC record or WACZ zip).
    A wrong file in the replay set is a user mistake, said before any crawl starts."""
    for p in map(Path, paths):
        files = _archive_files(p)
        if not files:
            raise ArchiveError(f"no WARC or WACZ file in {p}")
        for f in files:
            problem = not_an_archive(f)
            if problem:
                raise ArchiveError(f"{f} is not a {problem}")


def archive_signature(paths) -> tuple:
    """What identifies the archives' contents: each file's path, size and modification time."""
    files = [f for p in paths for f in _archive_files(Path(p))]
    return tuple((str(f), f.stat().st_size, f.stat().st_mtime_ns) for f in files)


def _archive_files(p: Path) -> list[Path]:
    if p.is_dir():
        return sorted(f for f in p.rglob("*") if f.is_file() and _is_archive(f))
    return [p] if p.is_file() else []


def _is_archive(f: Path) -> bool:
    name = f.name.lower()
    return name.endswith(WARC_SUFFIXES) or name.endswith(".wacz")


def _member_data_offset(zip_path: Path, info: zipfile.ZipInfo) -> int:
    """Absolute offset of a stored member's bytes: after its local header (name and extra vary)."""
    with open(zip_path, "rb") as fh:
        fh.seek(info.header_offset)
        header = fh.read(30)
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    return info.header_offset + 30 + name_len + extra_len


def _stored_response(record) -> StoredResponse:
    http = record.http_headers
    headers = [(k, v) for k, v in http.headers if k.lower() not in _DROP_HEADERS]
    body = record.content_stream().read()
    return StoredResponse(
        url=record.rec_headers.get_header("WARC-Target-URI"), status=int(http.get_statuscode() or 0),
        headers=headers, body=body, date=record.rec_headers.get_header("WARC-Date"))


def _scrapy_headers(pairs: list[tuple[str, str]]) -> Headers:
    grouped: dict[str, list[str]] = {}
    for k, v in pairs:
        grouped.setdefault(k, []).append(v)
    return Headers(grouped)


class ReplayMiddleware:
    """Answers every request from the archive; an absent URL fails as a network error."""

    def __init__(self, paths):
        self.index = WarcIndex(paths)
        log.info("replay: %d responses indexed from %d files", len(self.index), len(self.index.files))

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.getlist("CCHC_REPLAY_PATHS"))

    def process_request(self, request, spider=None):
        stored = self.index.get(request.url, request_key(request))
        if stored is None:
            raise NotInArchiveError(request.url)
        headers = _scrapy_headers(stored.headers)
        cls = responsetypes.from_args(headers=headers, url=request.url, body=stored.body)
        request.meta["cchc_archived_at"] = stored.date
        return cls(url=request.url, status=stored.status, headers=headers, body=stored.body,
                   request=request, flags=["replay"])
