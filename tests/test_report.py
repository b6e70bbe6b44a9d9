"""`cchc report`: one offline HTML file with ranking tables, inline SVG charts and the run's alarms."""
from __future__ import annotations

import re
import subprocess

import pytest

from flows.report import bar_chart, change_chart, write_report
from tests.release_fixture import CCHC, make_release


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
    assert "<title>Tỉnh Hòa Sơn: 89.50</title>" in html


def test_tables_and_run(html):
    assert "<h3>PAR INDEX 2023</h3>" in html and "<h3>SIPAS 2022</h3>" in html
    assert "<h3>Tỉnh Hòa Sơn (91): par_index 2023</h3>" in html
    assert re.search(r"<td>Tỉnh Đồng Khê</td><td>92</td><td class=\"num\">86.00</td>\s*"
                     r"<td class=\"num down\">-1</td>", html)
    assert "site portal-dongkhe: no new document for 90 days" in html
    assert "1 trang lỗi HTTP 404" in html
    assert '<td class="num">24</td>' in html  # days between the newest document and the run
    assert 'Sở Xây dựng</td><td class="num">92.00</td><td class="num">94.50</td><td class="num">93.75</td>' in html


def test_chart_geometry():
    c = bar_chart([("a", 50.0), ("b", 100.0)])
    assert [b["w"] for b in c["bars"]] == [210.0, 420.0]
    d = change_chart([("up", 2), ("down", -1)])
    assert [(b["x"], b["w"]) for b in d["bars"]] == [(210.0, 210.0), (105.0, 105.0)]


def test_cli_prints_path(tmp_path):
    make_release(tmp_path / "lake")
    r = subprocess.run([str(CCHC), "report", "--lake", str(tmp_path / "lake"), "--out", str(tmp_path / "out")],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == str(tmp_path / "out" / "index.html")
