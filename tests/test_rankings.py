"""Rankings: published vs computed ranks, ties, scopes, rank change, source preference, counted rows."""
from __future__ import annotations

from transforms.rankings import compute_rankings, find_conflicts, previous_period


def fact(name, indicator, period, value, entity_type="department", province="52", method="table", doc="d1",
         counted=True):
    return {"entity_type": entity_type, "entity_name": name, "province_code": province, "indicator": indicator,
            "component": None, "period": period, "value": value, "unit": "points", "source_doc_id": doc,
            "method": method, "evidence": "", "counted": counted}


def brief(rows):
    return [(r["indicator"], r["period"], r["scope"], r["entity_name"], r["value"], r["rank"], r["rank_source"],
             r["n_ranked"], r["rank_change"]) for r in rows]


def test_computed_ranks_with_ties_and_rank_change():
    rows = [fact("Sở A", "par_index", "2022", 90.0), fact("Sở B", "par_index", "2022", 85.0),
            fact("Sở C", "par_index", "2022", 85.0), fact("Sở D", "par_index", "2022", 80.0),
            fact("Sở A", "par_index", "2021", 80.0), fact("Sở B", "par_index", "2021", 88.0)]
    assert brief(compute_rankings(rows)) == [
        ("par_index", "2021", "province:52", "Sở B", 88.0, 1, "computed", 2, None),
        ("par_index", "2021", "province:52", "Sở A", 80.0, 2, "computed", 2, None),
        ("par_index", "2022", "province:52", "Sở A", 90.0, 1, "computed", 4, 1),
        ("par_index", "2022", "province:52", "Sở B", 85.0, 2, "computed", 4, -1),
        ("par_index", "2022", "province:52", "Sở C", 85.0, 2, "computed", 4, None),
        ("par_index", "2022", "province:52", "Sở D", 80.0, 4, "computed", 4, None),
    ]


def test_published_rank_wins_over_value_order_and_rank_indicators_are_not_ranked():
    rows = [fact("Hà Giang", "sipas", "2022", 85.1, "province", "02"), fact("Hà Giang", "sipas_rank", "2022", 3, "province", "02"),
            fact("Tây Ninh", "sipas", "2022", 88.78, "province", "72"), fact("Tây Ninh", "sipas_rank", "2022", 1, "province", "72"),
            fact("Hải Phòng", "sipas_rank", "2022", 2, "province", "31")]
    out = compute_rankings(rows)
    assert brief(out) == [
        ("sipas", "2022", "national", "Tây Ninh", 88.78, 1, "published", 3, None),
        ("sipas", "2022", "national", "Hải Phòng", None, 2, "published", 3, None),
        ("sipas", "2022", "national", "Hà Giang", 85.1, 3, "published", 3, None),
    ]
    assert {r["indicator"] for r in out} == {"sipas"}
    assert out[0]["province_code"] == "72" and out[0]["entity_type"] == "province"


def test_scopes_separate_provinces_and_each_province_departments():
    rows = [fact("Sở A", "on_time_rate", "2022-06", 99.0, province="52"), fact("Sở A", "on_time_rate", "2022-06", 97.0, province="72"),
            fact("Sở B", "on_time_rate", "2022-06", 98.0, province="72"),
            fact("Bình Định", "on_time_rate", "2022-06", 96.0, "province", "52"),
            fact("Hóc Môn", "on_time_rate", "2022-06", 95.0, "district", "79")]
    assert [(r["scope"], r["entity_name"], r["rank"], r["n_ranked"]) for r in compute_rankings(rows)] == [
        ("national", "Bình Định", 1, 1), ("province:52", "Sở A", 1, 1),
        ("province:72", "Sở B", 1, 2), ("province:72", "Sở A", 2, 2)]


def test_source_preference_counted_and_conflicts():
    rows = [fact("Sở A", "par_index", "2022", 70.0, method="text", doc="t"),
            fact("Sở A", "par_index", "2022", 81.5, method="attachment", doc="x"),
            fact("Sở A", "par_index", "2022", 82.5, method="table", doc="h"),
            fact("Sở B", "par_index", "2022", 90.0, counted=False),
            fact("Sở C", "par_index", "2022", 75.0, method="text")]
    assert brief(compute_rankings(rows)) == [
        ("par_index", "2022", "province:52", "Sở A", 82.5, 1, "computed", 2, None),
        ("par_index", "2022", "province:52", "Sở C", 75.0, 2, "computed", 2, None)]
    conflicts = find_conflicts(rows)
    assert len(conflicts) == 1
    assert conflicts[0]["entity_name"] == "Sở A" and conflicts[0]["values"] == [70.0, 81.5, 82.5]
    assert conflicts[0]["sources"] == [("h", "table", 82.5), ("t", "text", 70.0), ("x", "attachment", 81.5)]


def test_counts_are_not_ranked_and_previous_period():
    assert compute_rankings([fact("Sở A", "dossiers_received", "2022", 100.0)]) == []
    assert previous_period("2022") == "2021" and previous_period("2022-01") == "2021-12"
    assert previous_period("2022-06") == "2022-05"


def test_monthly_rank_change():
    rows = [fact("Sở A", "on_time_rate", "2022-05", 90.0), fact("Sở B", "on_time_rate", "2022-05", 95.0),
            fact("Sở A", "on_time_rate", "2022-06", 99.0), fact("Sở B", "on_time_rate", "2022-06", 98.0)]
    assert [(r["period"], r["entity_name"], r["rank_change"]) for r in compute_rankings(rows)] == [
        ("2022-05", "Sở B", None), ("2022-05", "Sở A", None), ("2022-06", "Sở A", 1), ("2022-06", "Sở B", -1)]


def test_rankings_carry_one_unit_and_their_source_document():
    rows = [fact("Sở A", "par_index", "2022", 90.0, doc="text1", method="text"),
            {**fact("Sở A", "par_index", "2022", 90.0, doc="table1"), "unit": "percent"},
            fact("Sở B", "par_index", "2022", 85.0, doc="text2", method="text"),
            fact("Hà Giang", "sipas_rank", "2022", 2, "province", "02", doc="rank1"),
            fact("Tây Ninh", "sipas", "2022", 88.78, "province", "72", doc="sip1")]
    out = [(r["entity_name"], r["value"], r["unit"], r["source_doc_id"]) for r in compute_rankings(rows)]
    assert out == [("Sở A", 90.0, "percent", "table1"), ("Sở B", 85.0, "percent", "text2"),
                   ("Tây Ninh", 88.78, "percent", "sip1"), ("Hà Giang", None, None, "rank1")]
