import importlib
import json
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawlers.archive import WarcArchive
from crawlers.incremental import Known, read_known
from crawlers.registry import find_site, load_registry
from crawlers.replay import WarcIndex
from tests.loopback import read_jsonl, run_site
from transforms.urls import canonical_url

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
WORLD = SHARED / "world" / "small"
MISSING_PATH = "cchc-test-khong-co-trong-luu-tru/"


def spider_args() -> list[str]:
    """The real families once they exist, else the test spider."""
    try:
        families = importlib.import_module("crawlers.spiders")
    except ImportError:
        families = None
    return [] if hasattr(families, "spider_for") else ["--spider", "tests.loopback:LinkSpider"]


def responses_of(path: Path) -> list[tuple[str, int]]:
    with open(path, "rb") as fh:
        return [(r.rec_headers.get_header("WARC-Target-URI"), int(r.http_headers.get_statuscode()))
                for r in ArchiveIterator(fh) if r.rec_type == "response"]


def toml_site(site, start_urls: list[str]) -> str:
    lines = ["[[site]]"]
    for key in ("id", "name", "cms", "kind", "base_url", "level", "province", "agency", "district"):
        value = getattr(site, key)
        if value is not None:
            lines.append(f"{key} = {json.dumps(value, ensure_ascii=False)}")
    lines.append(f"start_urls = {json.dumps(start_urls, ensure_ascii=False)}")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def world_site(tmp_path_factory):
    """A world site whose archive holds a 404 and a 301; its start URLs also ask for those and a missing URL."""
    if not (WORLD / "warc").is_dir():
        pytest.skip("shared world absent")
    sites = load_registry(WORLD / "sites.toml")
    for warc in sorted((WORLD / "warc").glob("*.warc.gz")):
        by_status = {status: url for url, status in responses_of(warc)}
        site = find_site(sites, warc.name.removesuffix(".warc.gz"))
        if site and 404 in by_status and 301 in by_status:
            break
    else:
        pytest.skip("no world site with both a 404 and a 301")
    missing = site.base_url + MISSING_PATH
    starts = [*site.start_urls, by_status[404], by_status[301], missing]
    tmp = tmp_path_factory.mktemp("replay")
    (tmp / "sites.toml").write_text(toml_site(site, starts), encoding="utf-8")
    return {"site": site, "warc": warc, "tmp": tmp, "url404": by_status[404], "url301": by_status[301],
            "missing": missing}


@pytest.fixture(scope="module")
def first_run(world_site):
    tmp = world_site["tmp"]
    out, raw = tmp / "run1", tmp / "raw1.warc.gz"
    proc = run_site("--sites", str(tmp / "sites.toml"), "--site-id", world_site["site"].id, "--run-id", "r1",
                    "--out", str(out), "--raw", str(raw), "--replay", str(WORLD / "warc"), *spider_args())
    assert proc.returncode == 0, proc.stderr
    return {"out": out, "raw": raw, "log": read_jsonl(out / "crawl_log.jsonl"),
            "records": read_jsonl(out / "records.jsonl")}


def rows_for(log: list[dict], url: str) -> list[dict]:
    return [r for r in log if r["url"] == url]


def test_replay_writes_records(first_run, world_site):
    assert first_run["records"]
    assert all(r["site_id"] == world_site["site"].id and r["fetched_at"] for r in first_run["records"])


def test_replay_logs_404_and_301(first_run, world_site):
    [r404] = rows_for(first_run["log"], world_site["url404"])
    assert (r404["outcome"], r404["status"], r404["error"]) == ("http_error", 404, "HTTP 404")
    [r301] = rows_for(first_run["log"], world_site["url301"])
    assert (r301["outcome"], r301["status"]) == ("redirect", 301)
    assert r301["error"].startswith("-> " + world_site["site"].base_url)


def test_replay_missing_url_is_network_error(first_run, world_site):
    [row] = rows_for(first_run["log"], world_site["missing"])
    assert (row["outcome"], row["status"], row["error"], row["bytes"]) == ("network_error", None, "not in archive", 0)


def test_replay_log_rows_have_contract_columns(first_run):
    cols = {"run_id", "site_id", "url", "method", "request", "status", "outcome", "fetched_at", "bytes", "error",
            "found_by"}
    assert all(set(r) == cols and r["run_id"] == "r1" for r in first_run["log"])
    assert {(r["method"], r["request"]) for r in first_run["log"]} == {("GET", None)}  # a GET-only crawl
    assert first_run["log"][0]["url"].endswith("/robots.txt")


def test_raw_warc_has_one_response_per_fetched_response(first_run):
    fetched = Counter(r["url"] for r in first_run["log"] if r["status"] is not None)
    stored = Counter(url for url, _ in responses_of(first_run["raw"]))
    assert fetched and stored == fetched


def test_summary(first_run, world_site):
    summary = json.loads((first_run["out"] / "summary.json").read_text())
    assert summary["site_id"] == world_site["site"].id
    assert summary["finished"] is True and summary["exit_reason"] == "finished"
    assert summary["requests"] == len(first_run["log"])
    assert summary["records"] == len(first_run["records"])
    assert summary["errors"]["http_error"] >= 1 and summary["errors"]["network_error"] >= 1


