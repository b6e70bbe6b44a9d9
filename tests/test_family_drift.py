"""A family site whose theme changed so that none of its table's selectors match: the shared world's family
news sites, crawled under their registry family with every class and id renamed (tests/mangle.py).

Every article must still be published, read by the generic fallback (`documents.extraction = "generic"`), and
the run report must raise "family selectors no longer match" and "family listing selectors no longer match"
for each site with example URLs.
"""
from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from crawlers.registry import load_registry
from tests.conftest import run_cchc
from tests.mangle import mangle_warcs
from tests.test_replay import toml_site
from transforms.urls import canonical_url

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
WORLD = SHARED / "world" / "small"
FAMILIES = ("nukeviet", "liferay", "sharepoint", "newspaper", "cityportal")
pytestmark = pytest.mark.skipif(not (WORLD / "truth.jsonl").is_file(), reason="shared world absent")


@pytest.fixture(scope="module")
def drifted(tmp_path_factory):
    """(sites, truth, published documents, run report) of one run over the renamed family sites."""
    tmp = tmp_path_factory.mktemp("drift")
    sites = [s for s in load_registry(WORLD / "sites.toml") if s.cms in FAMILIES]
    registry = tmp / "sites.toml"
    registry.write_text("\n".join(toml_site(s, list(s.start_urls)) for s in sites), encoding="utf-8")
    warcs = tmp / "warc"
    mangle_warcs(WORLD / "warc", warcs)
    for path in warcs.glob("*.warc.gz"):
        if path.name.removesuffix(".warc.gz") not in {s.id for s in sites}:
            path.unlink()
    lake = tmp / "lake"
    p = run_cchc("run", "--sites", str(registry), "--replay", str(warcs), "--lake", str(lake))
    assert p.returncode == 0, p.stderr[-3000:]
    truth = [json.loads(x) for x in (WORLD / "truth.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    docs = pq.read_table(lake / "published" / "documents").to_pylist()
    (report_path,) = sorted((lake / "runs").glob("*/run_report.json"))
    return sites, truth, docs, json.loads(report_path.read_text(encoding="utf-8"))


def test_every_article_published_through_the_fallback(drifted):
    sites, truth, docs, _ = drifted
    by_url = {d["url"]: d for d in docs}
    assert len(sites) == 6  # two NukeViet sites and one of each other family
    for site in sites:
        want = [t for t in truth if t["site"] == site.id and t["kind"] == "article"]
        assert want, site.id
        got = [by_url.get(canonical_url(t["url"])) for t in want]
        assert all(d is not None for d in got), (site.id, [t["url"] for t, d in zip(want, got, strict=True) if d is None])
        assert {d["extraction"] for d in got} == {"generic"}, site.id
        assert [d["title"] for d in got] == [t["title"] for t in want], site.id
    attachments = [d for d in docs if d["parent_doc_id"]]
    assert attachments and {d["extraction"] for d in attachments} == {"attachment"}


@pytest.mark.parametrize("what", ["family selectors no longer match", "family listing selectors no longer match"])
def test_drift_alarms_per_site_with_examples(drifted, what):
    """Pages read generically, and articles found by generic listing discovery: one alarm each, per site."""
    sites, _, _, report = drifted
    for site in sites:
        entry = next(s for s in report["sites"] if s["site_id"] == site.id)
        (alarm,) = [a for a in entry["alarms"] if what in a]
        assert alarm.startswith(f"{site.id}: {what}: ") and site.base_url in alarm
        assert entry["extraction"] == {"generic": 1.0}
        assert alarm in report["alarms"]
