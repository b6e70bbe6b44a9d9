"""Gazetteer: the 63 -> 34 crosswalk, province and agency spellings, mentions in text, hosts."""
from __future__ import annotations

import ast
import csv
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from transforms.gazetteer import DATA_DIR, Gazetteer

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
WORLD_BUILD = SHARED / "world" / "build.py"
WORLD_CONTENT = SHARED / "world" / "content.py"


@pytest.fixture(scope="module")
def g() -> Gazetteer:
    return Gazetteer.default()


def _world_constant(path: Path, name: str):
    """A literal assigned at module level in a world file, read as text (never imported)."""
    if not path.exists():
        pytest.skip(f"{path} not available")
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{name} not found in {path}")


# --- crosswalk -----------------------------------------------------------------
def test_crosswalk_is_complete(g):
    assert len(g.provinces) == 63
    codes = [p.code for p in g.provinces]
    assert len(set(codes)) == 63
    assert all(len(c) == 2 and c.isdigit() for c in codes)
    new_units = {(p.code_2025, p.name_2025, p.kind_2025) for p in g.provinces}
    assert len(new_units) == 34
    assert len({c for c, _, _ in new_units}) == 34 and len({n for _, n, _ in new_units}) == 34
    assert sum(1 for _, _, k in new_units if k == "thành phố") == 6
    merged = Counter(p.code_2025 for p in g.provinces)
    assert sum(1 for n in merged.values() if n == 1) == 11
    assert merged["79"] == 3 and merged["37"] == 3 and merged["92"] == 3 and merged["52"] == 2


@pytest.mark.parametrize("old, new_code, new_name", [
    ("52", "52", "Gia Lai"), ("64", "52", "Gia Lai"), ("02", "08", "Tuyên Quang"), ("79", "79", "Hồ Chí Minh"),
    ("74", "79", "Hồ Chí Minh"), ("77", "79", "Hồ Chí Minh"), ("72", "80", "Tây Ninh"), ("80", "80", "Tây Ninh"),
    ("10", "15", "Lào Cai"), ("15", "15", "Lào Cai"), ("24", "24", "Bắc Ninh"), ("44", "44", "Quảng Trị"),
    ("46", "46", "Huế"), ("82", "82", "Đồng Tháp"), ("87", "82", "Đồng Tháp"), ("91", "91", "An Giang"),
    ("89", "91", "An Giang"), ("62", "51", "Quảng Ngãi"), ("17", "25", "Phú Thọ"), ("54", "66", "Đắk Lắk"),
    ("67", "68", "Lâm Đồng"), ("95", "96", "Cà Mau"), ("84", "86", "Vĩnh Long"), ("30", "31", "Hải Phòng"),
])
def test_successors(g, old, new_code, new_name):
    p = g.province(old)
    assert (p.code_2025, p.name_2025) == (new_code, new_name)


def test_province_record(g):
    p = g.province("52")
    assert (p.name, p.kind, p.full_name) == ("Bình Định", "tỉnh", "tỉnh Bình Định")
    assert g.province("31").full_name == "thành phố Hải Phòng"
    assert g.province("46").full_name_2025 == "thành phố Huế"
    assert g.province(1).name == "Hà Nội"
    assert g.province("03") is None


def test_data_is_nfc():
    for name in ("provinces.csv", "agencies.csv"):
        text = (DATA_DIR / name).read_text(encoding="utf-8")
        assert unicodedata.normalize("NFC", text) == text


# --- province names ------------------------------------------------------------
@pytest.mark.parametrize("name, code", [
    ("TP. Hồ Chí Minh", "79"), ("TP.HCM", "79"), ("TPHCM", "79"), ("Thành phố Hồ Chí Minh", "79"),
    ("Hồ Chí Minh", "79"), ("Sài Gòn", "79"), ("Thừa Thiên - Huế", "46"), ("Thừa Thiên Huế", "46"), ("Huế", "46"),
    ("tỉnh Bình Định", "52"), ("BINH DINH", "52"), ("Hoà Bình", "17"), ("Hòa Bình", "17"), ("Thanh Hoá", "38"),
    ("Khánh Hoà", "56"), ("Bà Rịa – Vũng Tàu", "77"), ("Bà Rịa-Vũng Tàu", "77"), ("Đắk Lắk", "66"),
    ("Đăk Lăk", "66"), ("Dak Lak", "66"), ("Đăk Nông", "67"), ("Kontum", "62"), ("Kon Tum", "62"),
    ("TP, Cần Thơ", "92"), ("UBND tỉnh Tây Ninh", "72"), ("Bắc Cạn", "06"), ("hochiminhcity", "79"),
])
def test_find_province(g, name, code):
    assert g.find_province(name).code == code


