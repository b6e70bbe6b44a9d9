"""Facts from running text: exact rows on invented sentences, and the shared world's articles."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.truth_tools import articles, context_of, fact_key, score
from transforms.facts import FactContext
from transforms.indicators_text import facts_from_text, split_sentences

DEPT = FactContext(doc_id="d1", title="Tin cải cách hành chính", published_date=dt.date(2023, 5, 2),
                   province_code="24", agency="Sở Y tế", level="department", district=None, method="text")
PROV = FactContext(doc_id="p1", title="Tin tức", published_date=dt.date(2023, 5, 2), province_code="24",
                   agency=None, level="province", district=None, method="text")


def facts(text: str, ctx: FactContext = DEPT) -> set[tuple]:
    rows, _ = facts_from_text([text], ctx)
    return {(r["entity_type"], r["entity_name"], r["province_code"], r["indicator"], r["component"], r["period"],
             r["value"], r["unit"]) for r in rows}


def test_row_columns_and_evidence():
    rows, warnings = facts_from_text(["Mở đầu bài viết. Năm 2022, Sở Tư pháp đạt 88,5 điểm Chỉ số CCHC."], DEPT)
    assert warnings == []
    assert rows == [{"entity_type": "department", "entity_name": "Sở Tư pháp", "province_code": "24",
                     "indicator": "par_index", "component": None, "period": "2022", "value": 88.5, "unit": "points",
                     "source_doc_id": "d1", "method": "text",
                     "evidence": "Năm 2022, Sở Tư pháp đạt 88,5 điểm Chỉ số CCHC."}]


def test_index_score_rank_and_component():
    assert facts("Năm 2022, Chỉ số CCHC (PAR INDEX) của Sở Công Thương đạt 87,15 điểm, xếp thứ 3/18 sở, ngành. "
                 "Trong đó, chỉ số thành phần cải cách thể chế đạt 9,5/11 điểm, đạt 86,36%.") == {
        ("department", "Sở Công Thương", "24", "par_index", None, "2022", 87.15, "points"),
        ("department", "Sở Công Thương", "24", "par_rank", None, "2022", 3.0, "rank"),
        # "Trong đó" continues the sentence before: its department, not the site's.
        ("department", "Sở Công Thương", "24", "par_component", "cai_cach_the_che", "2022", 9.5, "points"),
    }


def test_province_index_in_percent_and_sipas():
    assert facts("Chỉ số cải cách hành chính năm 2021 của tỉnh Quảng Ninh đạt 89,02%, xếp thứ 1/63 tỉnh, thành phố.") == {
        ("province", "Quảng Ninh", "22", "par_index", None, "2021", 89.02, "percent"),
        ("province", "Quảng Ninh", "22", "par_rank", None, "2021", 1.0, "rank"),
    }
    assert facts("Năm 2021, SIPAS của thành phố Hồ Chí Minh là 84,5%, đứng thứ 30/63.", PROV) == {
        ("province", "Hồ Chí Minh", "79", "sipas", None, "2021", 84.5, "percent"),
        ("province", "Hồ Chí Minh", "79", "sipas_rank", None, "2021", 30.0, "rank"),
    }


def test_dossier_counts_and_rates():
    # The department named in the first sentence is the subject of the sentences after it.
    text = ("Từ ngày 01/01/2022 đến ngày 30/11/2022, Sở Tư pháp đã tiếp nhận 2.345 hồ sơ, trong đó 1.200 hồ sơ "
            "trực tuyến, chiếm 51,17%; đã giải quyết 2.300 hồ sơ. Tỷ lệ giải quyết hồ sơ đúng hạn là 99,8%, "
            "trong đó 70,5% hồ sơ được giải quyết trước hạn. Sở đã rà soát, đánh giá 41 TTHC; số hóa 1.411 hồ sơ, "
            "tỷ lệ số hóa đạt 95%.")
    assert facts(text) == {
        ("department", "Sở Tư pháp", "24", "dossiers_received", None, "2022", 2345.0, "count"),
        ("department", "Sở Tư pháp", "24", "dossiers_received_online", None, "2022", 1200.0, "count"),
        ("department", "Sở Tư pháp", "24", "online_rate", None, "2022", 51.17, "percent"),
        ("department", "Sở Tư pháp", "24", "dossiers_resolved", None, "2022", 2300.0, "count"),
        ("department", "Sở Tư pháp", "24", "on_time_rate", None, "2022", 99.8, "percent"),
        ("department", "Sở Tư pháp", "24", "early_rate", None, "2022", 70.5, "percent"),
        ("department", "Sở Tư pháp", "24", "procedures_reviewed", None, "2022", 41.0, "count"),
        ("department", "Sở Tư pháp", "24", "dossiers_digitized", None, "2022", 1411.0, "count"),
        ("department", "Sở Tư pháp", "24", "digitization_rate", None, "2022", 95.0, "percent"),
    }


def test_monthly_period_and_elliptic_counts():
    assert facts("Trong tháng 6/2022, Sở Y tế tiếp nhận 320 hồ sơ, giải quyết đúng hạn 300 hồ sơ, trễ hạn 5 hồ sơ; "
                 "còn 15 hồ sơ đang giải quyết.") == {
        ("department", "Sở Y tế", "24", "dossiers_received", None, "2022-06", 320.0, "count"),
        ("department", "Sở Y tế", "24", "dossiers_resolved_on_time", None, "2022-06", 300.0, "count"),
        ("department", "Sở Y tế", "24", "dossiers_resolved_late", None, "2022-06", 5.0, "count"),
        ("department", "Sở Y tế", "24", "dossiers_pending", None, "2022-06", 15.0, "count"),
    }


@pytest.mark.parametrize("text", [
    "Năm 2023, Sở phấn đấu đạt trên 90 điểm Chỉ số CCHC và 100% hồ sơ được giải quyết đúng hạn.",
    "Kế hoạch đặt mục tiêu năm 2023 tỷ lệ hồ sơ trực tuyến đạt từ 50% trở lên.",
    "Chỉ tiêu năm 2023: 100% hồ sơ thủ tục hành chính được giải quyết đúng hạn.",
    "Năm 2022, tỷ lệ hồ sơ trực tuyến đạt tối thiểu 30%.",
    "Năm 2022, tỷ lệ giải quyết hồ sơ đúng hạn đạt trên 98%.",
    "Năm 2022, Chỉ số trung bình của các sở, ban, ngành đạt 84,2 điểm.",
    "Năm 2022, Sở tiếp nhận và xử lý 25 đơn khiếu nại, tố cáo.",
    "Năm 2022, giải bóng đá thu hút 16 đội bóng và 300 vận động viên.",
    "Năm 2022, Chỉ số PCI của tỉnh đạt 68,5 điểm, xếp thứ 12/63.",
])
def test_targets_bounds_averages_and_other_numbers_are_no_facts(text):
    assert facts(text) == set()
    assert facts(text, PROV) == set()


def test_change_is_not_a_value_and_later_year_is_not_the_period():
    assert facts("Năm 2022, Chỉ số CCHC của Sở đạt 85 điểm, tăng 2,5 điểm so với năm 2021.") == {
        ("department", "Sở Y tế", "24", "par_index", None, "2022", 85.0, "points")}


def test_entity_attribution():
    # The subject before the value, not the issuer of the decision.
    assert facts("Theo Quyết định số 12/QĐ-UBND của UBND tỉnh Bắc Giang, Chỉ số CCHC năm 2022 của Sở Xây dựng "
                 "đạt 86,1 điểm.", PROV) == {("department", "Sở Xây dựng", "24", "par_index", None, "2022", 86.1,
                                              "points")}
    # A department of another province carries that province's code.
    assert facts("Sở Kế hoạch và Đầu tư tỉnh Quảng Ninh đạt 91,2 điểm Chỉ số CCHC năm 2021.") == {
        ("department", "Sở Kế hoạch và Đầu tư", "22", "par_index", None, "2021", 91.2, "points")}
    # "của tỉnh" on a province's portal is the document province.
    assert facts("Năm 2022, Chỉ số CCHC của tỉnh đạt 85,5 điểm.", PROV) == {
        ("province", "Bắc Giang", "24", "par_index", None, "2022", 85.5, "points")}
    # Two subjects in one sentence.
    # "dẫn đầu" is rank 1; "xếp cuối" states no number.
    assert facts("Năm 2022, Sở Y tế dẫn đầu với 92,1 điểm; Sở Tư pháp xếp cuối với 77,5 điểm Chỉ số CCHC.") == {
        ("department", "Sở Y tế", "24", "par_index", None, "2022", 92.1, "points"),
        ("department", "Sở Y tế", "24", "par_rank", None, "2022", 1.0, "rank"),
        ("department", "Sở Tư pháp", "24", "par_index", None, "2022", 77.5, "points")}


def test_unresolvable_subjects_and_periods_are_reported():
    rows, warnings = facts_from_text(["Năm 2022, Sở đã rà soát 40 TTHC."], PROV)
    assert rows == [] and len(warnings) == 1 and "Sở" in warnings[0]
    rows, warnings = facts_from_text(["Năm 2022, xã Tân Thanh tiếp nhận 500 hồ sơ."], DEPT)
    assert rows == [] and "Tân Thanh" in warnings[0]
    rows, warnings = facts_from_text(["Sở đã tiếp nhận 500 hồ sơ."], DEPT)
    assert rows == [] and "no period" in warnings[0]
    rows, warnings = facts_from_text(["Trong 9 tháng đầu năm 2022, Sở tiếp nhận 120 hồ sơ."], DEPT)
    assert rows == [] and "no period of the contract" in warnings[0]
    rows, warnings = facts_from_text(["Năm 2022, chỉ số thành phần về thi đua đạt 5/10 điểm."], DEPT)
    assert rows == [] and "component" in warnings[0]


def test_period_from_title_then_from_earlier_sentences():
    ctx = FactContext("d2", "Kết quả giải quyết thủ tục hành chính năm 2021", None, "24", "Sở Y tế", "department")
    assert facts("Tỷ lệ hồ sơ giải quyết đúng hạn đạt 97%.", ctx) == {
        ("department", "Sở Y tế", "24", "on_time_rate", None, "2021", 97.0, "percent")}
    rows, _ = facts_from_text(["Trong năm 2022, Sở triển khai nhiều nhiệm vụ.", "Kết quả 100% hồ sơ giải quyết đúng "
                               "hạn, trong đó 96,49% hồ sơ giải quyết sớm hạn."], DEPT)
    assert {(r["indicator"], r["period"], r["value"]) for r in rows} == {("on_time_rate", "2022", 100.0),
                                                                        ("early_rate", "2022", 96.49)}


def test_sentence_split_keeps_abbreviations():
    assert split_sentences("Kết quả của TP. Hồ Chí Minh đạt 85,5%. Năm 2022 tốt hơn.") == [
        "Kết quả của TP. Hồ Chí Minh đạt 85,5%.", "Năm 2022 tốt hơn."]


# --- the shared world ------------------------------------------------------------------------------
def test_world_articles_precision_and_recall():
    arts = articles()
    pairs, ranking_rows, noise_rows = [], [], []
    for t in arts:
        rows, _ = facts_from_text(t["body"], context_of(t))
        if not t["reform_related"]:
            noise_rows += rows
        elif t["doc_type"] == "ranking":        # metrics come from tables; text facts must be right ones
            ranking_rows += [(r, t["metrics"]) for r in rows]
        else:
            pairs.append((rows, t["metrics"]))
    s = score(pairs)
    assert noise_rows == []
    assert s["precision"] >= 0.98 and s["recall"] >= 0.95, s["misses"]
    assert s["extra"] == []
    for r, gold in ranking_rows:
        g = {fact_key(m): m["value"] for m in gold}
        assert abs(g[fact_key(r)] - r["value"]) <= 0.011


def test_pending_dossiers_in_their_time_limit():
    import datetime as _dt

    from transforms.facts import FactContext as _Ctx
    from transforms.indicators_text import facts_from_text as _facts
    ctx = _Ctx(doc_id="d", title="Kết quả giải quyết thủ tục hành chính năm 2023", published_date=_dt.date(2023, 12, 1),
               province_code="51", agency="Sở Tư pháp", level="department")
    rows, _ = _facts(["Năm 2023, Sở đã giải quyết 1.204 hồ sơ, hiện còn 25 hồ sơ đang trong thời hạn giải quyết."], ctx)
    assert [(r["indicator"], r["value"], r["entity_name"]) for r in rows] == [
        ("dossiers_resolved", 1204.0, "Sở Tư pháp"), ("dossiers_pending", 25.0, "Sở Tư pháp")]
