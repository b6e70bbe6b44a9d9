"""Whether an archive file is whole: pure reads of one file, no index (crawlers/replay.py uses them).

warcio reads a truncated or corrupt gzip member without a word; these checks find where a file stops being
readable, so that replay can name the file and the offset instead of replaying half of it.
"""
from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path

WARC_SUFFIXES = (".warc", ".warc.gz")


def not_an_archive(f: Path) -> str | None:
    """What is wrong with the start of f as an archive, or None."""
    if f.name.lower().endswith(".wacz"):
        try:
            with zipfile.ZipFile(f) as zf:
                if any(n.lower().endswith(WARC_SUFFIXES) for n in zf.namelist()):
                    return None
        except (zipfile.BadZipFile, OSError):
            return "WACZ file (not a zip archive)"
        return "WACZ file (the zip holds no WARC file)"
    with open(f, "rb") as fh:
        head = fh.read(65536)
    if not head:
        return "WARC file (it is empty)"
    if head[:2] == b"\x1f\x8b":
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 16)
        except zlib.error:
            return "WARC file (damaged gzip data at byte 0)"
    return None if head.startswith(b"WARC/") else "WARC file (it does not start with a WARC record)"


def key_host(key: str) -> str | None:
    """The host (and port) of a replay index key: a canonical URL, or "METHOD URL BODY" (crawlers/replay.py)."""
    m = _HOST.search(key)
    return m.group(1).lower() if m else None


def hosts_of(found: list[tuple[str, int, int, int]]) -> list[str]:
    return sorted({h for key, *_ in found if (h := key_host(key))})


_HOST = re.compile(r"https?://([^/\s?#]+)")
GZIP_CHUNK = 1 << 20


def gzip_damage(f: Path) -> tuple[int, str] | None:
    """The offset of the first gzip member of f that is corrupt or cut short (None: all whole, or not gzip).
    warcio reads a cut or corrupt member without a word: each member is inflated here, its CRC checked."""
    with open(f, "rb") as fh:
        if fh.read(2) != b"\x1f\x8b":
            return None
        fh.seek(0)
        start, pos, chunk = 0, 0, b""   # start: the current member's offset; pos: the chunk's
        d, fed = zlib.decompressobj(16 + zlib.MAX_WBITS), False
        while True:
            if not chunk:
                chunk = fh.read(GZIP_CHUNK)
                if not chunk:
                    return (start, "truncated: the gzip member starting here ends early") if fed else None
            try:
                d.decompress(chunk, GZIP_CHUNK)
                while d.unconsumed_tail and not d.eof:
                    d.decompress(d.unconsumed_tail, GZIP_CHUNK)
            except zlib.error as e:
                return start, f"corrupt gzip data ({e})"
            fed = True
            if d.eof:
                used = len(chunk) - len(d.unused_data)
                pos, start, chunk = pos + used, pos + used, d.unused_data
                d, fed = zlib.decompressobj(16 + zlib.MAX_WBITS), False
            else:
                pos, chunk = pos + len(chunk), b""
