"""Document numbers: exact parses of invented numbers, things that are not numbers, and the world's truth."""
from __future__ import annotations

import datetime as dt
import json
import unicodedata
from pathlib import Path

import pytest

from transforms.docnumbers import DocRef, canonical_type, find_doc_refs, parse_doc_number

D = dt.date
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
TRUTH = SHARED / "world" / "small" / "truth.jsonl"

# raw -> (number, kind, issuer, year, issued_date)
CASES = [
    ("22/KH-SXD", ("22/KH-SXD", "KH", "SXD", None, None)),
    ("61/2018/NĐ-CP", ("61/2018/NĐ-CP", "NĐ", "CP", 2018, None)),
    ("1563/UBND-NC", ("1563/UBND-NC", "CV", "UBND", None, None)),
    ("60-NQ/TW", ("60-NQ/TW", "NQ", "TW", None, None)),
    ("05-CT/TU", ("05-CT/TU", "CT", "TU", None, None)),
    ("30c/NQ-CP", ("30c/NQ-CP", "NQ", "CP", None, None)),
    ("473/TTr - NN&PTNT", ("473/TTr-NN&PTNT", "TTr", "NN&PTNT", None, None)),
    ("01/1999/QĐ.UB", ("01/1999/QĐ-UB", "QĐ", "UB", 1999, None)),
    ("03/2016/TTLT-BNV-BTC", ("03/2016/TTLT-BNV-BTC", "TTLT", "BNV-BTC", 2016, None)),
    ("số 417/QĐ-UBND", ("417/QĐ-UBND", "QĐ", "UBND", None, None)),
    ("Số: 88/BC-SNV.", ("88/BC-SNV", "BC", "SNV", None, None)),
    ("số 214/TB-VP;", ("214/TB-VP", "TB", "VP", None, None)),
    ("07/HD-SYT", ("07/HD-SYT", "HD", "SYT", None, None)),
    ("15/HĐ-STC", ("15/HĐ-STC", "HĐ", "STC", None, None)),
    ("09/QC-SGTVT", ("09/QC-SGTVT", "QC", "SGTVT", None, None)),
    ("11/QyĐ-UBND", ("11/QyĐ-UBND", "QyĐ", "UBND", None, None)),
    ("04/CTr-UBND", ("04/CTr-UBND", "CTr", "UBND", None, None)),
    ("19/PA-STTTT", ("19/PA-STTTT", "PA", "STTTT", None, None)),
    ("02/ĐA-SGDĐT", ("02/ĐA-SGDĐT", "ĐA", "SGDĐT", None, None)),
    ("37/BB-TTr", ("37/BB-TTr", "BB", "TTr", None, None)),
    ("125/GM-SKHCN", ("125/GM-SKHCN", "GM", "SKHCN", None, None)),
    ("08/GUQ-SCT", ("08/GUQ-SCT", "GUQ", "SCT", None, None)),
    ("31/GGT-SNV", ("31/GGT-SNV", "GGT", "SNV", None, None)),
    ("12/KL-STP", ("12/KL-STP", "KL", "STP", None, None)),
    ("14/2021/TT-BNV", ("14/2021/TT-BNV", "TT", "BNV", 2021, None)),
    ("1291/QĐ-TTg", ("1291/QĐ-TTg", "QĐ", "TTg", None, None)),
    ("76/NQ-CP", ("76/NQ-CP", "NQ", "CP", None, None)),
    ("45-KL/TW", ("45-KL/TW", "KL", "TW", None, None)),
    ("27 – NQ/TU", ("27-NQ/TU", "NQ", "TU", None, None)),
    ("2350/UBND-KT", ("2350/UBND-KT", "CV", "UBND", None, None)),
    ("614/SNV-CCHC", ("614/SNV-CCHC", "CV", "SNV", None, None)),
    ("87/CV-UBND", ("87/CV-UBND", "CV", "UBND", None, None)),
    # noise: spaces, en dashes, dots, Đ look-alike (Icelandic eth), lowercase Đ, missing Đ
    ("56 / KH – UBND", ("56/KH-UBND", "KH", "UBND", None, None)),
    ("312/QÐ-UBND", ("312/QĐ-UBND", "QĐ", "UBND", None, None)),
    ("75/Qđ-UBND", ("75/QĐ-UBND", "QĐ", "UBND", None, None)),
    ("75/QD-UBND", ("75/QĐ-UBND", "QĐ", "UBND", None, None)),
    ("20/2019/ND-CP", ("20/2019/NĐ-CP", "NĐ", "CP", 2019, None)),
    ("40/UBND.VX", ("40/UBND-VX", "CV", "UBND", None, None)),
    ("123/KH-UBND\u00a0ngày 05/02/2022", ("123/KH-UBND", "KH", "UBND", 2022, D(2022, 2, 5))),
    (unicodedata.normalize("NFD", "Kế hoạch số 64/KH-SKHĐT"), ("64/KH-SKHĐT", "KH", "SKHĐT", None, None)),
    ("số 99/KH-SXD ngày 7 tháng 3 năm 2020", ("99/KH-SXD", "KH", "SXD", 2020, D(2020, 3, 7))),
    ("52/2020/QĐ-UBND ngày 14/9/2020", ("52/2020/QĐ-UBND", "QĐ", "UBND", 2020, D(2020, 9, 14))),
    ("Luật số 47/2019/QH14", ("47/2019/QH14", "Luật", "QH14", 2019, None)),
    ("số 09/2018/UBTVQH14", ("09/2018/UBTVQH14", "", "UBTVQH14", 2018, None)),
    ("số 12/BC", ("12/BC", "BC", "", None, None)),
]


