"""A page record becomes a documents row: exact fields on invented records."""
import datetime as dt

from transforms.documents import ParentInfo, SiteInfo, build_document
from transforms.gazetteer import Gazetteer

GAZ = Gazetteer.default()
DEPT = SiteInfo(id="stp-qn", level="department", province="51", agency="Sở Tư pháp", district=None)
PROV = SiteInfo(id="portal-na", level="province", province="40", agency=None, district=None)
NATIONAL = SiteInfo(id="nat", level="national", province=None, agency=None, district=None)


def rec(**kw):
    base = {"url": "https://stp.example/tin/bai-1.html?utm_source=zalo#top", "kind": "article", "title": "Tiêu đề",
            "date_text": "Thứ hai - 15/01/2024 08:30", "author": " Nguyễn  Văn A ", "summary": None,
            "paragraphs": ["Sở rà soát 12 thủ tục hành chính.", "Bộ phận một cửa vận hành tốt."], "tables": []}
    base.update(kw)
    return base


def test_department_page_takes_registry_province_and_agency():
    row, warnings = build_document(rec(title="Sở Tư pháp rà soát thủ tục hành chính"), DEPT, GAZ)
    assert warnings == []
    assert row["url"] == "https://stp.example/tin/bai-1.html"
    assert row["published_date"] == dt.date(2024, 1, 15)
    assert row["published_at"] == dt.datetime(2024, 1, 15, 8, 30)
    assert row["author"] == "Nguyễn Văn A"
    assert row["body"] == "Sở rà soát 12 thủ tục hành chính.\nBộ phận một cửa vận hành tốt."
    assert (row["province_code"], row["province_name"], row["province_code_2025"]) == ("51", "Quảng Ngãi", "51")
    assert row["agency"] == "Sở Tư pháp"
    assert row["reform_related"] is True
    assert row["doc_type"] == "news"


def test_story_about_another_province_belongs_to_it():
    row, _ = build_document(rec(title="Bình Định: Sở Y tế nâng cao chất lượng giải quyết thủ tục hành chính"), PROV, GAZ)
    assert (row["province_code"], row["province_code_2025"], row["province_name_2025"]) == ("52", "52", "Gia Lai")
    assert row["agency"] == "Sở Y tế"


def test_national_page_without_a_province_and_missing_date_is_reported():
    row, warnings = build_document(rec(title="Kết quả Chỉ số SIPAS của các tỉnh", date_text="", kind="table"), NATIONAL, GAZ)
    assert row["province_code"] is None and row["agency"] is None and row["doc_type"] == "ranking"
    assert warnings == []
    _, warnings = build_document(rec(date_text="không rõ"), DEPT, GAZ)
    assert warnings == ["no date in 'không rõ'"]


def test_attachment_inherits_from_its_page():
    parent = ParentInfo(doc_id="p1", title="Công bố Chỉ số CCHC năm 2023", published_date=dt.date(2024, 3, 2),
                        province_code="51", agency="Sở Nội vụ", doc_type="ranking", reform_related=True)
    att = {"url": "https://snv.example/files/ket-qua.xlsx", "kind": "attachment", "title": None,
           "media_type": "application/octet-stream", "paragraphs": [],
           "tables": [{"rows": [["STT", "Đơn vị", "Điểm"], ["1", "Sở Y tế", "90,1"]], "header_rows": 1, "caption": None}]}
    row, _ = build_document(att, DEPT, GAZ, parent)
    assert row["title"] == "ket-qua.xlsx"
    assert row["published_date"] == dt.date(2024, 3, 2)
    assert row["media_type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert row["body"] == "STT | Đơn vị | Điểm\n1 | Sở Y tế | 90,1"
    assert (row["province_code"], row["agency"], row["doc_type"], row["parent_doc_id"]) == ("51", "Sở Nội vụ", "ranking", "p1")


def _province(title: str, site=DEPT, lead: str = "") -> str | None:
    paragraphs = [lead] if lead else ["Nội dung."]
    return build_document(rec(title=title, paragraphs=paragraphs), site, GAZ)[0]["province_code"]


def test_a_clear_mention_of_another_province_overrides_the_registry():
    assert _province("Tỉnh Bình Định công bố chỉ số cải cách hành chính") == "52"
    assert _province("Đoàn công tác làm việc tại tỉnh Bình Định") == "52"
    assert _province("Thành phố Đà Nẵng dẫn đầu chỉ số SIPAS") == "48"
    assert _province("Bình Định dẫn đầu chỉ số SIPAS") == "52"  # the province as the title's actor


def test_places_named_like_a_province_do_not_count():
    assert _province("Nạo vét sông Bình Định trước mùa lũ") == "51"
    assert _province("Sửa chữa đường Quảng Trị đoạn qua trung tâm") == "51"
    assert _province("Phường Bình Định ra mắt bộ phận một cửa") == "51"
    assert _province("Xã Hòa Bình số hóa hồ sơ thủ tục hành chính") == "51"
    assert _province("Khánh thành cầu Bình Định mới") == "51"
    assert _province("Giải bóng chuyền Cúp Bình Định lần thứ nhất") == "51"  # named, but not as the actor
    assert _province("Nạo vét sông Bình Định", site=NATIONAL, lead="Công trình trên sông Bình Định.") is None


def test_a_national_page_takes_the_one_province_its_title_names():
    assert _province("Đoàn công tác làm việc với Bình Định về cải cách hành chính", site=NATIONAL) == "52"
