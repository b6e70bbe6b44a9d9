"""Test helper: responses of the shared simulated world, read from its WARC files.

`WORLD` is ../shared/world/small beside the checkout; tests call `require_world()`
to skip cleanly when it is absent. `response(url)` builds a scrapy response
(HtmlResponse for HTML, plain Response otherwise) for a URL stored in any WARC.
"""
from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
WORLD = SHARED / "world" / "small"
WARC_DIR = WORLD / "warc"


def world_present() -> bool:
    return WARC_DIR.is_dir() and (WORLD / "truth.jsonl").is_file()


def require_world() -> None:
    if not world_present():
        pytest.skip("shared world (../shared/world/small) not present")


@functools.cache
def _records() -> dict[str, tuple[int, list[tuple[str, str]], bytes]]:
    """url -> (status, headers, body) for every WARC response record."""
    from warcio.archiveiterator import ArchiveIterator

    out: dict[str, tuple[int, list[tuple[str, str]], bytes]] = {}
    for path in sorted(WARC_DIR.glob("*.warc.gz")):
        with open(path, "rb") as fh:
            for rec in ArchiveIterator(fh):
                if rec.rec_type != "response":
                    continue
                url = rec.rec_headers.get_header("WARC-Target-URI")
                status = int(rec.http_headers.get_statuscode())
                headers = list(rec.http_headers.headers)
                out[url] = (status, headers, rec.content_stream().read())
    return out


def urls() -> list[str]:
    return list(_records())


def body(url: str) -> bytes:
    return _records()[url][2]


def response(url: str, meta: dict | None = None):
    """A scrapy response for `url` as the WARC stores it, attached to a Request carrying `meta`."""
    from scrapy.http import HtmlResponse, Request, Response

    status, headers, payload = _records()[url]
    req = Request(url, meta=dict(meta or {}))
    ctype = next((v for k, v in headers if k.lower() == "content-type"), "")
    cls = HtmlResponse if "html" in ctype.lower() else Response
    return cls(url=url, status=status, headers=headers, body=payload, request=req)


@functools.cache
def truth() -> dict[str, dict]:
    """url -> truth record of the world."""
    out: dict[str, dict] = {}
    with open(WORLD / "truth.jsonl", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            out[rec["url"]] = rec
    return out


def truth_of(site: str, kind: str) -> list[dict]:
    return [t for t in truth().values() if t["site"] == site and t["kind"] == kind]


def tree(url: str):
    """The page parsed with the project's HTML parser."""
    from crawlers.extraction.html import parse_html

    return parse_html(body(url), url)


def token_f1(got: str, want: str) -> float:
    """Bag-of-tokens F1 of two texts (NFC, case-folded), as body extraction is scored."""
    from collections import Counter

    from transforms.text import clean

    a, b = Counter(clean(got).lower().split()), Counter(clean(want).lower().split())
    common = sum((a & b).values())
    if not common:
        return 0.0
    p, r = common / sum(a.values()), common / sum(b.values())
    return 2 * p * r / (p + r)


def body_text(rec: dict) -> str:
    """summary + paragraphs, one per line, as the documents table builds the body."""
    return "\n".join(([rec["summary"]] if rec.get("summary") else []) + list(rec.get("paragraphs") or []))


def check_article(rec: dict, want: dict, *, with_time: bool = True, min_f1: float = 0.97) -> None:
    """Assert an extracted article against its truth record (title, date, author, body)."""
    from transforms.dates import parse_date
    from transforms.text import clean

    url = want["url"]
    assert rec["title"] == clean(want["title"]), url
    day, stamp = parse_date(rec["date_text"])
    published = want["published"]
    assert day is not None and day.isoformat() == published[:10], (url, rec["date_text"])
    if with_time and "T" in published:
        assert stamp is not None and stamp.strftime("%Y-%m-%dT%H:%M") == published, (url, rec["date_text"])
    assert rec["author"] == want["author"], url
    f1 = token_f1(body_text(rec), "\n".join(want["body"]))
    assert f1 >= min_f1, (url, f1)
    assert [a["url"] for a in rec["attachments"]] == want["attachments"], url
    assert rec["missing"] == [], (url, rec["missing"])


def site_like(site_id: str, cms: str, base_url: str, start_urls: tuple[str, ...], kind: str = "news"):
    """A registry Site (crawlers.registry) for spider tests."""
    from crawlers.registry import Site

    return Site(id=site_id, name=site_id, cms=cms, kind=kind, base_url=base_url, start_urls=start_urls,
                level="province", province=None)