@pytest.mark.parametrize("name", ["", "tỉnh", "Việt Nam", "Quy Nhơn", "Bình", "Hà"])
def test_find_province_unknown(g, name):
    assert g.find_province(name) is None


def test_world_province_names_resolve(g):
    names = _world_constant(WORLD_BUILD, "ALL_PROVINCES")
    codes = _world_constant(WORLD_BUILD, "CODES")
    spelling = _world_constant(WORLD_BUILD, "TABLE_SPELLING")
    for name, code in zip(names, codes, strict=True):
        assert g.find_province(name).code == code, name
        assert g.find_province(spelling.get(name, name)).code == code, spelling.get(name, name)


# --- provinces in text ---------------------------------------------------------
def _mentions(g, text):
    return [(p.code, text[a:b]) for p, a, b in g.provinces_in(text)]


def test_provinces_in_spans(g):
    text = "UBND tỉnh Bình Định làm việc với TP. Hồ Chí Minh, Thừa Thiên - Huế và Bà Rịa – Vũng Tàu."
    assert _mentions(g, text) == [("52", "tỉnh Bình Định"), ("79", "TP. Hồ Chí Minh"),
                                  ("46", "Thừa Thiên - Huế"), ("77", "Bà Rịa – Vũng Tàu")]
    p, a, b = g.provinces_in(text)[0]
    assert (a, b) == (5, 19)


def test_provinces_in_longest_and_alone(g):
    assert _mentions(g, "Đoàn công tác tỉnh Thừa Thiên Huế.") == [("46", "tỉnh Thừa Thiên Huế")]
    assert _mentions(g, "Du khách đến Huế và Đắk Lắk.") == [("46", "Huế"), ("66", "Đắk Lắk")]


def test_provinces_in_negative(g):
    assert _mentions(g, "Người dân mong muốn hòa bình và ổn định.") == []
    assert _mentions(g, "Hòa bình là khát vọng chung.") == []
    assert _mentions(g, "Ủy ban nhân dân xã Hòa Bình, huyện Chợ Gạo.") == []
    assert _mentions(g, "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh.") == []
    assert _mentions(g, "Đoàn TNCS Hồ Chí Minh tỉnh Bình Định.") == [("52", "tỉnh Bình Định")]
    assert _mentions(g, "Ông Hồ Chí Minh") == [("79", "Hồ Chí Minh")]  # a bare capitalised name counts
    assert _mentions(g, "Bờ biển Thái Bình Dương.") == []
    assert _mentions(g, "Bà Nguyễn Thị Huế, phố Huế, Hà Nội.") == [("01", "Hà Nội")]


def test_provinces_in_lowercase_after_unit_and_decomposed(g):
    assert _mentions(g, "về tỉnh hòa bình") == [("17", "tỉnh hòa bình")]
    nfd = unicodedata.normalize("NFD", "Sở Xây dựng tỉnh Bình Định.")
    hits = g.provinces_in(nfd)
    assert [(p.code, unicodedata.normalize("NFC", nfd[a:b])) for p, a, b in hits] == [("52", "tỉnh Bình Định")]


def test_provinces_in_needs_same_line(g):
    assert _mentions(g, "Bà Rịa\nVũng Tàu") == []


