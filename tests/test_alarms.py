"""Run report alarms: zero yield, yield drop against the last run of the same kind, selectors that found nothing."""
import json
from collections import Counter

from flows.lake import Lake
from flows.run_report import offered_before, site_report
from flows.validate import site_alarms


def test_site_alarms():
    assert site_alarms("a", 40, 30, 25, 42, {}, None) == []
    assert site_alarms("a", 3, 0, 25, None, {"date": 2, "title": 1}, "crawl timed out after 7200 s") == [
        "a: crawl failed: crawl timed out after 7200 s", "a: zero yield (had 25 documents before)",
        "a: selector found nothing for 'date' on 2 page(s)", "a: selector found nothing for 'title' on 1 page(s)"]
    assert site_alarms("a", 0, 0, 0, None, {}, None) == ["a: zero yield"]
    assert site_alarms("a", 19, 15, 25, 40, {}, None) == ["a: yield drop: 19 pages offered, 40 in the last run of this kind"]


def write_report(lake: Lake, run_id: str, status: str, sites: list[dict]) -> None:
    path = lake.run_dir(run_id) / "run_report.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"run_id": run_id, "status": status, "sites": sites}), encoding="utf-8")


def test_offered_before_is_per_mode_from_published_runs(tmp_path):
    lake = Lake(tmp_path)
    write_report(lake, "R1", "published", [{"site_id": "a", "pages": 600, "skipped_known": 0}])  # before modes: full
    write_report(lake, "R2", "published", [{"site_id": "a", "mode": "incremental", "pages": 5, "skipped_known": 60}])
    write_report(lake, "R3", "published", [{"site_id": "a", "mode": "unchanged", "pages": 2, "skipped_known": 0}])
    write_report(lake, "R4", "not published: documents: empty release",
                 [{"site_id": "a", "mode": "incremental", "pages": 1, "skipped_known": 0}])
    assert offered_before(lake.root) == {("a", "full"): 600, ("a", "incremental"): 65}


def test_an_incremental_crawl_is_not_compared_with_a_full_one():
    before = {("a", "full"): 600, ("a", "incremental"): 65}
    outcomes = Counter({"ok": 4, "skipped_known": 58})
    built = {"records": 4, "documents": 4, "missing": {}}
    report = site_report("a", {"ok": True, "summary": {"exit_reason": "finished"}}, built, {}, 300, before,
                          "incremental", outcomes)
    assert (report["mode"], report["alarms"]) == ("incremental", [])
    thin = site_report("a", {"ok": True}, built, {}, 300, before, "incremental", Counter({"ok": 4, "skipped_known": 20}))
    assert thin["alarms"] == ["a: yield drop: 24 pages offered, 65 in the last run of this kind"]
    probed = site_report("a", {"ok": True, "unchanged": True, "probe": "start pages link to nothing new",
                                "summary": {"exit_reason": "unchanged"}}, {}, {}, 300, before, "incremental",
                          Counter({"ok": 2}))
    assert (probed["mode"], probed["crawled"], probed["alarms"], probed["exit_reason"]) == (
        "unchanged", False, [], "unchanged")


def test_listing_drift_alarm_when_a_family_listing_falls_back():
    from flows.run_report import listing_drift_alarm

    found = Counter({"listing": 3, "listing_generic": 2})
    examples = ["https://a.test/news/x-1.html", "https://a.test/news/x-2.html"]
    assert listing_drift_alarm("a", "nukeviet", found, examples) == [
        "a: family listing selectors no longer match: 2 of 5 articles were found by generic listing discovery, "
        "e.g. https://a.test/news/x-1.html; https://a.test/news/x-2.html"]
    assert listing_drift_alarm("a", "nukeviet", Counter({"listing": 9, "listing_generic": 1}), examples[:1]) == []
    # A site of no known family is read by generic discovery by design; an auto site whose family was detected
    # (some articles found by its table) is held to its family.
    assert listing_drift_alarm("a", "auto", Counter({"listing_generic": 7}), examples) == []
    assert listing_drift_alarm("a", "auto", Counter({"listing": 1, "listing_generic": 7}), examples)[0].startswith(
        "a: family listing selectors no longer match: 7 of 8 articles")


def test_site_report_counts_date_conflicts():
    built = {"records": 4, "documents": 4, "missing": {},
             "date_conflicts": ["https://a.test/1 (JSON-LD datePublished 2024-03-02)"]}
    report = site_report("a", {"ok": True}, built, {}, 0, {}, "full", Counter({"ok": 4}))
    assert (report["date_conflicts"], report["date_conflict_examples"]) == (
        1, ["https://a.test/1 (JSON-LD datePublished 2024-03-02)"])