@pytest.mark.parametrize(("raw", "want"), CASES)
def test_parse_doc_number(raw, want):
    assert parse_doc_number(raw) == DocRef(*want)


def test_enough_cases():
    assert len(CASES) >= 40


NOT_NUMBERS = [
    "28/04/2022", "26,44/29", "9/63", "xếp thứ 2/19", "1/1/2019", "0256.3822.123", "(0256) 3822/123",
    "COVID-19", "100%", "https://portal.example.vn/van-ban/12/KH-UBND", "www.example.vn/5/QD-UBND",
    "tháng 4/2022", "9,75/11 điểm", "24/7", "giai đoạn 2021-2025", "Mẫu số 01/TK-TNCN", "12/3A",
    "Quận 12/TP", "số 12/kh-ubnd", "", "KH-UBND", "số /KH-UBND",
]


@pytest.mark.parametrize("raw", NOT_NUMBERS)
def test_not_a_number(raw):
    assert parse_doc_number(raw) is None
    assert find_doc_refs(raw) == []


def test_canonical_type():
    assert canonical_type("qđ") == "QĐ"
    assert canonical_type("QD") == "QĐ"
    assert canonical_type("TTR") == "TTr"
    assert canonical_type("HD") == "HD"  # Hướng dẫn, not Hợp đồng
    assert canonical_type("HĐ") == "HĐ"
    assert canonical_type("UBND") is None


def test_find_in_sentence_with_dates():
    text = (
        "Ngày 3/2/2023, Sở Tư pháp ban hành Kế hoạch số 41/KH-STP về cải cách hành chính năm 2023, "
        "thực hiện Kế hoạch số 208/KH-UBND ngày 27/12/2022 của UBND tỉnh và Nghị quyết số 76/NQ-CP "
        "của Chính phủ. Sở đạt 84,12 điểm, xếp thứ 5/18; tỷ lệ đúng hạn 99,5%."
    )
    assert find_doc_refs(text) == [
        DocRef("41/KH-STP", "KH", "STP", None, None),
        DocRef("208/KH-UBND", "KH", "UBND", 2022, D(2022, 12, 27)),
        DocRef("76/NQ-CP", "NQ", "CP", None, None),
    ]


