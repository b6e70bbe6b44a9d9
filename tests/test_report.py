"""`cchc report`: one offline HTML file a journalist can trust: labelled charts with units, periods and linked
sources, readable indicator names, rankings with unit and evidence, freshness from `sources`."""
from __future__ import annotations

import re
import subprocess

import pytest

from flows.report import write_report
from flows.report_charts import CHAR_PX, bar_chart, change_chart, label_width, nice_ticks
from tests.release_fixture import CCHC, make_release

SOURCE = '<a href="https://portal.example.vn/tin-tuc/bai-1.html">Đánh giá kết quả cải cách hành chính năm 2023</a>'


@pytest.fixture(scope="module")
def html(tmp_path_factory):
    lake = tmp_path_factory.mktemp("lake")
    make_release(lake)
    return write_report(lake, tmp_path_factory.mktemp("out")).read_text(encoding="utf-8")


def test_offline(html):
    assert not re.search(r"<script[^>]+src=[\"']?(https?:)?//", html, re.I)
    assert not re.search(r"<link[^>]+href=[\"']?(https?:)?//", html, re.I)
    assert "@import" not in html


def test_charts(html):
    assert html.count('<svg class="chart bar-chart"') == 6  # PAR and SIPAS x 2 years, departments x 2 years
    assert html.count('<svg class="chart change-chart"') == 2  # the second year of PAR and SIPAS
    assert html.count('<svg class="chart line-chart"') == 1
    assert html.count("<polyline") == 2  # two agencies
    assert "<title>Tỉnh Hòa Sơn: 89.50 · Tỉnh Hòa Sơn | 89.5</title>" in html  # value and the evidence it came from


def test_every_chart_has_axis_titles_unit_period_and_source(html):
    charts = re.findall(r'<svg class="chart (\w+)-chart".*?</svg>\s*<figcaption>(.*?)</figcaption>', html, re.S)
    assert len(charts) == 9
    for svg_kind, caption in charts:
        assert "Kỳ / Period: " in caption or svg_kind == "change", caption
        assert SOURCE in caption or svg_kind == "change", caption
    svgs = re.findall(r'<svg class="chart.*?</svg>', html, re.S)
    assert all(s.count('class="axis-title"') == 2 for s in svgs)
    assert ('>Public administration reform index (PAR INDEX), 2023 (phần trăm / percent (0-100))</text>' in html)
    assert '>Tỉnh / Province</text>' in html and '>Sở, ngành / Department</text>' in html
    assert '>Tháng / Month</text>' in html and '>Đúng hạn (%) / On time (percent)</text>' in html
    assert html.count('<a href="https://portal.example.vn/tin-tuc/bai-1.html"><rect') == 18  # every bar links


def test_readable_names_and_rankings_with_unit_and_source(html):
    assert ("<h3>Chỉ số cải cách hành chính (PAR INDEX), 2023 <span class=\"en\">/ Public administration reform "
            "index (PAR INDEX), 2023</span></h3>") in html
    assert "<h3>Tỉnh Hòa Sơn (91): Chỉ số cải cách hành chính (PAR INDEX), 2023" in html
    assert "par_index" not in re.sub(r"<[^>]+>", "", html)  # no raw key in the text a reader sees
    assert html.count('<span class="en">Value (percent)</span>') == 6
    assert re.search(r"<td>Tỉnh Đồng Khê</td><td>92</td>\s*<td class=\"num\">86.00</td>\s*"
                     r"<td class=\"num down\">-1</td>\s*<td>computed</td>\s*<td class=\"evidence\">"
                     + re.escape(SOURCE) + r"<br><q>Tỉnh Đồng Khê \| 86.0</q></td>", html)
    assert 'Sở Xây dựng</td><td class="num">92.00</td><td class="num">94.50</td><td class="num">93.75</td>' in html


def test_freshness_from_sources(html):
    assert ('Độ mới / Freshness: <span class="status-ok">1 ok</span>, <span class="status-stale">1 stale</span>, '
            '<span class="muted">0 failing</span>, <span class="status-blocked">1 blocked</span>') in html
    table = re.search(r'<table id="sources">(.*?)</table>', html, re.S).group(1)
    rows = [re.sub(r"<[^>]+>", "|", r) for r in re.findall(r"<tr><td>(.*?)</tr>", table, re.S)]
    rows = [[c.strip() for c in r.split("|") if c.strip()] for r in rows]
    assert rows == [
        ["Cổng Dịch vụ công quốc gia", "dvc-national", "blocked", "never", "never", "0", "0",
         "run 20240315T020000Z: the site refused 3 requests"],
        ["Cổng thông tin tỉnh Đồng Khê", "portal-dongkhe", "stale", "2024-03-01 02:05 UTC", "2023-12-16", "90",
         "0", "0", "no successful crawl since 2024-03-01 (14 days)"],
        ["Cổng thông tin tỉnh Hòa Sơn", "portal-hoason", "ok", "2024-03-15 02:09 UTC", "2024-03-15", "0", "4", "18"],
    ]
    assert "site portal-dongkhe: no new document for 90 days" in html


def test_chart_geometry():
    assert nice_ticks(0, 100) == [0, 20, 40, 60, 80, 100]
    assert nice_ticks(76.8, 99.1, 4) == [70, 80, 90, 100]
    c = bar_chart([{"label": "a", "value": 50.0}, {"label": "b", "value": 100.0}], "x", "y")
    assert [b["w"] for b in c["bars"]] == [210.0, 420.0] and c["ticks"][-1] == {"x": 420.0, "label": "100"}
    d = change_chart([("up", 2), ("down", -1)], "x", "y")
    assert [(b["x"], b["w"]) for b in d["bars"]] == [(210.0, 210.0), (105.0, 105.0)]
    assert [t["label"] for t in d["ticks"]] == ["-2", "-1", "0", "+1", "+2"]
    long = "Ban Quản lý các khu công nghiệp và khu kinh tế tỉnh"
    assert label_width([long, "Sở Tư pháp"]) == round(len(long) * CHAR_PX + 14, 1)


def test_cli_prints_path(tmp_path):
    make_release(tmp_path / "lake")
    r = subprocess.run([str(CCHC), "report", "--lake", str(tmp_path / "lake"), "--out", str(tmp_path / "out")],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == str(tmp_path / "out" / "index.html")


def test_key_figures_come_first(html):
    figures = re.search(r'<div id="key-figures">(.*?)</div>', html, re.S).group(1)
    assert html.index('id="key-figures"') < html.index('id="national"')
    items = [re.sub(r"<[^>]+>", "", li).strip() for li in re.findall(r"<li>(.*?)</li>", figures, re.S)]
    assert items[0] == ("Chỉ số cải cách hành chính (PAR INDEX) 2023 (Public administration reform index (PAR INDEX)): "
                        "first Tỉnh Hòa Sơn (89.50), last Tỉnh Bắc Thủy (83.30) of 3; furthest up Tỉnh Hòa Sơn "
                        "(+1 places); furthest down Tỉnh Đồng Khê (-1 places). Chart and sources")
    assert len(items) == 2 and items[1].startswith("Chỉ số hài lòng về sự phục vụ hành chính (SIPAS) 2023")
    assert 'href="#par_index-2023"' in figures and 'id="par_index-2023"' in html


def test_zero_counts_are_not_alarms(html):
    assert '<span class="muted">0 failing</span>' in html
