"""`cchc extract FILE ...`: what the pipeline reads from pages, one JSON object per line, files in order.

A thin wrapper over crawlers.extraction.extract_page.extract_page (the function the crawl uses): it reads the files,
ungzips them, and prints. It reads no lake, fetches nothing and writes nothing but stdout. A file that
cannot be read gives an object with `error`; the others go on, and the exit status is then 1.
"""
from __future__ import annotations

import gzip
import json
import sys
import zlib
from pathlib import Path

from flows.errors import UserError


def read_page_bytes(path: Path) -> bytes:
    """The file's bytes, ungzipped when they are gzip (by their magic number, whatever the file's name)."""
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data


def extract_one(source: str, url: str | None, cms: str | None) -> dict:
    from crawlers.extraction.extract_page import extract_page

    try:
        html = read_page_bytes(Path(source))
    except IsADirectoryError:
        return {"source": source, "error": "is a directory"}
    except FileNotFoundError:
        return {"source": source, "error": "no such file"}
    except PermissionError:
        return {"source": source, "error": "permission denied"}
    except (OSError, EOFError, zlib.error, gzip.BadGzipFile) as e:
        return {"source": source, "error": f"cannot read: {e}"}
    return {"source": source, **extract_page(html, url=url, cms=cms)}


def extract_command(args) -> int:
    from crawlers.extraction.extract_page import KNOWN_FAMILIES

    if args.url and len(args.files) > 1:
        raise UserError("--url names one page's address: give it with one FILE only")
    if args.cms and args.cms not in KNOWN_FAMILIES:
        raise UserError(f"unknown family {args.cms!r} (known: {', '.join(KNOWN_FAMILIES)})")
    failed = 0
    for source in args.files:
        obj = extract_one(source, args.url, args.cms)
        failed += "error" in obj
        sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")
        sys.stdout.flush()
    return 1 if failed else 0