# --- hosts ---------------------------------------------------------------------
@pytest.mark.parametrize("host, code", [
    ("sxd.binhdinh.gov.vn", "52"), ("hocmon.hochiminhcity.gov.vn", "79"), ("www.tayninh.gov.vn", "72"),
    ("baohagiang.vn", "02"), ("haiphong.gov.vn", "31"), ("thuathienhue.gov.vn", "46"),
    ("tphcm.gov.vn", "79"), ("baria-vungtau.gov.vn", "77"), ("SXD.BINHDINH.GOV.VN:443", "52"),
    ("https://sonoivu.binhdinh.gov.vn/news/cchc/", "52"), ("baolongan.vn", "80"),
])
def test_province_from_host(g, host, code):
    assert g.province_from_host(host).code == code


@pytest.mark.parametrize("host", ["caicachhanhchinh.gov.vn", "vnexpress.net", "hanoi.binhdinh.gov.vn", ""])
def test_province_from_host_none(g, host):
    assert g.province_from_host(host) is None


# --- agencies ------------------------------------------------------------------
@pytest.mark.parametrize("name, canonical", [
    ("Sở Xây dựng", "Sở Xây dựng"), ("Sở Xây Dựng", "Sở Xây dựng"), ("SỞ XÂY DỰNG", "Sở Xây dựng"),
    ("SXD", "Sở Xây dựng"), ("Sở KH&ĐT", "Sở Kế hoạch và Đầu tư"), ("Sở KHĐT", "Sở Kế hoạch và Đầu tư"),
    ("Sở KH và ĐT", "Sở Kế hoạch và Đầu tư"), ("SKHĐT", "Sở Kế hoạch và Đầu tư"),
    ("Sở LĐ-TB&XH", "Sở Lao động - Thương binh và Xã hội"), ("Sở LĐTBXH", "Sở Lao động - Thương binh và Xã hội"),
    ("Sở Lao động, Thương binh và Xã hội", "Sở Lao động - Thương binh và Xã hội"),
    ("Sở TT&TT", "Sở Thông tin và Truyền thông"), ("Sở TTTT", "Sở Thông tin và Truyền thông"),
    ("Sở GD&ĐT", "Sở Giáo dục và Đào tạo"), ("Sở GDĐT", "Sở Giáo dục và Đào tạo"),
    ("Sở TN&MT", "Sở Tài nguyên và Môi trường"), ("Sở TNMT", "Sở Tài nguyên và Môi trường"),
    ("Sở NN&PTNT", "Sở Nông nghiệp và Phát triển nông thôn"), ("Sở GTVT", "Sở Giao thông vận tải"),
    ("Sở VHTTDL", "Sở Văn hóa, Thể thao và Du lịch"), ("Sở Văn hoá, Thể thao và Du lịch", "Sở Văn hóa, Thể thao và Du lịch"),
    ("Sở KH&CN", "Sở Khoa học và Công nghệ"), ("Sở KHCN", "Sở Khoa học và Công nghệ"), ("STP", "Sở Tư pháp"),
    ("SNV", "Sở Nội vụ"), ("STC", "Sở Tài chính"), ("SYT", "Sở Y tế"), ("Thanh tra tỉnh", "Thanh tra tỉnh"),
    ("Thanh tra tỉnh Bình Định", "Thanh tra tỉnh"), ("Sở Xây dựng tỉnh Bình Định", "Sở Xây dựng"),
    ("Văn phòng Ủy ban nhân dân tỉnh", "Văn phòng UBND tỉnh"), ("Sở Công thương", "Sở Công Thương"),
])
def test_find_agency(g, name, canonical):
    assert g.find_agency(name) == canonical


@pytest.mark.parametrize("name", ["Sở", "các sở, ban, ngành", "Sở ban ngành", "UBND tỉnh", "Bộ Xây dựng",
                                  "Sở Xây dựng Việt Nam", ""])
def test_find_agency_unknown(g, name):
    assert g.find_agency(name) is None


