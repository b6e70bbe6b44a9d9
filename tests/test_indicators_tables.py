"""Facts from tables: headers read by meaning, title rows skipped, totals dropped, unknown labels reported."""
from __future__ import annotations

import datetime as dt

from transforms.facts import FactContext
from transforms.indicators_tables import classify, facts_from_table

STATS = FactContext(doc_id="s1", title="Thống kê tháng 6/2022", published_date=None, province_code="52",
                    agency=None, level="province", district=None, method="table")


def table(rows, header_rows=1, caption=None):
    return {"rows": rows, "header_rows": header_rows, "caption": caption}


def short(rows):
    return [(r["entity_type"], r["entity_name"], r["province_code"], r["indicator"], r["period"], r["value"],
             r["unit"]) for r in rows]


def test_two_row_header_stats_table_and_totals_row():
    head = ["STT", "Đơn vị", "Tiếp nhận", "Tiếp nhận", "Tiếp nhận", "Đã giải quyết", "Đã giải quyết",
            "Đã giải quyết", "Đang giải quyết", "Tỷ lệ đúng hạn (%)"]
    sub = ["STT", "Đơn vị", "Tổng số", "Trực tuyến", "Trực tiếp", "Trước hạn", "Đúng hạn", "Trễ hạn",
           "Đang giải quyết", "Tỷ lệ đúng hạn (%)"]
    rows, warnings = facts_from_table(table([
        head, sub,
        ["1", "Sở Tư pháp", "1.234", "600", "634", "700", "400", "4", "130", "99,63"],
        ["", "Tổng cộng", "1.234", "600", "634", "700", "400", "4", "130", "99,63"],
    ], header_rows=2, caption="Thống kê tình hình giải quyết hồ sơ thủ tục hành chính tháng 6/2022"), STATS)
    assert warnings == []
    assert short(rows) == [
        ("department", "Sở Tư pháp", "52", "dossiers_received", "2022-06", 1234.0, "count"),
        ("department", "Sở Tư pháp", "52", "dossiers_received_online", "2022-06", 600.0, "count"),
        ("department", "Sở Tư pháp", "52", "dossiers_resolved_early", "2022-06", 700.0, "count"),
        ("department", "Sở Tư pháp", "52", "dossiers_resolved_on_time", "2022-06", 400.0, "count"),
        ("department", "Sở Tư pháp", "52", "dossiers_resolved_late", "2022-06", 4.0, "count"),
        ("department", "Sở Tư pháp", "52", "dossiers_pending", "2022-06", 130.0, "count"),
        ("department", "Sở Tư pháp", "52", "on_time_rate", "2022-06", 99.63, "percent"),
    ]
    # Evidence names the entity and the value by their column headers.
    assert rows[0]["evidence"] == "Đơn vị: Sở Tư pháp | Tiếp nhận > Tổng số: 1.234"
    assert rows[-1]["evidence"] == "Đơn vị: Sở Tư pháp | Tỷ lệ đúng hạn (%): 99,63"
    assert rows[0]["method"] == "table" and rows[0]["source_doc_id"] == "s1"


def test_table_ordered_by_region_uses_rank_column():
    ctx = FactContext("n1", "SIPAS 2022", dt.date(2023, 4, 1), None, None, "national", None, "table")
    rows, warnings = facts_from_table(table([
        ["Tỉnh, thành phố", "Thứ hạng", "Kết quả (%)"],
        ["Vùng trung du và miền núi phía Bắc", "Vùng trung du và miền núi phía Bắc", "Vùng trung du và miền núi phía Bắc"],
        ["Hà Giang", "3", "85,10"],
        ["Vùng Đông Nam Bộ", "Vùng Đông Nam Bộ", "Vùng Đông Nam Bộ"],
        ["Tây Ninh", "1", "88,78"],
        ["Trung bình", "", "86,94"],
    ]), ctx, heading="Chỉ số hài lòng về sự phục vụ hành chính (SIPAS) năm 2022")
    assert warnings == []
    assert short(rows) == [
        ("province", "Hà Giang", "02", "sipas_rank", "2022", 3.0, "rank"),
        ("province", "Hà Giang", "02", "sipas", "2022", 85.1, "percent"),
        ("province", "Tây Ninh", "72", "sipas_rank", "2022", 1.0, "rank"),
        ("province", "Tây Ninh", "72", "sipas", "2022", 88.78, "percent"),
    ]


def test_xlsx_table_with_title_rows_and_unknown_header():
    ctx = FactContext("x1", "Kết quả Chỉ số CCHC năm 2021.xlsx", None, "52", "Sở Nội vụ", "department", None,
                      "attachment")
    rows, warnings = facts_from_table(table([
        ["KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2021 CỦA CÁC SỞ, BAN, NGÀNH"],
        [],
        ["STT", "Cơ quan, đơn vị", "Điểm đạt được", "Chỉ số (%)", "Xếp hạng", "Ý kiến"],
        ["1", "Sở Nội vụ", "91.27", "91.27", "1", "Tốt"],
        ["2", "Sở KH&ĐT", "88", "88", "2", "Tốt"],
        ["3", "Sở Phép Thuật", "80", "80", "3", "Khá"],
    ], header_rows=0), ctx, heading="Kết quả Chỉ số CCHC năm 2021.xlsx")
    assert short(rows) == [
        ("department", "Sở Nội vụ", "52", "par_index", "2021", 91.27, "percent"),
        ("department", "Sở Nội vụ", "52", "par_rank", "2021", 1.0, "rank"),
        ("department", "Sở Kế hoạch và Đầu tư", "52", "par_index", "2021", 88.0, "percent"),
        ("department", "Sở Kế hoạch và Đầu tư", "52", "par_rank", "2021", 2.0, "rank"),
    ]
    assert rows[0]["method"] == "attachment"
    assert len(warnings) == 2 and warnings[0].startswith("unknown column 'Ý kiến' in table: ")
    assert warnings[1] == "unmapped entity 'Sở Phép Thuật' in table row: 3 | Sở Phép Thuật | 80 | 80 | 3 | Khá"


