"""A small synthetic release (invented provinces and values) for the publishing tests.

Layout as `cchc run` publishes it: <lake>/releases/<run_id>/<table>/part-0.parquet,
run_report.json, datapackage.json, cchc.duckdb; <lake>/published -> releases/<run_id>.
"""
from __future__ import annotations

import json
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow.parquet as pq

from flows.datapackage import write_datapackage
from flows.duck import write_duckdb
from flows.schema import to_arrow
from transforms.urls import doc_id

RUN_ID = "20240315T020000Z"
HOST = "https://portal.example.vn"
# Invented provinces: code -> name. Values below are made up for tests.
PROVINCES = {"91": "Tỉnh Hòa Sơn", "92": "Tỉnh Đồng Khê", "93": "Tỉnh Bắc Thủy"}
PAR = {"2022": {"91": 85.02, "92": 88.4, "93": 80.1}, "2023": {"91": 89.5, "92": 86.0, "93": 83.3}}
SIPAS = {"2022": {"91": 81.2, "92": 84.9, "93": 79.0}, "2023": {"91": 85.7, "92": 84.1, "93": 80.6}}
DEPT_PAR = {"2022": {"Sở Nội vụ": 90.1, "Sở Tư pháp": 87.3, "Sở Xây dựng": 85.5},
            "2023": {"Sở Nội vụ": 88.2, "Sở Tư pháp": 91.4, "Sở Xây dựng": 86.0}}
ON_TIME = {"Sở Nội vụ": {"2023-10": 97.5, "2023-11": 98.25, "2023-12": 99.1},
           "Sở Xây dựng": {"2023-10": 92.0, "2023-11": 94.5, "2023-12": 93.75}}


def _doc(n: int, title: str, body: str, day: date, doc_type: str, province: str, agency: str | None) -> dict:
    url = f"{HOST}/tin-tuc/bai-{n}.html"
    seen = datetime(2024, 3, 15, 2, 5, tzinfo=UTC)
    return {
        "doc_id": doc_id(url), "url": url, "site_id": "portal-hoason", "title": title, "published_date": day,
        "published_at": datetime(day.year, day.month, day.day, 8, 30), "author": "Văn phòng UBND tỉnh",
        "body": body, "doc_type": doc_type, "reform_related": True, "province_code": province,
        "province_name": PROVINCES[province], "province_code_2025": province,
        "province_name_2025": PROVINCES[province], "agency": agency, "level": "province",
        "attachments": [{"url": f"{HOST}/files/bai-{n}.pdf", "title": "Tệp đính kèm", "media_type": "application/pdf"}],
        "content_hash": f"{n:064x}", "dup_group": f"g{n}", "is_primary": True,
        "first_seen_at": seen, "last_seen_at": seen, "run_id": RUN_ID, "media_type": "text/html",
        "parent_doc_id": None, "raw_warc": f"raw/{RUN_ID}/portal-hoason.warc.gz",
    }


DOCS = [
    _doc(1, "Đánh giá kết quả cải cách hành chính năm 2023",
         "Tỉnh Hòa Sơn đạt 89,5 điểm Chỉ số cải cách hành chính, xếp thứ 1.\nKế hoạch số 15/KH-UBND được triển khai.",
         date(2024, 2, 20), "ranking", "91", None),
    _doc(2, "Kế hoạch cải cách hành chính năm 2024 của Sở Nội vụ",
         "Thực hiện Kế hoạch số 15/KH-UBND và Nghị định số 61/2018/NĐ-CP về một cửa.",
         date(2024, 1, 10), "plan", "91", "Sở Nội vụ"),
    _doc(3, "Tình hình giải quyết hồ sơ thủ tục hành chính tháng 12",
         "Tỷ lệ hồ sơ giải quyết đúng hạn đạt 99,1%.", date(2024, 1, 5), "statistics", "91", "Sở Nội vụ"),
    _doc(4, "Hội nghị tổng kết công tác năm 2023", "Đồng Khê tổ chức hội nghị tổng kết.",
         date(2023, 12, 28), "news", "92", None),
]
SRC = DOCS[0]["doc_id"]


def _ranked(indicator: str, values: dict[str, dict[str, float]], scope, entity_type: str, name_of, code_of) -> list:
    rows, previous = [], {}
    for period in sorted(values):
        order = sorted(values[period], key=lambda k: -values[period][k])
        ranks = {k: i + 1 for i, k in enumerate(order)}
        for key, rank in ranks.items():
            rows.append({"indicator": indicator, "period": period, "scope": scope, "entity_type": entity_type,
                         "entity_name": name_of(key), "province_code": code_of(key), "value": values[period][key],
                         "rank": rank, "rank_source": "computed", "n_ranked": len(ranks),
                         "rank_change": previous[key] - rank if key in previous else None, "unit": "percent",
                         "source_doc_id": SRC})
        previous = ranks
    return rows


def _indicator(entity_type, name, code, indicator, period, value, unit) -> dict:
    return {"entity_type": entity_type, "entity_name": name, "province_code": code, "indicator": indicator,
            "component": None, "period": period, "value": value, "unit": unit, "source_doc_id": SRC,
            "method": "table", "evidence": f"{name} | {value}", "counted": True}


