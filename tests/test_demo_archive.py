"""The bundled demo archive: readable, complete, registered, invented and reproducible."""
from __future__ import annotations

import html
import json
import subprocess
import sys
import tomllib
import unicodedata
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import pytest
from warcio.archiveiterator import ArchiveIterator

from transforms.urls import canonical_url

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demo"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

REGISTRY_KEYS = {"id", "name", "cms", "kind", "base_url", "start_urls", "level", "province", "agency", "district"}
FAMILIES = {"nukeviet", "liferay", "sharepoint", "newspaper", "cityportal", "stats", "national", "auto"}
INDICATORS = {
    "par_index", "par_rank", "par_component", "sipas", "sipas_rank", "dossiers_received", "dossiers_received_online",
    "dossiers_resolved", "dossiers_resolved_early", "dossiers_resolved_on_time", "dossiers_resolved_late",
    "dossiers_pending", "dossiers_digitized", "on_time_rate", "early_rate", "online_rate", "digitization_rate",
    "procedures_reviewed",
}
PERCENT = {"sipas", "on_time_rate", "early_rate", "online_rate", "digitization_rate"}


@cache
def archive() -> dict[str, tuple[int, dict, bytes]]:
    """URL -> (HTTP status, headers, body) of every response record."""
    out = {}
    with open(DEMO / "demo.warc.gz", "rb") as fh:
        for rec in ArchiveIterator(fh):
            assert rec.rec_type == "response"
            url = rec.rec_headers.get_header("WARC-Target-URI")
            assert url not in out, f"archived twice: {url}"
            out[url] = (int(rec.http_headers.get_statuscode()), dict(rec.http_headers.headers), rec.content_stream().read())
    return out


