"""Headless Chromium against `cchc serve`: the ranking canned query and a search without diacritics.

Keeps a screenshot at tests/artifacts/serve-ranking.png. Skips when no Chromium is installed
(CI installs it: apt-get install -y chromium).
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.release_fixture import make_release, serving

CHROMIUM = next((p for p in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser"))
                 if p and Path(p).exists()), None)
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary (apt-get install -y chromium)")


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={tmp_path / 'chromium-profile'}", *args]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    return r


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    lake = tmp_path_factory.mktemp("lake")
    make_release(lake)
    with serving(lake) as url:
        yield url


def _cells(dom: str, column: str) -> list[str]:
    """Text of the rendered table cells of one column (Datasette marks them class="col-<name>")."""
    cells = re.findall(rf'<td class="col-{column}(?: [^"]*)?"[^>]*>(.*?)</td>', dom, re.S)
    return [re.sub(r"<[^>]+>", "", c).strip() for c in cells]


def test_ranking_page(base, tmp_path):
    url = base + "/cchc/national_par_index_ranking?year=2023"
    dom = chromium(tmp_path, "--dump-dom", url).stdout
    assert "National PAR INDEX ranking by year, with rank change" in dom
    assert _cells(dom, "province") == ["Tỉnh Hòa Sơn", "Tỉnh Đồng Khê", "Tỉnh Bắc Thủy"]
    assert _cells(dom, "rank_change") == ["1", "-1", "0"]
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "serve-ranking.png"
    shot.unlink(missing_ok=True)
    chromium(tmp_path, "--window-size=1280,900", f"--screenshot={shot}", url)
    assert shot.stat().st_size > 10_000 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_search_page_without_diacritics(base, tmp_path):
    dom = chromium(tmp_path, "--dump-dom", base + "/cchc/documents?_search=danh+gia").stdout
    assert _cells(dom, "title") == ["Đánh giá kết quả cải cách hành chính năm 2023"]
    links = re.findall(r'<td class="col-url(?: [^"]*)?"[^>]*>\s*<a href="([^"]+)"[^>]*>([^<]*)</a>', dom)
    # url column rendered as a short link by the render_cell plugin of flows/serve.py
    assert links == [("https://portal.example.vn/tin-tuc/bai-1.html", "portal.example.vn/tin-tuc/bai-1.html")]


def _shot(tmp_path: Path, url: str, name: str, height: int = 900) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / name
    shot.unlink(missing_ok=True)
    chromium(tmp_path, f"--window-size=1280,{height}", f"--screenshot={shot}", url)
    assert shot.stat().st_size > 10_000 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    return shot


def test_rankings_table_opens_on_the_rows(base, tmp_path):
    url = base + "/cchc/rankings?indicator=par_index&scope=national&_sort_desc=period"
    dom = chromium(tmp_path, "--dump-dom", url).stdout
    assert 'class="column-descriptions"' not in dom  # column meanings are folded into <details>
    assert "<summary>Columns (what each one means)</summary>" in dom
    assert _cells(dom, "unit") == ["percent"] * 6
    assert _cells(dom, "indicator")[0] == ("Chỉ số cải cách hành chính (PAR INDEX)Public administration reform "
                                           "index (PAR INDEX) · par_index")
    _shot(tmp_path, url, "serve-rankings-table.png")


def test_search_results_are_highlighted_snippets(base, tmp_path):
    dom = chromium(tmp_path, "--dump-dom", base + "/cchc/documents?_search=cai+cach&_sort=title").stdout
    titles = re.findall(r'<td class="col-title(?: [^"]*)?"[^>]*>(.*?)</td>', dom, re.S)
    assert [t.strip() for t in titles] == [
        "Kế hoạch <mark>cải</mark> <mark>cách</mark> hành chính năm 2024 của Sở Nội vụ",
        "Đánh giá kết quả <mark>cải</mark> <mark>cách</mark> hành chính năm 2023"]
    bodies = re.findall(r'<td class="col-body(?: [^"]*)?"[^>]*>(.*?)</td>', dom, re.S)
    assert [b.strip() for b in bodies] == [
        "Thực hiện Kế hoạch số 15/KH-UBND và Nghị định số 61/2018/NĐ-CP về một cửa.",
        "Tỉnh Hòa Sơn đạt 89,5 điểm Chỉ số <mark>cải</mark> <mark>cách</mark> hành chính, xếp thứ 1.\nKế hoạch số "
        "15/KH-UBND được triển khai."]


def test_report_in_chromium_labels_are_not_clipped(tmp_path):
    from flows.report import write_report
    from flows.report_charts import bar_chart, change_chart

    lake = tmp_path / "lake"
    make_release(lake)
    report = write_report(lake, tmp_path / "report")
    _shot(tmp_path, report.as_uri(), "report.png", height=1400)
    # The longest names a province publishes for its units, drawn by the report's chart template; a script in
    # the page records every text that reaches outside the drawing (clipped).
    from jinja2 import Environment, FileSystemLoader

    from flows.report import TEMPLATES
    names = ["Ban Quản lý các khu công nghiệp và khu kinh tế tỉnh", "Sở Lao động - Thương binh và Xã hội",
             "Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân tỉnh", "Sở Tư pháp"]
    title = "Public administration reform index (PAR INDEX), 2023 (phần trăm / percent (0-100))"
    macros = Environment(loader=FileSystemLoader(TEMPLATES)).get_template("charts.html.j2").module
    charts = [macros.bars(bar_chart([{"label": n, "value": 90.0 - i} for i, n in enumerate(names)], title,
                                     "Sở, ngành / Department")),
              macros.bars(bar_chart([{"label": "Sở Tư pháp", "value": 91.0}], title, "Sở, ngành / Department")),
              macros.changes(change_chart([(n, 3 - 2 * i) for i, n in enumerate(names)], "Thay đổi thứ hạng so "
                                          "với kỳ trước / Rank change since the previous period (places, + = up)",
                                          "Sở, ngành / Department"))]
    page = tmp_path / "labels.html"
    page.write_text("<!DOCTYPE html><html><head><meta charset='utf-8'><style>svg.chart text{font-size:11px;"
                    "font-family:system-ui,sans-serif}</style></head><body>" + "".join(map(str, charts)) +
                    "<script>const bad=[...document.querySelectorAll('svg text')].filter(t=>{"
                    "const box=t.closest('svg').getBoundingClientRect(),r=t.getBoundingClientRect();"
                    "return r.left<box.left-0.5||r.right>box.right+0.5||r.top<box.top-0.5||r.bottom>box.bottom+0.5})"
                    ".map(t=>t.textContent);document.body.setAttribute('data-clipped',JSON.stringify(bad));"
                    "</script></body></html>", encoding="utf-8")
    dom = chromium(tmp_path, "--dump-dom", page.as_uri()).stdout
    assert 'data-clipped="[]"' in dom, dom[-800:]
