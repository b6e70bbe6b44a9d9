"""Document type and reform flag from invented titles and bodies."""
import pytest

from transforms.classify import doc_type, is_reform_related

RANK_TABLE = {"rows": [["STT", "Cơ quan, đơn vị", "Điểm", "Xếp hạng"], ["1", "Sở Y tế", "90,1", "1"],
                       ["2", "Sở Tư pháp", "88,2", "2"], ["3", "Sở Nội vụ", "87,0", "3"]], "header_rows": 1}


@pytest.mark.parametrize("title,kind,tables,expected", [
    ("Kế hoạch cải thiện Chỉ số SIPAS năm 2024 của tỉnh", "article", [], "plan"),
    ("Sở Y tế ban hành Kế hoạch cải cách hành chính năm 2024", "article", [], "plan"),
    ("Công bố Chỉ số cải cách hành chính năm 2023 của các sở, ban, ngành", "article", [], "ranking"),
    ("Kết quả xếp hạng các đơn vị năm 2023", "article", [], "ranking"),
    ("Kết quả giải quyết thủ tục hành chính năm 2023 tại Sở Y tế", "article", [], "news"),
    ("Tin vắn", "article", [RANK_TABLE], "ranking"),
    ("Sở Tư pháp đạt 88,20 điểm Chỉ số cải cách hành chính năm 2023", "article", [], "news"),
    ("Thống kê hồ sơ tháng 5/2024", "article", [], "statistics"),
    ("Tháng 5/2024", "stats", [], "statistics"),
    ("Chỉ số PAR INDEX 2023", "table", [], "ranking"),
])
def test_doc_type(title, kind, tables, expected):
    assert doc_type(kind, title, tables) == expected


def test_reform_related_from_title_or_repeated_body_mentions():
    assert is_reform_related("SIPAS năm 2023 của tỉnh đạt 85,10%", [])
    assert is_reform_related("Tin hoạt động", ["Sở rà soát thủ tục hành chính.", "Bộ phận một cửa hoạt động tốt."])
    assert not is_reform_related("Giải bóng chuyền truyền thống năm 2024", ["Giải đấu có 12 đội tham gia.",
                                                                          "Thủ tục đăng ký thi đấu đơn giản."])
    assert not is_reform_related("Tin hoạt động", ["Một lần nhắc tới cải cách hành chính."])


def test_dossier_statistics_count_as_reform_even_without_the_words_in_the_title():
    assert is_reform_related("Sở Y tế trả kết quả cấp phép đúng hạn", [
        "Năm 2024, Sở tiếp nhận 1.204 hồ sơ thủ tục cấp phép, trong đó 900 hồ sơ nộp trực tuyến."])


@pytest.mark.parametrize("title,opening,expected", [
    # The text opens by stating that a plan was issued: the document announces the plan.
    ("Huyện triển khai nhiệm vụ cải cách hành chính năm 2024",
     ["Ngày 06/02/2024, UBND huyện ban hành Kế hoạch số 21/KH-UBND về cải cách hành chính năm 2024."], "plan"),
    ("Sở triển khai nhiệm vụ kiểm soát thủ tục hành chính",
     ["Sở xác định rà soát thủ tục là nhiệm vụ trọng tâm.", "Ngày 12/01/2024, Giám đốc Sở ký ban hành "
      "Chương trình số 08/CTr-SNV về kiểm soát thủ tục hành chính."], "plan"),
    # A meeting that names a plan carried out, or a plan issued further down the text, is news.
    ("Hội nghị triển khai công tác năm 2024",
     ["Ngày 30/01/2024, Sở tổ chức hội nghị triển khai nhiệm vụ năm 2024.", "Hội nghị đánh giá kết quả năm 2023.",
      "Thời gian tới, Sở sẽ ban hành Kế hoạch số 30/KH-SNV."], "news"),
    ("Sở tổ chức tập huấn nghiệp vụ",
     ["Thực hiện Kế hoạch số 35/KH-UBND ngày 10/3/2024 của UBND tỉnh, Sở tổ chức lớp tập huấn."], "news"),
    # A report on results that narrates the plan issued at the start of the year is news.
    ("Sở nâng cao chất lượng giải quyết thủ tục hành chính",
     ["Năm 2023, Sở đã hoàn thành các nhiệm vụ cải cách hành chính.", "Ngay sau khi UBND tỉnh ban hành các kế "
      "hoạch, Sở đã ban hành Kế hoạch số 17/KH-SXD về cải cách hành chính."], "news"),
])
def test_doc_type_from_the_opening_of_the_text(title, opening, expected):
    assert doc_type("article", title, [], opening) == expected
