"""The `sources` table: freshness per registered site, right after an unchanged night too."""
from __future__ import annotations

import datetime as dt

from crawlers.registry import Site
from flows.schema import to_arrow
from flows.sources import build_sources

UTC = dt.UTC
NOW = dt.datetime(2026, 3, 10, 2, 30, tzinfo=UTC)
RUN = "20260310T020000Z"
EARLIER = dt.datetime(2026, 3, 9, 2, 30, tzinfo=UTC)


def _site(sid: str, level: str = "department", province: str | None = "52") -> Site:
    return Site(id=sid, name=f"Site {sid}", cms="nukeviet", kind="news", base_url=f"https://{sid}.example.vn/",
                start_urls=(f"https://{sid}.example.vn/",), level=level, province=province)


REGISTRY = [_site("quiet"), _site("broken"), _site("refusing", "national", None), _site("untried"), _site("new")]


def _doc(n: int, site: str) -> dict:
    return {"doc_id": f"d{n}", "url": f"https://{site}.example.vn/{n}", "site_id": site,
            "first_seen_at": dt.datetime(2026, 1, n, tzinfo=UTC)}


def _tables() -> dict:
    docs = [_doc(1, "quiet"), _doc(2, "quiet"), _doc(3, "broken"), _doc(4, "untried")]
    facts = [{"source_doc_id": "d1", "indicator": "par_index"}, {"source_doc_id": "d1", "indicator": "sipas"},
             {"source_doc_id": "d3", "indicator": "par_index"}]
    log = [{"run_id": RUN, "site_id": "quiet", "url": "https://quiet.example.vn/", "outcome": "not_modified",
            "fetched_at": NOW},
           {"run_id": RUN, "site_id": "refusing", "url": "https://refusing.example.vn/", "outcome": "blocked",
            "status": 429, "fetched_at": NOW},
           {"run_id": "20260301T020000Z", "site_id": "untried", "url": "https://untried.example.vn/", "outcome": "ok",
            "fetched_at": dt.datetime(2026, 3, 1, 2, 1, tzinfo=UTC)}]
    return {"documents": to_arrow("documents", docs), "indicators": to_arrow("indicators", facts),
            "crawl_log": to_arrow("crawl_log", log)}


def _report() -> dict:
    def site(sid, ok=True, new=0, alarms=()):
        return {"site_id": sid, "ok": ok, "documents": 0, "documents_new": new, "documents_changed": 0,
                "alarms": list(alarms), "mode": "unchanged" if ok and not new else "full"}
    return {"run_id": RUN, "finished_at": NOW.isoformat(), "sites": [
        site("quiet"), site("broken", ok=False, alarms=["site broken: crawl failed: HTTP 500 on the start page"]),
        site("refusing"), site("new", new=2)]}


PREVIOUS = [
    {"site_id": "quiet", "last_run_id": "20260309T020000Z", "last_ok_at": EARLIER,
     "last_new_at": dt.datetime(2026, 2, 1, tzinfo=UTC), "status": "ok", "note": None},
    {"site_id": "broken", "last_run_id": "20260309T020000Z", "last_ok_at": EARLIER, "last_new_at": EARLIER,
     "status": "ok", "note": None},
]


def test_rows():
    rows = {r["site_id"]: r for r in build_sources(_report(), _tables(), PREVIOUS, REGISTRY)}
    assert list(rows) == ["broken", "new", "quiet", "refusing", "untried"]
    # An unchanged night: the site answered (ok now), its documents are those of the release, its news are old.
    assert rows["quiet"] == {"site_id": "quiet", "name": "Site quiet", "cms": "nukeviet", "level": "department",
                             "province_code": "52", "last_run_id": RUN, "last_ok_at": NOW,
                             "last_new_at": dt.datetime(2026, 2, 1, tzinfo=UTC), "documents": 2, "facts": 2,
                             "status": "ok", "note": None}
    assert (rows["broken"]["status"], rows["broken"]["note"], rows["broken"]["last_ok_at"], rows["broken"]["facts"]) \
        == ("failing", f"run {RUN} failed: site broken: crawl failed: HTTP 500 on the start page", EARLIER, 1)
    assert (rows["refusing"]["status"], rows["refusing"]["note"], rows["refusing"]["last_ok_at"]) == (
        "blocked", f"run {RUN}: the site refused 1 request", None)
    assert (rows["new"]["status"], rows["new"]["last_ok_at"], rows["new"]["last_new_at"]) == ("ok", NOW, NOW)
    # Not tried by this run (--only) and never in a sources table: what the crawl log and documents know.
    assert {k: rows["untried"][k] for k in ("last_run_id", "last_ok_at", "last_new_at", "documents", "status",
                                             "note")} == {
        "last_run_id": "20260301T020000Z", "last_ok_at": dt.datetime(2026, 3, 1, 2, 1, tzinfo=UTC),
        "last_new_at": dt.datetime(2026, 1, 4, tzinfo=UTC), "documents": 1, "status": "stale",
        "note": "no successful crawl since 2026-03-01 (9 days)"}


def test_carried_rows_keep_their_failure():
    first = build_sources(_report(), _tables(), PREVIOUS, REGISTRY)
    later = {"run_id": "20260311T020000Z", "finished_at": (NOW + dt.timedelta(days=1)).isoformat(), "sites": []}
    rows = {r["site_id"]: r for r in build_sources(later, _tables(), first, REGISTRY)}
    assert (rows["broken"]["status"], rows["broken"]["last_run_id"], rows["broken"]["note"]) == (
        "failing", RUN, f"run {RUN} failed: site broken: crawl failed: HTTP 500 on the start page")
    assert (rows["quiet"]["status"], rows["quiet"]["last_ok_at"]) == ("ok", NOW)
    assert rows["refusing"]["status"] == "blocked"


def test_a_week_without_success_is_stale():
    first = build_sources(_report(), _tables(), PREVIOUS, REGISTRY)
    later = {"run_id": "20260318T020000Z", "finished_at": (NOW + dt.timedelta(days=8)).isoformat(), "sites": []}
    rows = {r["site_id"]: r for r in build_sources(later, _tables(), first, REGISTRY)}
    assert (rows["quiet"]["status"], rows["quiet"]["note"]) == ("stale", "no successful crawl since 2026-03-10 (8 days)")


def test_registry_named_relative_to_the_lake(tmp_path):
    lake = tmp_path / "lake"
    (tmp_path / "reg").mkdir()
    (tmp_path / "reg" / "sites.toml").write_text(
        '[[site]]\nid = "quiet"\nname = "Site quiet"\ncms = "nukeviet"\nkind = "news"\n'
        'base_url = "https://quiet.example.vn/"\nstart_urls = ["https://quiet.example.vn/"]\n'
        'level = "department"\nprovince = "52"\n', encoding="utf-8")
    report = {**_report(), "sites_file": "../reg/sites.toml"}
    rows = build_sources(report, _tables(), PREVIOUS, root=lake)
    assert [(r["site_id"], r["name"], r["status"]) for r in rows] == [("quiet", "Site quiet", "ok")]


def test_unreadable_registry_keeps_every_known_site():
    report = {**_report(), "sites_file": "/nonexistent/sites.toml"}
    rows = build_sources(report, _tables(), PREVIOUS)
    assert [(r["site_id"], r["status"]) for r in rows] == [
        ("broken", "failing"), ("new", "ok"), ("quiet", "ok"), ("refusing", "blocked")]
