"""A damaged archive (truncated, corrupt gzip data, a record cut short) is named with the byte offset of the
damage, the sites it holds are not crawled (their crawl fails, their last good rows stay); a site whose
robots.txt is not in the archives is not fetched at all (unknown rules forbid)."""
import gzip
import io
import json
import os
import shutil
import tomllib
from urllib.parse import urlsplit

import pyarrow.dataset as ds
import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.warcwriter import WARCWriter

from crawlers.replay import WarcIndex

from .conftest import WORLD, run_cchc

DAMAGED = "sxd-binhdinh"      # its archive is cut in half
NO_ROBOTS = "snv-binhdinh"    # its archive loses robots.txt
INTACT = "hocmon-hcm"


def registry() -> dict:
    return {s["id"]: s for s in tomllib.loads((WORLD / "sites.toml").read_text(encoding="utf-8"))["site"]}


def world_file(site_id: str):
    if not WORLD.exists():
        pytest.skip("../shared/world/small is not beside the checkout")
    return WORLD / "warc" / f"{site_id}.warc.gz"


def record_offsets(data: bytes) -> list[int]:
    it = ArchiveIterator(io.BytesIO(data))
    out = []
    for record in it:
        record.content_stream().read()
        out.append(it.get_record_offset())
    return out


def cut_in_half(src, dst) -> int:
    """dst = the first half of src; returns the offset of the record the cut falls in."""
    data = src.read_bytes()
    cut = len(data) // 2
    dst.write_bytes(data[:cut])
    return max(o for o in record_offsets(data) if o < cut)


def without_robots(src, dst) -> None:
    with open(src, "rb") as fh, open(dst, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for record in ArchiveIterator(fh):
            if not (record.rec_headers.get_header("WARC-Target-URI") or "").endswith("/robots.txt"):
                writer.write_record(record)


def test_a_truncated_file_is_damaged_at_the_record_cut(tmp_path):
    f = tmp_path / "a.warc.gz"
    offset = cut_in_half(world_file(DAMAGED), f)
    index = WarcIndex([f])
    assert [(d.path, d.offset) for d in index.damaged] == [(str(f), offset)]
    assert index.damaged[0].why.startswith("truncated")
    assert index.damaged[0].hosts == [urlsplit(registry()[DAMAGED]["base_url"]).netloc]  # the readable part's


def test_corrupt_gzip_data_is_damage_at_its_member(tmp_path):
    data = bytearray(world_file(DAMAGED).read_bytes())
    offsets = record_offsets(bytes(data))
    member = offsets[len(offsets) // 2]
    data[member + 40: member + 80] = b"\0" * 40  # inside the member's deflate data
    f = tmp_path / "a.warc.gz"
    f.write_bytes(bytes(data))
    damage = WarcIndex([f]).damaged
    assert [(d.offset, d.why.startswith("corrupt gzip data")) for d in damage] == [(member, True)]


def test_a_plain_warc_cut_short_is_damaged(tmp_path):
    plain = gzip.decompress(world_file(DAMAGED).read_bytes())
    f = tmp_path / "a.warc"
    offsets = record_offsets(plain)
    cut = offsets[3] + 500
    f.write_bytes(plain[:cut])
    assert [(d.offset, d.why.startswith("truncated")) for d in WarcIndex([f]).damaged] == [(offsets[3], True)]


def test_intact_archives_have_no_damage_and_damage_is_cached(tmp_path):
    f = tmp_path / "a.warc.gz"
    offset = cut_in_half(world_file(DAMAGED), f)
    cache = tmp_path / "cache"
    assert WarcIndex([WORLD / "warc"]).damaged == []
    first = WarcIndex([f], cache_dir=cache).damaged
    assert list(cache.iterdir())
    assert [(d.path, d.offset, d.why, d.hosts) for d in WarcIndex([f], cache_dir=cache).damaged] == \
        [(d.path, d.offset, d.why, d.hosts) for d in first] == [(str(f), offset, first[0].why, first[0].hosts)]


def test_a_run_over_damaged_archives(tmp_path):
    archives = tmp_path / "warc"
    shutil.copytree(WORLD / "warc", archives)
    lake = tmp_path / "lake"
    args = ["run", "--sites", str(WORLD / "sites.toml"), "--replay", str(archives), "--lake", str(lake),
            "--only", DAMAGED, NO_ROBOTS, INTACT]
    assert run_cchc(*args).returncode == 0
    docs_before = {r["doc_id"]: r for r in ds.dataset(str(lake / "published" / "documents")).to_table().to_pylist()}
    offset = cut_in_half(world_file(DAMAGED), archives / f"{DAMAGED}.warc.gz")
    without_robots(world_file(NO_ROBOTS), archives / f"{NO_ROBOTS}.warc.gz")
    p = run_cchc(*args, "--full")
    assert p.returncode == 0, p.stderr[-3000:]
    report = json.loads((lake / "published" / "run_report.json").read_text(encoding="utf-8"))
    sites = {s["site_id"]: s for s in report["sites"]}
    rel = os.path.relpath(archives / f"{DAMAGED}.warc.gz", lake)
    assert sites[DAMAGED]["ok"] is False and sites[NO_ROBOTS]["ok"] is False and sites[INTACT]["ok"] is True
    line = f"{DAMAGED}: crawl failed: replay: {rel} is damaged at byte {offset}: "
    assert [a for a in report["alarms"] if a.startswith(line)], report["alarms"]
    assert any(line.replace(rel, str(archives / f"{DAMAGED}.warc.gz")) in ln or line in ln for ln in p.stderr.splitlines())
    assert [a for a in report["alarms"] if a.startswith(f"{NO_ROBOTS}: crawl failed: replay: robots.txt of ")]
    # Nothing of the damaged or robots-less site is published by this run: their last rows stay as they were.
    docs = {r["doc_id"]: r for r in ds.dataset(str(lake / "published" / "documents")).to_table().to_pylist()}
    for sid in (DAMAGED, NO_ROBOTS):
        before = {k: v for k, v in docs_before.items() if v["site_id"] == sid}
        assert before and {k: v for k, v in docs.items() if v["site_id"] == sid} == before
    # The robots-less site's start URLs are logged refused, with the reason; nothing else of it was requested.
    log = ds.dataset(str(lake / "published" / "crawl_log")).to_table().to_pylist()
    last = [r for r in log if r["run_id"] == report["run_id"] and r["site_id"] == NO_ROBOTS]
    assert last and {(r["outcome"], r["error"].startswith("robots.txt of ")) for r in last} == {("robots_disallowed", True)}
    assert not [r for r in log if r["run_id"] == report["run_id"] and r["site_id"] == DAMAGED]