@cache
def truth() -> list[dict]:
    return [json.loads(line) for line in (DEMO / "truth.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]


@cache
def registry() -> list[dict]:
    return tomllib.loads((DEMO / "sites.toml").read_text(encoding="utf-8"))["site"]


def host(url: str) -> str:
    return urlsplit(url).netloc.lower()


def page_text(url: str) -> str:
    return unicodedata.normalize("NFC", html.unescape(archive()[url][2].decode("utf-8")))


def test_archive_is_small_and_readable_by_warcio():
    assert (DEMO / "demo.warc.gz").stat().st_size < 300_000
    statuses = sorted(status for status, _, _ in archive().values())
    assert len(statuses) == 56
    assert set(statuses) == {200, 301, 404, 500}
    assert statuses.count(301) == statuses.count(404) == statuses.count(500) == 1


def test_every_url_the_truth_names_is_archived():
    urls = set(archive())
    for t in truth():
        assert t["url"] in urls, t["url"]
        for link in t.get("links", []) + t.get("attachments", []):
            assert link in urls, link
        if t["kind"] == "redirect":
            assert t["to"] in urls


def test_truth_kinds_match_the_responses():
    kinds = {}
    for t in truth():
        kinds[t["kind"]] = kinds.get(t["kind"], 0) + 1
        status, headers, body = archive()[t["url"]]
        if t["kind"] == "error":
            assert status == t["status"]
        elif t["kind"] == "redirect":
            assert status == 301 and headers["Location"] == t["to"]
        elif t["kind"] == "alias":
            assert t["url"] != t["of"] and canonical_url(t["url"]) == canonical_url(t["of"])
            assert body == archive()[t["of"]][2]
        else:
            assert status == 200
    assert kinds == {"table": 3, "listing": 9, "article": 24, "robots_disallowed": 1, "error": 2, "redirect": 1,
                     "attachment": 3, "alias": 1, "stats": 3, "stats_index": 1}


def test_article_truth_is_what_the_page_states():
    for t in (t for t in truth() if t["kind"] == "article"):
        text = page_text(t["url"])
        assert t["title"] in text
        for para in t["body"]:
            assert unicodedata.is_normalized("NFC", para)
            assert para in text, (t["url"], para)
        day = t["published"][:10].split("-")
        assert f"{day[2]}/{day[1]}/{day[0]}" in text


def test_facts_use_the_contract_vocabulary():
    facts = [m for t in truth() for m in t.get("metrics", [])]
    assert len(facts) == 668
    for m in facts:
        assert m["indicator"] in INDICATORS
        assert len(m["province_code"]) == 2 and m["province_code"].isdigit()
        assert m["entity_type"] in {"province", "department", "district"}
        assert len(m["period"]) in (4, 7)
        assert ("component" in m) == (m["indicator"] == "par_component")
        if m["indicator"] in PERCENT:
            assert 0 <= m["value"] <= 100


def test_national_tables_cover_63_provinces_and_articles_quote_them():
    tables = [t for t in truth() if t["kind"] == "table"]
    national = {}
    for t in tables:
        codes = {m["province_code"] for m in t["metrics"]}
        assert len(codes) == 63
        national.update({(m["province_code"], m["indicator"], m["period"]): m["value"] for m in t["metrics"]})
    quoted = [m for t in truth() if t["kind"] == "article" for m in t["metrics"] if m["entity_type"] == "province"
              and (m["province_code"], m["indicator"], m["period"]) in national]
    assert len(quoted) == 4
    assert all(national[(m["province_code"], m["indicator"], m["period"])] == m["value"] for m in quoted)


def test_syndicated_copy_points_to_an_earlier_original():
    arts = {t["url"]: t for t in truth() if t["kind"] == "article"}
    copies = [t for t in arts.values() if t["dup_of"]]
    assert len(copies) == 1
    original = arts[copies[0]["dup_of"]]
    assert host(original["url"]) != host(copies[0]["url"])
    assert original["published"] < copies[0]["published"]
    assert original["metrics"] == copies[0]["metrics"]


def test_one_page_is_decomposed_unicode():
    nfd = [u for u, (_, _, body) in archive().items()
           if body.startswith(b"<!DOCTYPE") and not unicodedata.is_normalized("NFC", body.decode("utf-8"))]
    assert len(nfd) == 1
    assert any(t["url"] == nfd[0] and t["kind"] == "article" for t in truth())


def test_disallowed_page_is_linked_and_blocked_by_robots():
    blocked = [t["url"] for t in truth() if t["kind"] == "robots_disallowed"]
    assert len(blocked) == 1
    url = blocked[0]
    robots = RobotFileParser()
    robots.parse(archive()[f"https://{host(url)}/robots.txt"][2].decode("utf-8").splitlines())
    assert not robots.can_fetch("cchc", url)
    assert any(url in t.get("links", []) for t in truth() if t["kind"] == "listing")
    for t in truth():
        if t["kind"] in ("article", "listing"):
            assert robots.can_fetch("cchc", t["url"]) or host(t["url"]) != host(url)


def test_registry_lists_every_host_in_the_contract_format():
    sites = registry()
    assert len(sites) == 8 and len({s["id"] for s in sites}) == 8
    assert {s["cms"] for s in sites} == FAMILIES
    for s in sites:
        assert set(s) <= REGISTRY_KEYS and {"id", "name", "cms", "kind", "base_url", "start_urls", "level"} <= set(s)
        assert ("province" in s) == (s["level"] != "national")
        for start in s["start_urls"]:
            assert archive()[start][0] == 200 and host(start) == host(s["base_url"])
    archived_hosts = {host(u) for u in archive()}
    assert archived_hosts == {host(s["base_url"]) for s in sites}
    for h in archived_hosts:
        assert h.endswith(".example"), h
        assert f"https://{h}/robots.txt" in archive()
    assert {t["site"] for t in truth()} == {s["id"] for s in sites}


def test_no_host_of_the_shared_world_appears():
    shared = SHARED / "world" / "small" / "sites.toml"
    if not shared.exists():
        pytest.skip("../shared is not beside this checkout")
    world_hosts = {host(s["base_url"]) for s in tomllib.loads(shared.read_text(encoding="utf-8"))["site"]}
    assert world_hosts
    demo_text = "\n".join([(DEMO / "sites.toml").read_text(encoding="utf-8"),
                           (DEMO / "truth.jsonl").read_text(encoding="utf-8"),
                           (DEMO / "make_demo.py").read_text(encoding="utf-8")] + list(archive()))
    for h in world_hosts:
        assert h not in demo_text
        assert h.removeprefix("www.") not in demo_text


@pytest.mark.skipif(not FONT.exists(), reason="the PDF attachment needs the DejaVu Sans font")
def test_regeneration_is_byte_identical(tmp_path):
    subprocess.run([sys.executable, str(DEMO / "make_demo.py"), "--out", str(tmp_path)], check=True,
                   capture_output=True)
    for name in ("demo.warc.gz", "sites.toml", "truth.jsonl"):
        assert (tmp_path / name).read_bytes() == (DEMO / name).read_bytes(), name
