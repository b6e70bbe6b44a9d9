"""`cchc extract FILE ...`: one JSON object per file, in order; unreadable files reported, the others go on."""
import gzip
import json

from flows.cli import main
from tests.conftest import run_cchc

PAGE = """<!doctype html><html><head><meta charset="utf-8">
<title>Tỉnh rút ngắn thời gian giải quyết thủ tục - Cổng thông tin</title></head>
<body><div class="top"><a href="/">Trang chủ</a> <a href="/tin">Tin tức</a></div>
<div class="khung">
<h1>Tỉnh rút ngắn thời gian giải quyết thủ tục</h1>
<div class="dong">Thứ năm, 28/4/2022 - 12:00</div>
<p>Năm nay, các sở và ngành đã rút ngắn thời gian giải quyết hồ sơ cho người dân và doanh nghiệp trên toàn tỉnh.</p>
<p>Tỷ lệ hồ sơ đúng hạn đạt cao hơn năm trước, theo báo cáo của văn phòng ủy ban nhân dân tỉnh gửi các đơn vị.</p>
<p>Các đơn vị tiếp tục số hóa hồ sơ và kết quả giải quyết thủ tục hành chính trong những tháng cuối năm.</p>
<p><b>Minh An</b></p>
</div>
<div class="cuoi">Bản quyền thuộc về cổng thông tin</div></body></html>"""

BODY = [
    "Năm nay, các sở và ngành đã rút ngắn thời gian giải quyết hồ sơ cho người dân và doanh nghiệp trên toàn tỉnh.",
    "Tỷ lệ hồ sơ đúng hạn đạt cao hơn năm trước, theo báo cáo của văn phòng ủy ban nhân dân tỉnh gửi các đơn vị.",
    "Các đơn vị tiếp tục số hóa hồ sơ và kết quả giải quyết thủ tục hành chính trong những tháng cuối năm.",
]


def _lines(capsys) -> list[dict]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_one_object_per_file_in_order_gzip_read_and_missing_file_reported(tmp_path, capsys):
    plain = tmp_path / "a.html"
    plain.write_text(PAGE, encoding="utf-8")
    packed = tmp_path / "b.html.gz"
    packed.write_bytes(gzip.compress(PAGE.encode("utf-8")))
    missing = tmp_path / "none.html"
    assert main(["extract", str(plain), str(missing), str(packed)]) == 1
    first, gone, last = _lines(capsys)
    assert first == {
        "source": str(plain), "title": "Tỉnh rút ngắn thời gian giải quyết thủ tục", "published": "2022-04-28T12:00",
        "author": "Minh An", "body": BODY, "extraction": "generic", "family": None,
        "date_text": "Thứ năm, 28/4/2022 - 12:00",
    }
    assert gone == {"source": str(missing), "error": "no such file"}
    assert last == {**first, "source": str(packed)}


def test_a_named_family_whose_selectors_find_nothing_falls_back_to_generic(tmp_path, capsys):
    page = tmp_path / "a.html"
    page.write_text(PAGE, encoding="utf-8")
    assert main(["extract", str(page), "--cms", "nukeviet", "--url", "https://so.example.vn/tin/a.html"]) == 0
    (got,) = _lines(capsys)
    assert (got["extraction"], got["family"], got["body"]) == ("generic", "nukeviet", BODY)


def test_user_mistakes_are_one_line_without_traceback(tmp_path):
    p = run_cchc("extract", "a.html", "b.html", "--url", "https://x.example.vn/")
    assert p.returncode == 2 and p.stdout == ""
    assert p.stderr.strip() == "cchc extract: --url names one page's address: give it with one FILE only"
    p = run_cchc("extract", "a.html", "--cms", "joomla")
    assert p.returncode == 2 and "Traceback" not in p.stderr
    assert p.stderr.startswith("cchc extract: unknown family 'joomla' (known: nukeviet, ")
    bad = tmp_path / "bad.html.gz"
    bad.write_bytes(b"\x1f\x8b\x08\x00broken")
    p = run_cchc("extract", str(bad))
    assert p.returncode == 1 and "Traceback" not in p.stderr
    assert json.loads(p.stdout)["source"] == str(bad) and json.loads(p.stdout)["error"].startswith("cannot read: ")
