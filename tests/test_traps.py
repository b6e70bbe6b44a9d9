"""A listing trap (an endless pager over the same articles) is stopped by the idle-listing guard."""
import io
import json
import subprocess
import sys

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

HOST = "https://sotuphap.trap-test.example/"
SECTION = f"{HOST}news/cai-cach/"
ARTICLES = [f"{SECTION}bai-viet-so-{i}-ve-thu-tuc-hanh-chinh-{100 + i}.html" for i in range(5)]


def listing(page: int) -> str:
    items = "".join(f'<div class="news_column"><div class="panel-body"><h3><a href="{u}">Bài viết số {i} về '
                    f'thủ tục hành chính của Sở</a></h3></div></div>' for i, u in enumerate(ARTICLES))
    # An endless pager: every page links the next ten, and the articles never change.
    pager = "".join(f'<li><a href="{SECTION}page-{p}">{p}</a></li>' for p in range(page + 1, page + 11))
    return f'<html><body><div class="page-title"><h2>Cải cách hành chính</h2></div>{items}' \
           f'<ul class="pagination">{pager}</ul></body></html>'


def article(i: int) -> str:
    return (f'<html><body><div class="news_column panel panel-default"><div class="panel-body"><h1 class="title">'
            f'Bài viết số {i} về thủ tục hành chính của Sở</h1><span class="h5">Thứ hai - 0{i + 1}/04/2024 08:00</span>'
            f'<div id="news-bodyhtml" class="bodytext"><p>Nội dung bài viết số {i} về cải cách hành chính.</p></div>'
            f'</div></div></body></html>')


def write_trap(path) -> None:
    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=True)
        pages = [(f"{HOST}robots.txt", b"User-agent: *\nAllow: /\n", "text/plain")]
        pages += [(SECTION, listing(1).encode(), "text/html; charset=utf-8")]
        pages += [(f"{SECTION}page-{p}", listing(p).encode(), "text/html; charset=utf-8") for p in range(2, 400)]
        pages += [(u, article(i).encode(), "text/html; charset=utf-8") for i, u in enumerate(ARTICLES)]
        for url, body, ctype in pages:
            http = StatusAndHeaders("200 OK", [("Content-Type", ctype), ("Content-Length", str(len(body)))],
                                    protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http))


def test_endless_pager_is_stopped_within_a_few_pages(tmp_path):
    warc = tmp_path / "trap.warc.gz"
    write_trap(warc)
    (tmp_path / "sites.toml").write_text(
        '[[site]]\nid = "trap"\nname = "Sở Tư pháp (bẫy)"\ncms = "nukeviet"\nkind = "news"\n'
        f'base_url = "{HOST}"\nstart_urls = ["{SECTION}"]\nlevel = "department"\nprovince = "51"\n', encoding="utf-8")
    out = tmp_path / "out"
    p = subprocess.run([sys.executable, "-m", "crawlers.run_site", "--sites", str(tmp_path / "sites.toml"),
                        "--site-id", "trap", "--run-id", "t", "--out", str(out), "--raw", str(tmp_path / "raw.warc.gz"),
                        "--replay", str(warc)], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr[-2000:]
    log = [json.loads(line) for line in (out / "crawl_log.jsonl").read_text().splitlines()]
    listings = [r for r in log if "/page-" in r["url"] or r["url"] == SECTION]
    assert len(log) <= 60
    assert 3 <= len(listings) <= 12
    records = [json.loads(line) for line in (out / "records.jsonl").read_text().splitlines()]
    assert sorted(r["url"] for r in records) == sorted(ARTICLES)