def test_second_run_skips_known_articles(first_run, world_site):
    tmp = world_site["tmp"]
    articles = sorted({r["url"] for r in first_run["records"] if r.get("kind") == "article"})
    assert articles
    (tmp / "known.txt").write_text("".join(u + "\n" for u in articles), encoding="utf-8")
    out = tmp / "run2"
    proc = run_site("--sites", str(tmp / "sites.toml"), "--site-id", world_site["site"].id, "--run-id", "r2",
                    "--out", str(out), "--raw", str(tmp / "raw2.warc.gz"), "--replay", str(WORLD / "warc"),
                    "--known", str(tmp / "known.txt"), *spider_args())
    assert proc.returncode == 0, proc.stderr
    log = read_jsonl(out / "crawl_log.jsonl")
    skipped = {canonical_url(r["url"]) for r in log if r["outcome"] == "skipped_known"}
    assert skipped == {canonical_url(u) for u in articles}
    fetched_ok = {canonical_url(r["url"]) for r in log if r["outcome"] == "ok"}
    assert not fetched_ok & skipped
    assert not [r for r in read_jsonl(out / "records.jsonl") if canonical_url(r["url"]) in skipped]


def test_a_crawl_cut_short_by_the_page_budget_says_so(world_site, tmp_path):
    proc = run_site("--sites", str(world_site["tmp"] / "sites.toml"), "--site-id", world_site["site"].id, "--run-id", "r3",
                    "--out", str(tmp_path / "o"), "--raw", str(tmp_path / "r.warc.gz"), "--replay", str(WORLD / "warc"),
                    "--max-pages", "2", *spider_args())
    assert proc.returncode == 0, proc.stderr
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert summary["exit_reason"] == "page_budget" and summary["requests"] == 3  # robots.txt + 2 pages


def test_unknown_site_id_is_config_error(world_site, tmp_path):
    proc = run_site("--sites", str(world_site["tmp"] / "sites.toml"), "--site-id", "no-such-site", "--run-id", "r",
                    "--out", str(tmp_path / "o"), "--raw", str(tmp_path / "r.warc.gz"))
    assert proc.returncode == 2
    assert proc.stderr.strip() == "run_site: sites.toml: unknown site id 'no-such-site'"


# --- the index and the archive, without Scrapy ---

def test_index_reads_world_record(world_site):
    index = WarcIndex([world_site["warc"]])
    got = index.get(world_site["url404"])
    assert got.status == 404 and got.body
    assert index.get(world_site["missing"]) is None


def test_wacz_is_indexed_like_its_warc(world_site, tmp_path):
    wacz = tmp_path / "site.wacz"
    with zipfile.ZipFile(wacz, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr("datapackage.json", "{}")
        zf.write(world_site["warc"], "archive/data.warc.gz")
    plain, zipped = WarcIndex([world_site["warc"]]), WarcIndex([tmp_path])
    assert set(zipped.entries) == set(plain.entries) and len(plain) > 0
    for url in list(plain.entries)[:5]:
        assert zipped.get(url) == plain.get(url)


def test_archive_roundtrip_plain_and_gzip(tmp_path):
    for name in ("a.warc", "a.warc.gz"):
        archive = WarcArchive(tmp_path / name)
        body = "Cải cách hành chính".encode()
        archive.write_response("https://x.gov.vn/a?utm_source=z", 200, [("Content-Type", "text/html; charset=utf-8"),
                                                                        ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")],
                               body, request_line="GET /a HTTP/1.1", request_headers=[("Host", "x.gov.vn")])
        archive.close()
        got = WarcIndex([tmp_path / name]).get("https://x.gov.vn/a")
        assert (got.status, got.body) == (200, body)
        assert [v for k, v in got.headers if k == "Set-Cookie"] == ["a=1", "b=2"]


def test_damaged_file_does_not_stop_index(tmp_path, world_site):
    (tmp_path / "broken.warc.gz").write_bytes(b"not a warc at all")
    (tmp_path / "good.warc.gz").write_bytes(world_site["warc"].read_bytes())
    assert len(WarcIndex([tmp_path])) == len(WarcIndex([world_site["warc"]]))


def test_read_known(tmp_path):
    p = tmp_path / "known.txt"
    p.write_text("# comment\nhttps://X.gov.vn/a#frag\nhttps://x.gov.vn/b\tWed, 01 Jan 2025 00:00:00 GMT\t\"e1\"\n\n")
    assert read_known(p) == {"https://x.gov.vn/a": Known(None, None),
                             "https://x.gov.vn/b": Known("Wed, 01 Jan 2025 00:00:00 GMT", '"e1"')}


def test_replay_index_is_cached_beside_the_lake(tmp_path, monkeypatch):
    from crawlers import replay
    demo = Path(__file__).resolve().parents[1] / "data" / "demo" / "demo.warc.gz"
    monkeypatch.setenv("CCHC_REPLAY_INDEX_DIR", str(tmp_path / "idx"))
    first = replay.WarcIndex([demo])
    assert len(list((tmp_path / "idx").glob("*.json"))) == 1

    def unread(*a, **k):
        raise AssertionError("the archive was read again")
    monkeypatch.setattr(replay.WarcIndex, "_index_stream", unread)
    second = replay.WarcIndex([demo])
    assert second.entries == first.entries and len(second) == len(first) == 55  # the utm twin folds into its page
