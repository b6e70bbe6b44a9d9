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
