"""Across runs, with a site that changes between them (one site of the shared world, edited night by night):
a new article on the start page is crawled, a changed page updates its row (the old version stays in the
previous release), a page that disappears is kept."""
import json

import pyarrow.dataset as ds
import pytest

from crawlers.archive import WarcArchive
from crawlers.replay import WarcIndex

from .conftest import WORLD, run_cchc

SITE = "hocmon-hcm"
BASE = "https://hocmon.hochiminhcity.gov.vn/web/hocmon"
START = f"{BASE}/cai-cach-hanh-chinh"
SIPAS = f"{BASE}/-/sipas-nam-2021-cua-thanh-pho-ho-chi-minh-dat-86-42"
GONE = f"{BASE}/-/giai-bong-da-cong-nhan-vien-chuc-nam-2021"
NEW = f"{BASE}/-/chi-so-hai-long-quy-mot-nam-2022"


def night(tmp_path, name: str, edit) -> str:
    """The site's archive as the shared world has it, edited: {url: (status, headers, body)} -> same."""
    if not WORLD.exists():
        pytest.skip("../shared/world/small is not beside the checkout")
    index = WarcIndex([WORLD / "warc" / f"{SITE}.warc.gz"])
    pages = {}
    for key in index.entries:
        stored = index.get(key)
        pages[stored.url] = (stored.status, stored.headers, stored.body)
    edit(pages)
    folder = tmp_path / name
    archive = WarcArchive(folder / f"{SITE}.warc.gz")
    for url, (status, headers, body) in pages.items():
        archive.write_response(url, status, headers, body)
    archive.close()
    return str(folder)


def add_new_article(pages):
    status, headers, listing = pages[START]
    first = listing.index(b'<div class="asset-abstract">')
    item = (f'<div class="asset-abstract"><h3 class="asset-title"><a href="{NEW}">Chỉ số hài lòng quý I năm 2022 '
            f'của Huyện</a></h3><div class="asset-metadata"><span class="metadata-publish-date">20/04/2022</span>'
            f'</div></div>\n').encode()
    pages[START] = (status, headers, listing[:first] + item + listing[first:])
    status, headers, sipas = pages[SIPAS]
    pages[NEW] = (status, headers, sipas.replace(b"86,42", b"91,07"))  # a later story with another figure


def change_sipas_and_drop_one(pages):
    add_new_article(pages)
    status, headers, body = pages[SIPAS]
    pages[SIPAS] = (status, headers, body.replace(b"86,42", b"87,15"))
    pages[GONE] = (404, [("Content-Type", "text/html; charset=utf-8")], b"<html><body>Not found</body></html>")


def run(lake, replay, *extra):
    p = run_cchc("run", "--sites", str(WORLD / "sites.toml"), "--only", SITE, "--replay", replay, "--lake", str(lake), *extra)
    assert p.returncode == 0, p.stderr[-3000:]
    report = json.loads((lake / "published" / "run_report.json").read_text(encoding="utf-8"))
    return report, (lake / "published").resolve()


def rows(release, table, **where):
    t = ds.dataset(str(release / table), format="parquet").to_table().to_pylist()
    return [r for r in t if all(r[k] == v for k, v in where.items())]


def test_new_changed_and_vanished_pages_across_runs(tmp_path):
    lake = tmp_path / "lake"
    first, rel1 = run(lake, night(tmp_path, "n1", lambda pages: None))
    assert len(rows(rel1, "documents")) == 4

    # Night 2: one new article on the start page. The probe sees it; the incremental crawl fetches only it.
    second, rel2 = run(lake, night(tmp_path, "n2", add_new_article))
    (site,) = second["sites"]
    assert (site["mode"], site["crawled"], site["probe"]) == ("incremental", True, f"start page {START} links to 1 new page(s)")
    assert (site["documents_new"], site["skipped_known"]) == (1, 4)  # page 2 too: paging stops after 3 idle listings
    (new,) = rows(rel2, "documents", url=NEW)
    # The article's own title (the page's <h1>: the world's SIPAS story, edited), not the listing's link text.
    assert new["title"] == "SIPAS năm 2021 của thành phố Hồ Chí Minh đạt 91,07%"
    assert new["run_id"] == second["run_id"]
    assert new["first_seen_at"] == new["last_seen_at"]
    assert {r["value"] for r in rows(rel2, "indicators", source_doc_id=new["doc_id"], indicator="sipas")} == {91.07}
    (sipas2,) = rows(rel2, "documents", url=SIPAS)
    assert sipas2["run_id"] == first["run_id"]  # not re-read, not changed

    # Night 3, --full: the SIPAS article now says 87,15 and one old article is gone (404).
    third, rel3 = run(lake, night(tmp_path, "n3", change_sipas_and_drop_one), "--full")
    (site,) = third["sites"]
    assert (site["mode"], site["probe"], site["documents_changed"]) == ("full", None, 1)
    (sipas3,) = rows(rel3, "documents", url=SIPAS)
    assert sipas3["run_id"] == third["run_id"] and sipas3["content_hash"] != sipas2["content_hash"]
    assert sipas3["first_seen_at"] == sipas2["first_seen_at"]
    assert {r["value"] for r in rows(rel3, "indicators", source_doc_id=sipas3["doc_id"], indicator="sipas")} == {87.15}
    assert {r["value"] for r in rows(rel2, "indicators", source_doc_id=sipas3["doc_id"], indicator="sipas")} == {86.42}
    (gone2,), (gone3,) = rows(rel2, "documents", url=GONE), rows(rel3, "documents", url=GONE)
    assert gone3 == gone2  # kept as it was last seen
    assert len(rows(rel3, "documents")) == 5