def test_date_after_issuer_phrase_and_party_number():
    text = (
        "Quyết định số 905/QĐ-UBND của Ủy ban nhân dân tỉnh ngày 18/5/2021 và Chỉ thị số 08-CT/TU "
        "ngày 02/8/2021 của Ban Thường vụ Tỉnh ủy."
    )
    assert find_doc_refs(text) == [
        DocRef("905/QĐ-UBND", "QĐ", "UBND", 2021, D(2021, 5, 18)),
        DocRef("08-CT/TU", "CT", "TU", 2021, D(2021, 8, 2)),
    ]


def test_period_and_event_dates_are_not_issue_dates():
    text = (
        "Theo Kế hoạch số 33/KH-SNV từ ngày 01/3/2022 đến ngày 30/6/2022, các phòng rà soát hồ sơ. "
        "Kế hoạch số 34/KH-SNV về việc tổ chức hội nghị ngày 15/4/2022 được triển khai."
    )
    assert find_doc_refs(text) == [
        DocRef("33/KH-SNV", "KH", "SNV", None, None),
        DocRef("34/KH-SNV", "KH", "SNV", None, None),
    ]


def test_date_must_agree_with_year_in_number():
    assert find_doc_refs("Nghị định số 34/2016/NĐ-CP ngày 14/5/2017") == [
        DocRef("34/2016/NĐ-CP", "NĐ", "CP", 2016, None)
    ]


def test_dedup_keeps_first_order_and_fills_date():
    text = (
        "Quyết định số 271/QĐ-UBND công bố kết quả. Kế hoạch số 12/KH-SCT được giao. "
        "Theo Quyết định số 271/QĐ-UBND ngày 09/3/2023 của UBND tỉnh, Sở Công Thương xếp thứ 3/17."
    )
    assert find_doc_refs(text) == [
        DocRef("271/QĐ-UBND", "QĐ", "UBND", 2023, D(2023, 3, 9)),
        DocRef("12/KH-SCT", "KH", "SCT", None, None),
    ]


def test_cong_van_needs_a_cue_in_running_text():
    assert find_doc_refs("Công văn số 2871/UBND-VX ngày 11/10/2022 chỉ đạo") == [
        DocRef("2871/UBND-VX", "CV", "UBND", 2022, D(2022, 10, 11))
    ]
    assert find_doc_refs("Địa chỉ 45/KP3 phường 2") == []


def test_spaced_dash_after_issuer_is_prose():
    assert find_doc_refs("Kế hoạch số 77/KH-SYT - UBND tỉnh yêu cầu") == [DocRef("77/KH-SYT", "KH", "SYT", None, None)]
    assert find_doc_refs("Tờ trình số 473/TTr - NN&PTNT ngày 2/6/2021") == [
        DocRef("473/TTr-NN&PTNT", "TTr", "NN&PTNT", 2021, D(2021, 6, 2))
    ]


def test_sentence_end_and_line_breaks():
    text = "Ban hành Kế hoạch số 19/KH-SNV.\nNgày 12/01/2022, Sở tổ chức hội nghị."
    assert find_doc_refs(text) == [DocRef("19/KH-SNV", "KH", "SNV", None, None)]


@pytest.mark.skipif(not TRUTH.exists(), reason="shared world not present")
def test_world_truth_precision_recall():
    tp = fp = fn = 0
    misses = []
    for line in TRUTH.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        if rec.get("kind") != "article":
            continue
        got = {unicodedata.normalize("NFC", r.number).upper() for r in find_doc_refs("\n".join(rec["body"]))}
        want = {unicodedata.normalize("NFC", n).upper() for n in rec.get("doc_refs") or []}
        tp, fp, fn = tp + len(got & want), fp + len(got - want), fn + len(want - got)
        if got != want:
            misses.append((rec.get("url"), sorted(got - want), sorted(want - got)))
    for miss in misses:
        print("doc_refs miss:", *miss)
    assert tp > 0
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    print(f"doc_refs precision={precision:.3f} recall={recall:.3f} ({tp} tp, {fp} fp, {fn} fn)")
    assert precision >= 0.98
    assert recall >= 0.98
