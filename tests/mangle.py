"""Test helper: a copy of a world's WARCs whose HTML class and id names are meaningless hashes.

The structure of every page stays; only the names a family's selectors (or a name
guess) could lean on are gone. Extraction that still works here works on a CMS it
has never seen.
"""
from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

_ATTR = re.compile(r'\b(class|id)="([^"]*)"')


def _hash_names(m: re.Match) -> str:
    names = m.group(2).split()
    return f'{m.group(1)}="' + " ".join("x" + hashlib.md5(v.encode()).hexdigest()[:6] for v in names) + '"'


def mangle_html(text: str) -> str:
    """Every class and id value of the markup replaced by a hash of itself (same name, same hash)."""
    return _ATTR.sub(_hash_names, text)


def mangle_warcs(src_dir, dst_dir) -> list[Path]:
    """Copy every `*.warc.gz` of `src_dir` to `dst_dir` (response records only), HTML bodies mangled.
    Returns the written files."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    src, dst = Path(src_dir), Path(dst_dir)
    dst.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted(src.glob("*.warc.gz")):
        with open(path, "rb") as fh, open(dst / path.name, "wb") as out:
            writer = WARCWriter(out, gzip=True)
            for rec in ArchiveIterator(fh):
                if rec.rec_type != "response":
                    continue
                body = rec.content_stream().read()
                ctype = rec.http_headers.get_header("Content-Type") or ""
                if "html" in ctype:
                    body = mangle_html(body.decode("utf-8")).encode("utf-8")
                headers = [(k, v) for k, v in rec.http_headers.headers if k.lower() != "content-length"]
                http = StatusAndHeaders(rec.http_headers.statusline, [*headers, ("Content-Length", str(len(body)))],
                                        protocol="HTTP/1.1")
                writer.write_record(writer.create_warc_record(
                    rec.rec_headers.get_header("WARC-Target-URI"), "response", payload=io.BytesIO(body),
                    http_headers=http))
        written.append(dst / path.name)
    return written