def test_national_table_spellings():
    names = ["TP. Hồ Chí Minh", "Thừa Thiên - Huế", "Hoà Bình", "Thanh Hoá", "TP. Cần Thơ"]
    names += [f"Tỉnh {i}" for i in range(58)]                         # placeholders: reported, not guessed
    body = [[str(i + 1), n, f"{90 - i * 0.25:.2f}".replace(".", ",")] for i, n in enumerate(names)]
    ctx = FactContext("n2", "PAR INDEX 2022", None, None, None, "national", None, "table")
    rows, warnings = facts_from_table(table([["Xếp hạng", "Tỉnh, thành phố", "Kết quả (%)"], *body]), ctx,
                                      heading="Kết quả Chỉ số cải cách hành chính (PAR INDEX) năm 2022 của các "
                                              "tỉnh, thành phố trực thuộc Trung ương")
    assert [(r["province_code"], r["indicator"], r["value"]) for r in rows] == [
        ("79", "par_rank", 1.0), ("79", "par_index", 90.0), ("46", "par_rank", 2.0), ("46", "par_index", 89.75),
        ("17", "par_rank", 3.0), ("17", "par_index", 89.5), ("38", "par_rank", 4.0), ("38", "par_index", 89.25),
        ("92", "par_rank", 5.0), ("92", "par_index", 89.0)]
    assert {r["entity_type"] for r in rows} == {"province"} and rows[2]["entity_name"] == "Thừa Thiên Huế"
    assert len(warnings) == 58 and warnings[0].startswith("unmapped entity 'Tỉnh 0'")


def test_unknown_index_and_missing_period_are_reported():
    ctx = FactContext("u1", "Bảng tổng hợp", None, "52", None, "province", None, "table")
    rows, warnings = facts_from_table(table([["Đơn vị", "Điểm"], ["Sở Tư pháp", "88"]]), ctx, heading="Bảng xếp loại")
    assert rows == [] and any("index" in w for w in warnings) and any("no period" in w for w in warnings)


def test_classify_labels():
    assert classify("Thứ hạng") == "rank" and classify("Hạng") == "rank"
    assert classify("Sở, ban, ngành") == "entity" and classify("Tỉnh/thành phố") == "province"
    assert classify("Tổng điểm") == "value_pts" and classify("Chỉ số (%)") == "value_pct"
    assert classify("Đã giải quyết > Trễ hạn") == "dossiers_resolved_late"
    assert classify("Tiếp nhận > Trực tiếp") == "ignored" and classify("Xếp loại") == "ignored"
    assert classify("STT") == "ignored" and classify("Điểm tối đa") == "ignored" and classify("Ý kiến") is None
    assert classify("Huyện, thành phố") == "district" and classify("Cơ quan, đơn vị") == "entity"


def test_national_table_with_component_columns_gives_component_scores():
    import datetime as _dt

    from transforms.facts import FactContext as _Ctx
    from transforms.indicators_tables import facts_from_table as _facts
    ctx = _Ctx(doc_id="n", title="Công bố Chỉ số cải cách hành chính năm 2023 của các tỉnh, thành phố",
               published_date=_dt.date(2024, 5, 1), province_code=None, agency=None, level="national", method="table")
    head = ["STT", "Tỉnh, thành phố", "Công tác chỉ đạo, điều hành CCHC", "Cải cách thể chế", "Cải cách TTHC",
            "Tác động của CCHC", "Chỉ số CCHC 2023 (%)", "Xếp hạng"]
    rows, warnings = _facts({"rows": [head, ["1", "Nghệ An", "12,40", "9,75", "12,05", "19,90", "88,31", "7"]],
                             "header_rows": 1, "caption": None}, ctx, heading=ctx.title)
    assert warnings == []
    assert [(r["indicator"], r["component"], r["value"], r["unit"]) for r in rows] == [
        ("par_component", "cong_tac_chi_dao", 12.4, "points"), ("par_component", "cai_cach_the_che", 9.75, "points"),
        ("par_component", "cai_cach_tthc", 12.05, "points"), ("par_component", "tac_dong", 19.9, "points"),
        ("par_index", None, 88.31, "percent"), ("par_rank", None, 7.0, "rank")]
    assert {r["province_code"] for r in rows} == {"40"}


def test_order_column_is_no_rank_and_no_unknown_label():
    ctx = FactContext(doc_id="t2", title="Công bố Chỉ số cải cách hành chính năm 2023 của các sở, ban, ngành",
                      published_date=dt.date(2024, 2, 1), province_code="83", agency=None, level="province",
                      method="table")
    rows, warnings = facts_from_table(table([["Thứ tự", "Sở, ban, ngành", "Điểm", "Hạng"],
                                             ["1", "Sở Tư pháp", "85,3", "2"], ["2", "Sở Nội vụ", "86,9", "1"]]), ctx)
    assert short(rows) == [("department", "Sở Tư pháp", "83", "par_index", "2023", 85.3, "points"),
                           ("department", "Sở Tư pháp", "83", "par_rank", "2023", 2.0, "rank"),
                           ("department", "Sở Nội vụ", "83", "par_index", "2023", 86.9, "points"),
                           ("department", "Sở Nội vụ", "83", "par_rank", "2023", 1.0, "rank")]
    assert warnings == []
