"""The national service index API: requests built from the start pages, POST replay by canonical body,
identity by H-code, nulls, provisional flags, rankings (units only; the runs are in test_dichvucong_runs)."""
from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawlers.archive import WarcArchive
from crawlers.dichvucong import calls_of_page
from crawlers.extraction.html import parse_html
from crawlers.replay import WarcIndex, replay_key
from transforms.rankings import compute_rankings
from transforms.requests import canonical_body
from transforms.service_index import api_rows, is_provisional
from transforms.units import default_units

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
DVC = SHARED / "world" / "dvc"
LEGACY_KEYS = ["type", "p_nam", "p_6thang", "p_tinh_id", "pageIndex", "pageSize", "p_loaidonvi", "loaichitieu",
               "service", "p_quy", "p_thang"]   # as the README writes thamSo()'s object
needs_world = pytest.mark.skipif(not DVC.exists(), reason="../shared/world/dvc is not beside the checkout")


def world_truth() -> list[dict]:
    return [json.loads(x) for x in (DVC / "truth.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]


def start_pages() -> dict[str, bytes]:
    sites = (DVC / "sites.toml").read_text(encoding="utf-8")
    urls = json.loads(sites.split("start_urls = ", 1)[1].splitlines()[0])
    index = WarcIndex([DVC / "warc"])
    return {u: index.get(u).body for u in urls}


def all_calls(since=None):
    out = []
    for url, body in start_pages().items():
        out += calls_of_page(parse_html(body, url), url, since)[1]
    return out


@needs_world
def test_request_bodies_from_start_pages_are_the_readmes():
    calls = all_calls()
    assert sorted(c.request for c in calls) == sorted(t["request"] for t in world_truth() if t["kind"] == "api")
    legacy = [c for c in calls if c.api == "legacy"]
    for c in legacy:
        fields = parse_qsl(c.body.decode("ascii"))
        assert [k for k, _ in fields] == ["params"] and c.content_type.startswith("application/x-www-form-urlencoded")
        params = json.loads(fields[0][1])
        assert list(params) == LEGACY_KEYS
        assert isinstance(params["p_nam"], str) and params["p_6thang"] == 0 and params["pageSize"] == 100
        assert isinstance(params["p_quy"], int) and isinstance(params["p_thang"], int)
        assert not (params["p_quy"] and params["p_thang"])
        # all provinces: the number 0; one province: its ID as a string, whole year only
        assert (params["p_tinh_id"] == 0) != c.drill
        if c.drill:
            assert isinstance(params["p_tinh_id"], str) and params["p_quy"] == params["p_thang"] == 0
    assert sum(c.drill for c in legacy) == 1
    for c in (c for c in calls if c.api == "reporting"):
        body = json.loads(c.body)
        kind = body["timeType"]
        want = {"timeType", "year", "departmentType"} | ({kind} if kind != "year" else set()) \
            | ({"rootDepartmentId"} if c.drill else set())
        assert set(body) == want and isinstance(body["year"], int) and c.content_type == "application/json"
        assert kind == "year" or 1 <= body[kind] <= (4 if kind == "quarter" else 12)
    periods = {c.period for c in calls if not c.drill}
    assert all(len({c.period for c in calls if c.period[:4] == y and not c.drill}) == 17 for y in {p[:4] for p in periods})


@needs_world
def test_since_drops_earlier_years():
    years = sorted({int(c.period[:4]) for c in all_calls()})
    later = all_calls(since=years[1])
    assert {int(c.period[:4]) for c in later} == set(years[1:])
    assert all_calls(since=years[-1] + 1) == []


@needs_world
def test_replay_matches_a_post_by_canonical_body():
    index = WarcIndex([DVC / "warc"])
    c = next(c for c in all_calls() if c.api == "legacy" and not c.drill)
    params = json.loads(parse_qsl(c.body.decode())[0][1])
    shuffled = json.dumps(dict(reversed(list(params.items()))), indent=1)    # other key order, spacing
    for body in (urlencode({"params": shuffled}), "params=" + quote(shuffled, safe="")):
        key = replay_key(c.url, "POST", canonical_body(body, "application/x-www-form-urlencoded"))
        assert index.get(c.url, key).status == 200
    for changed in ({**params, "p_nam": int(params["p_nam"])}, {**params, "extra": 1},
                    {k: v for k, v in params.items() if k != "pageSize"}):
        key = replay_key(c.url, "POST", canonical_body(urlencode({"params": json.dumps(changed)}),
                                                       "application/x-www-form-urlencoded"))
        assert index.get(c.url, key) is None
    assert index.get(c.url) is None          # a GET of the endpoint is not the answer to a POST
    r = next(c for c in all_calls() if c.api == "reporting")
    spaced = json.dumps(dict(reversed(list(json.loads(r.body).items()))), indent=2).encode("utf-8")
    assert index.get(r.url, replay_key(r.url, "POST", canonical_body(spaced, "application/json"))).status == 201


def test_archived_post_is_a_request_record_beside_its_response(tmp_path):
    path = tmp_path / "raw.warc.gz"
    archive = WarcArchive(path)
    body = b'params=%7B%22a%22%3A1%2C%22b%22%3A%22x%22%7D'
    archive.write_response("https://api.example.vn/rest", 200, [("Content-Type", "application/json")], b"[]",
                           request_line="POST /rest HTTP/1.1",
                           request_headers=[("Content-Type", "application/x-www-form-urlencoded")], request_body=body)
    archive.close()
    with open(path, "rb") as fh:
        recs = [(r.rec_type, r.rec_headers.get_header("WARC-Record-ID"), r.rec_headers.get_header("WARC-Concurrent-To"),
                 r.content_stream().read()) for r in ArchiveIterator(fh)]
    (t1, id1, to1, b1), (t2, id2, to2, b2) = recs
    assert {t1, t2} == {"request", "response"} and to1 == id2 and to2 == id1
    assert (b1 if t1 == "request" else b2) == body      # the exact body sent
    index = WarcIndex([path])
    assert index.get("https://api.example.vn/rest", replay_key("https://api.example.vn/rest", "POST", '{"a":1,"b":"x"}'))
    assert index.get("https://api.example.vn/rest") is None


# --- answers ---------------------------------------------------------------------------------------------------
def legacy_row(name, hcode, total, rank, level="0", **scores) -> dict:
    row = {"ID": "1" + hcode[1:], "TEN": name, "MA_COQUAN": f"000.00.00.{hcode}", "ID_COQUAN": "2", "TEN_COQUAN": name,
           "LOAI_COQUAN": str(int(level) + 1), "CAPDONVIID": level}
    row.update({c: scores.get(c, "1.5") for c in ("CKMB", "TDGQ", "CLGQ", "TTTT", "MDHL", "MDSH")})
    row.update({"TONG_SCORE": total, "ROW_STT": str(rank)})
    return row


def record(api, period, payload, captured="2025-11-18T09:00:12+07:00", drill=False, request='{"x":1}') -> dict:
    return {"url": "https://api.example.vn/rest", "request": request, "api": api, "period": period, "drill": drill,
            "captured": captured, "payload": json.dumps(payload, ensure_ascii=False)}


def facts_of(rec) -> tuple[list[dict], list[str]]:
    rows = api_rows(rec, "dvc", "national", default_units())
    return rows.indicators, rows.warnings


def test_renamed_unit_keeps_its_gso_code():
    """Identity is the H-code: any name, and the code of the answer's era (H05 is 27 before 2025, 24 after)."""
    for name in ("UBND tỉnh Bắc Ninh", "UBND Tỉnh BẮC NINH (mới)", "Tên khác hẳn"):
        facts, warnings = facts_of(record("legacy", "2024", [legacy_row(name, "H05", "80.5", 1)] * 40))
        assert {(f["province_code"], f["entity_name"]) for f in facts} == {("27", "Bắc Ninh")} and not warnings
        facts, _ = facts_of(record("legacy", "2025-03", [legacy_row(name, "H05", "80.5", 1)]))
        assert {f["province_code"] for f in facts} == {"24"}
    new = {"code": "OK", "data": {"evaluation": [{"departmentId": "u-1", "departmentName": "UBND Thành phố Huế X",
                                                  "departmentCode": "H57", "totalScore": 70, "groupScores": {}}]}}
    facts, _ = facts_of(record("reporting", "2026", new, captured="2026-06-16T10:00:00+07:00"))
    assert [(f["province_code"], f["entity_name"], f["value"]) for f in facts] == [("46", "Huế", 70.0)]


def test_unknown_unit_is_reported_not_guessed():
    facts, warnings = facts_of(record("legacy", "2025", [legacy_row("UBND tỉnh Bắc Giang", "H03", "70", 1),
                                                          legacy_row("UBND tỉnh X", "H99", "60", 2)]))
    assert facts == [] and len(warnings) == 2 and all("not in the reference table" in w for w in warnings)


def test_null_component_is_no_row():
    facts, _ = facts_of(record("legacy", "2023-03", [legacy_row("UBND tỉnh An Giang", "H01", "60.25", 1, MDHL=None)] * 63))
    got = {(f["indicator"], f["component"]): f["value"] for f in facts}
    assert ("service_component", "muc_do_hai_long") not in got
    assert got[("service_index", None)] == 60.25 and got[("service_index_rank", None)] == 1.0
    assert len([k for k in got if k[0] == "service_component"]) == 5
    new = {"code": "OK", "data": {"evaluation": [{"departmentCode": "H01", "totalScore": None,
                                                  "groupScores": {"CKMB": 10.5, "TTTT": None}}]}}
    facts, _ = facts_of(record("reporting", "2026-02", new, captured="2026-06-16T10:00:00+07:00"))
    assert [(f["indicator"], f["component"], f["value"]) for f in facts] == [("service_component", "cong_khai_minh_bach", 10.5)]


def test_drill_down_names_and_levels():
    rows = [legacy_row("Sở Tư pháp", "H01", "70", 1, level="1"), legacy_row("UBND xã Mỹ Hòa Hưng", "H01", "65", 2, level="2")]
    rows[0]["MA_COQUAN"], rows[1]["MA_COQUAN"] = "000.00.14.H01", "000.31.22.H01"
    facts, _ = facts_of(record("legacy", "2025", rows, drill=True))
    assert {(f["entity_type"], f["entity_name"], f["province_code"]) for f in facts} == {
        ("department", "Sở Tư pháp", "91"), ("commune", "xã Mỹ Hòa Hưng", "91")}
    for period, want in (("2025", ("91", "An Giang", "91", "An Giang")), ("2024", ("89", "An Giang", "91", "An Giang"))):
        doc = api_rows(record("legacy", period, rows, drill=True), "dvc", "national", default_units()).document
        assert (doc["province_code"], doc["province_name"], doc["province_code_2025"], doc["province_name_2025"]) == want
        assert doc["extraction"] == "api" and doc["request"] == '{"x":1}'
    new = {"code": "OK", "data": {
        "overview": {"departmentName": "UBND tỉnh Gia Lai", "departmentCode": "H21", "totalScore": 71.5},
        "radar": [{"code": "CKMB", "score": 12}, {"code": "ONLINE_SERVICE", "score": 15}],
        "evaluation": [{"departmentName": "Sở Tư pháp - tỉnh Gia Lai", "departmentCode": "H21.14", "totalScore": 80,
                        "childGroup": "AGENCY"},
                       {"departmentName": "UBND đặc khu Phú Quốc - tỉnh Gia Lai", "departmentCode": "H21.152",
                        "totalScore": 60, "childGroup": "COMMUNE"}]}}
    facts, _ = facts_of(record("reporting", "2026", new, captured="2026-06-16T10:00:00+07:00", drill=True))
    assert sorted((f["entity_type"], f["entity_name"], f["indicator"], f["component"], f["value"]) for f in facts) == [
        ("commune", "đặc khu Phú Quốc", "service_index", None, 60.0),
        ("department", "Sở Tư pháp", "service_index", None, 80.0),
        ("province", "Gia Lai", "service_component", "cong_khai_minh_bach", 12.0),
        ("province", "Gia Lai", "service_index", None, 71.5)]


@pytest.mark.parametrize("period,last_open,first_final", [
    ("2025-11", "2025-11-30", "2025-12-01"),      # a month
    ("2025-02", "2025-02-28", "2025-03-01"),
    ("2025-Q4", "2025-12-31", "2026-01-01"),      # a quarter
    ("2025-Q1", "2025-03-31", "2025-04-01"),
    ("2025", "2025-12-31", "2026-01-01"),         # a year
])
def test_provisional_at_period_boundaries(period, last_open, first_final):
    assert is_provisional(period, dt.date.fromisoformat(last_open))
    assert not is_provisional(period, dt.date.fromisoformat(first_final))
    for captured, want in ((f"{last_open}T23:59:00+07:00", True), (f"{first_final}T00:01:00+07:00", False)):
        facts, _ = facts_of(record("legacy", period, [legacy_row("UBND tỉnh An Giang", "H01", "60", 1)], captured))
        assert facts and all(f["provisional"] is want for f in facts)


def test_service_index_rankings():
    def fact(kind, name, code, ind, period, value, prov=False):
        return {"entity_type": kind, "entity_name": name, "province_code": code, "indicator": ind, "component": None,
                "period": period, "value": value, "method": "api", "source_doc_id": period, "provisional": prov}
    facts = [fact("province", "An Giang", "91", "service_index", "2025-Q3", 80.0),
             fact("province", "Hà Nội", "01", "service_index", "2025-Q3", 90.0),
             fact("province", "An Giang", "91", "service_index", "2025-Q4", 95.0, True),
             fact("province", "Hà Nội", "01", "service_index", "2025-Q4", 85.0, True),
             fact("province", "An Giang", "91", "service_index_rank", "2025-Q4", 1.0, True),
             fact("province", "Hà Nội", "01", "service_index_rank", "2025-Q4", 2.0, True),
             fact("province", "An Giang", "91", "service_index", "2025-10", 50.0),      # a month is no quarter
             # code 24 is Bắc Giang before 1 July 2025 and Bắc Ninh after: no rank change between the two
             fact("province", "Bắc Giang", "24", "service_index", "2024", 70.0),
             fact("province", "Bắc Ninh", "24", "service_index", "2025", 75.0),
             # one drill-down answer ranks departments and communes together
             fact("department", "Sở Tư pháp", "91", "service_index", "2025", 70.0),
             fact("department", "Sở Y tế", "91", "service_index", "2025", 60.0),
             fact("commune", "xã A", "91", "service_index", "2025", 65.0),
             fact("department", "Sở Tư pháp", "91", "service_index_rank", "2025", 1.0),
             fact("department", "Sở Y tế", "91", "service_index_rank", "2025", 3.0),
             fact("commune", "xã A", "91", "service_index_rank", "2025", 2.0)]
    got = {(r["period"], r["scope"], r["entity_type"], r["entity_name"]):
           (r["rank"], r["rank_source"], r["n_ranked"], r["rank_change"], r["provisional"])
           for r in compute_rankings(facts) if r["indicator"] == "service_index"}
    assert got == {
        ("2025-Q3", "national", "province", "An Giang"): (2, "computed", 2, None, False),
        ("2025-Q3", "national", "province", "Hà Nội"): (1, "computed", 2, None, False),
        ("2025-Q4", "national", "province", "An Giang"): (1, "published", 2, 1, True),
        ("2025-Q4", "national", "province", "Hà Nội"): (2, "published", 2, -1, True),
        ("2025-10", "national", "province", "An Giang"): (1, "computed", 1, None, False),
        ("2024", "national", "province", "Bắc Giang"): (1, "computed", 1, None, False),
        ("2025", "national", "province", "Bắc Ninh"): (1, "computed", 1, None, False),
        ("2025", "province:91", "department", "Sở Tư pháp"): (1, "computed", 2, None, False),
        ("2025", "province:91", "department", "Sở Y tế"): (2, "computed", 2, None, False),
        ("2025", "province:91", "commune", "xã A"): (1, "computed", 1, None, False)}


def test_canonical_body_forms():
    assert canonical_body('{"b": 1, "a": "Hà"}'.encode(), "application/json") == '{"a":"Hà","b":1}'
    assert canonical_body("params=%7B%22b%22%3A1%2C%22a%22%3A%222%22%7D", "application/x-www-form-urlencoded") \
        == '{"a":"2","b":1}'
    assert canonical_body(b"a=1&b=x", "application/x-www-form-urlencoded") == '{"a":"1","b":"x"}'
    assert canonical_body(b"", None) is None and canonical_body(None) is None
    assert canonical_body(io.BytesIO(b"").read()) is None