def test_agencies_in(g):
    text = ("Kế hoạch số 15/KH-SXD của Sở Xây dựng; Sở LĐ-TB&XH và Sở GD&ĐT phối hợp với Thanh tra tỉnh "
            "và các sở, ban, ngành; các sở xây dựng.")
    hits = [(c, text[a:b]) for c, a, b in g.agencies_in(text)]
    assert hits == [("Sở Xây dựng", "SXD"), ("Sở Xây dựng", "Sở Xây dựng"),
                    ("Sở Lao động - Thương binh và Xã hội", "Sở LĐ-TB&XH"), ("Sở Giáo dục và Đào tạo", "Sở GD&ĐT"),
                    ("Thanh tra tỉnh", "Thanh tra tỉnh")]
    assert g.agencies_in(text)[0][1:] == (18, 21)


def test_agencies_in_longest_and_codes_upper(g):
    text = "Sở Văn hóa, Thể thao và Du lịch và Sở Văn hóa và Thể thao; mã stp viết thường."
    assert [c for c, _, _ in g.agencies_in(text)] == ["Sở Văn hóa, Thể thao và Du lịch", "Sở Văn hóa và Thể thao"]


def test_agency_2025_and_abbreviation(g):
    assert g.agency_2025("Sở Kế hoạch và Đầu tư") == "Sở Tài chính"
    assert g.agency_2025("Sở Giao thông vận tải") == "Sở Xây dựng"
    assert g.agency_2025("Sở Tài nguyên và Môi trường") == "Sở Nông nghiệp và Môi trường"
    assert g.agency_2025("Sở Nông nghiệp và Phát triển nông thôn") == "Sở Nông nghiệp và Môi trường"
    assert g.agency_2025("Sở Thông tin và Truyền thông") == "Sở Khoa học và Công nghệ"
    assert g.agency_2025("Sở Lao động - Thương binh và Xã hội") == "Sở Nội vụ"
    assert g.agency_2025("Ban Dân tộc") == "Sở Dân tộc và Tôn giáo"
    assert g.agency_2025("Sở Xây dựng") == "Sở Xây dựng"
    assert g.agency_2025("Sở Không Có") is None
    assert g.agency_abbreviation("Sở Kế hoạch và Đầu tư") == "SKHĐT"
    assert g.agency_abbreviation("Thanh tra tỉnh") == "TTr"
    assert g.agency_abbreviation("Sở Không Có") is None


def test_agency_table_consistent():
    with open(DATA_DIR / "agencies.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    canon = {r["canonical"] for r in rows}
    assert len(canon) == len(rows)
    for r in rows:
        assert r["successor_2025"] in canon, r["canonical"]
        merged = r["successor_2025"] != r["canonical"]
        assert (r["valid_until"] == "2025-02-28") == merged, r["canonical"]


def test_world_agency_names_are_canonical(g):
    agencies = _world_constant(WORLD_CONTENT, "AGENCIES")
    for name, abbr in agencies.items():
        assert g.find_agency(name) == name
        assert g.agency_abbreviation(name) == abbr


@pytest.mark.parametrize("name, canonical", [
    ("Công an tỉnh Nam Định", "Công an tỉnh"), ("BHXH tỉnh", "Bảo hiểm xã hội tỉnh"),
    ("Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân tỉnh", "Văn phòng Đoàn ĐBQH và HĐND tỉnh"),
    ("Đài PT-TH tỉnh", "Đài Phát thanh và Truyền hình tỉnh"), ("BQL KCNC", "Ban Quản lý Khu công nghệ cao"),
])
def test_find_provincial_units_that_are_not_a_so(g, name, canonical):
    assert g.find_agency(name) == canonical


def test_ministries(g):
    text = "Bộ Tư pháp dẫn đầu; Bộ KH&ĐT và Ngân hàng Nhà nước Việt Nam theo sau; bộ y tế viết thường; Sở Tư pháp."
    assert [(c, text[a:b]) for c, a, b in g.ministries_in(text)] == [
        ("Bộ Tư pháp", "Bộ Tư pháp"), ("Bộ Kế hoạch và Đầu tư", "Bộ KH&ĐT"),
        ("Ngân hàng Nhà nước Việt Nam", "Ngân hàng Nhà nước Việt Nam")]
    assert g.find_ministry("Bộ LĐ-TB&XH") == "Bộ Lao động - Thương binh và Xã hội"
    assert g.find_ministry("Sở Tư pháp") is None and g.find_agency("Bộ Tư pháp") is None