def _tables() -> dict[str, list[dict]]:
    rankings = (_ranked("par_index", PAR, "national", "province", PROVINCES.get, str)
                + _ranked("sipas", SIPAS, "national", "province", PROVINCES.get, str)
                + _ranked("par_index", DEPT_PAR, "province:91", "department", str, lambda _: "91"))
    indicators = [_indicator("province", PROVINCES[c], c, ind, y, v, "points" if ind == "par_index" else "percent")
                  for ind, table in (("par_index", PAR), ("sipas", SIPAS)) for y, vals in table.items()
                  for c, v in vals.items()]
    indicators += [_indicator("department", a, "91", "on_time_rate", m, v, "percent")
                   for a, months in ON_TIME.items() for m, v in months.items()]
    doc_refs = [{"doc_id": DOCS[0]["doc_id"], "number": "15/KH-UBND", "kind": "KH", "issuer": "UBND", "year": None,
                 "issued_date": None},
                {"doc_id": DOCS[1]["doc_id"], "number": "15/KH-UBND", "kind": "KH", "issuer": "UBND", "year": None,
                 "issued_date": None},
                {"doc_id": DOCS[1]["doc_id"], "number": "61/2018/NĐ-CP", "kind": "NĐ", "issuer": "CP", "year": 2018,
                 "issued_date": date(2018, 4, 23)}]
    fetched = datetime(2024, 3, 15, 2, 1, tzinfo=UTC)
    crawl_log = [{"run_id": RUN_ID, "site_id": "portal-hoason", "url": d["url"], "status": 200, "outcome": "ok",
                  "fetched_at": fetched, "bytes": 2048, "error": None} for d in DOCS]
    crawl_log.append({"run_id": RUN_ID, "site_id": "portal-hoason", "url": f"{HOST}/tin-tuc/mat.html", "status": 404,
                      "outcome": "http_error", "fetched_at": fetched, "bytes": 0, "error": "HTTP 404"})
    sources = [
        {"site_id": "portal-hoason", "name": "Cổng thông tin tỉnh Hòa Sơn", "cms": "nukeviet", "level": "province",
         "province_code": "91", "last_run_id": RUN_ID, "last_ok_at": datetime(2024, 3, 15, 2, 9, 41, tzinfo=UTC),
         "last_new_at": datetime(2024, 3, 15, 2, 9, 41, tzinfo=UTC), "documents": 4, "facts": len(indicators),
         "status": "ok", "note": None},
        {"site_id": "portal-dongkhe", "name": "Cổng thông tin tỉnh Đồng Khê", "cms": "liferay", "level": "province",
         "province_code": "92", "last_run_id": "20240301T020000Z",
         "last_ok_at": datetime(2024, 3, 1, 2, 5, tzinfo=UTC), "last_new_at": datetime(2023, 12, 16, 2, 5, tzinfo=UTC),
         "documents": 0, "facts": 0, "status": "stale", "note": "no successful crawl since 2024-03-01 (14 days)"},
        {"site_id": "dvc-national", "name": "Cổng Dịch vụ công quốc gia", "cms": "dichvucong", "level": "national",
         "province_code": None, "last_run_id": RUN_ID, "last_ok_at": None, "last_new_at": None, "documents": 0,
         "facts": 0, "status": "blocked", "note": f"run {RUN_ID}: the site refused 3 requests"},
    ]
    from transforms.units import default_units, read_aliases
    return {"documents": DOCS, "doc_refs": doc_refs, "indicators": indicators, "rankings": rankings,
            "crawl_log": crawl_log, "units": default_units().rows(read_aliases(), {}), "sources": sources}


RUN_REPORT = {
    "run_id": RUN_ID, "started_at": "2024-03-15T02:00:00Z", "finished_at": "2024-03-15T02:09:41Z",
    "sites": [{"site_id": "portal-hoason", "pages": 5, "documents": 4, "documents_new": 4, "documents_changed": 0,
               "documents_unchanged": 0, "facts": 21, "errors": {"http_error": 1},
               "alarms": ["1 trang lỗi HTTP 404"], "newest_document_date": "2024-02-20"}],
    "alarms": ["site portal-dongkhe: no new document for 90 days"],
    "conflicts": [],
}


def make_release(lake: Path) -> Path:
    """Write the release and publish it; returns <lake>/published."""
    release = Path(lake) / "releases" / RUN_ID
    for table, rows in _tables().items():
        (release / table).mkdir(parents=True, exist_ok=True)
        pq.write_table(to_arrow(table, rows), release / table / "part-0.parquet")
    (release / "run_report.json").write_text(json.dumps(RUN_REPORT, ensure_ascii=False, indent=1), encoding="utf-8")
    write_datapackage(release, RUN_ID)
    write_duckdb(release)
    published = Path(lake) / "published"
    published.symlink_to(Path("releases") / RUN_ID, target_is_directory=True)
    return published


CCHC = Path(sys.executable).parent / "cchc"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(lake: Path, timeout: float = 60.0, log_path: Path | None = None, host: str = "127.0.0.1"):
    """`cchc serve` on a free loopback port as a subprocess; yields its base URL. Its output goes to log_path."""
    port = free_port()
    log = open(log_path, "w+b") if log_path else tempfile.TemporaryFile()  # noqa: SIM115 (closed below)
    args = ["--host", host] if host != "127.0.0.1" else []
    proc = subprocess.Popen([str(CCHC), "serve", "--lake", str(lake), "--port", str(port), *args],
                            stdout=log, stderr=log)
    base = f"http://{host}:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(base + "/-/versions.json", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(f"cchc serve did not start: {log.read().decode(errors='replace')[-2000:]}") from None
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.status, json.loads(r.read().decode("utf-8"))
