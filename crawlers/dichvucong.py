"""The `dichvucong` family: the national service index of QĐ 766/QĐ-TTg, JSON over POST.

A start page is the public page of one API generation; what it offers decides what is asked:
  legacy gateway  the years of `select#namselect`, the periods of `select#kyselect` (data-p-quy,
                  data-p-thang), the province selected in `select#tinhtp`; the form field `params`
                  holds the JSON the page's script `thamSo()` writes.
  reporting API   the years of `select[name=year]`, the time types, quarters and months of its
                  selects, the unit selected in `select[name=rootDepartmentId]`; a JSON body.
For each year and period, the all-provinces request; for the selected year, the drill-down into the
selected province (whole year only). `since` drops earlier years. `calls_of_page` is pure.

The spider asks one request at a time (each answer schedules the next), with the site's delay, and
stops the site's crawl at the first refusal (403, 429 after Retry-After, an HTML page where JSON was
expected): a circuit breaker, exit reason `blocked`.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import re
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urlencode, urljoin

import scrapy
from scrapy.exceptions import CloseSpider

from crawlers.crawl_log import EXPECT_JSON, REFUSABLE, refusal
from crawlers.extraction.html import parse_html
from crawlers.records import empty_record
from transforms.requests import canonical_json

log = logging.getLogger(__name__)
VN = dt.timezone(dt.timedelta(hours=7))

# Family knowledge (the README of the API, the pages' scripts): endpoints and fixed keys.
LEGACY_ENDPOINT = "/jsp/rest.jsp"
LEGACY_SERVICE = "report_tinh_766_service"
REPORTING_BASE = "/api/v1"
REPORTING_PATH = "/reporting/evaluation/service-results"
REPORTING_DEPARTMENT_TYPE = "ADMINISTRATIVE_UNIT"
TIME_TYPES = ("year", "quarter", "month")


@dataclass(frozen=True)
class ApiCall:
    api: str            # legacy | reporting
    url: str
    body: bytes
    content_type: str
    request: str        # the body as canonical JSON (for the legacy gateway: the JSON inside `params`)
    period: str         # YYYY, YYYY-Qn, YYYY-MM
    drill: bool         # one province's units, not all provinces
    referer: str


def _options(tree, xpath: str) -> list:
    return tree.xpath(xpath + "/option")


def _selected(options: list):
    sel = [o for o in options if o.get("selected") is not None]
    return sel[0] if sel else None


def _years(options: list, since: int | None) -> list[int]:
    years = []
    for o in options:
        m = re.search(r"\d{4}", o.get("value") or o.text_content() or "")
        if m and (since is None or int(m.group()) >= since) and int(m.group()) not in years:
            years.append(int(m.group()))
    return years


def _label(year: int, quarter: int, month: int) -> str:
    return f"{year}-Q{quarter}" if quarter else (f"{year}-{month:02d}" if month else str(year))


def legacy_params(year: int, quarter: int, month: int, tinh, service: str) -> dict:
    """`params`, keys in the order the page's `thamSo()` writes them."""
    return {"type": "ref", "p_nam": str(year), "p_6thang": 0, "p_tinh_id": tinh, "pageIndex": 1, "pageSize": 100,
            "p_loaidonvi": 1, "loaichitieu": 0, "service": service, "p_quy": quarter, "p_thang": month}


def reporting_body(time_type: str, year: int, n: int = 0, root: str | None = None,
                   department_type: str = REPORTING_DEPARTMENT_TYPE) -> dict:
    body: dict = {"timeType": time_type, "year": year}
    if time_type != "year":
        body[time_type] = n
    body["departmentType"] = department_type
    if root:
        body["rootDepartmentId"] = root
    return body


def _legacy_calls(tree, url: str, since: int | None) -> list[ApiCall]:
    script = " ".join(tree.xpath("//script/text()"))
    endpoint = re.search(r"\$\.post\(\s*['\"]([^'\"]+)['\"]", script)
    service = re.search(r"service\s*:\s*['\"]([^'\"]+)['\"]", script)
    target = urljoin(url, endpoint.group(1) if endpoint else LEGACY_ENDPOINT)
    svc = service.group(1) if service else LEGACY_SERVICE
    years_opts = _options(tree, '//select[@id="namselect"]')
    periods = []
    for o in _options(tree, '//select[@id="kyselect"]'):
        try:
            periods.append((int(o.get("data-p-quy") or 0), int(o.get("data-p-thang") or 0)))
        except ValueError:
            log.warning("dichvucong: %s: period option without numbers: %r", url, o.get("value"))
    years = _years(years_opts, since)

    def call(year: int, q: int, m: int, tinh, drill: bool) -> ApiCall:
        params = legacy_params(year, q, m, tinh, svc)
        body = urlencode({"params": json.dumps(params, ensure_ascii=False, separators=(",", ":"))}).encode("ascii")
        return ApiCall("legacy", target, body, "application/x-www-form-urlencoded; charset=UTF-8",
                       canonical_json(params), _label(year, q, m), drill, url)

    calls = [call(y, q, m, 0, False) for y in years for q, m in periods]
    sel_year, sel_tinh = _selected(years_opts), _selected(_options(tree, '//select[@id="tinhtp"]'))
    tinh = (sel_tinh.get("value") or "").strip() if sel_tinh is not None else ""
    drill_years = _years([sel_year], since) if sel_year is not None else []
    if tinh and tinh != "0" and drill_years:
        calls.append(call(drill_years[0], 0, 0, tinh, True))
    return calls


def _reporting_calls(tree, url: str, since: int | None) -> list[ApiCall]:
    conf: dict = {}
    for text in tree.xpath('//script[@type="application/json"]/text()'):
        try:
            got = json.loads(text)
        except ValueError:
            continue
        if isinstance(got, dict) and "apiBaseUrl" in got:
            conf = got
    target = urljoin(url, (conf.get("apiBaseUrl") or REPORTING_BASE).rstrip("/") + REPORTING_PATH)
    dtype = conf.get("departmentType") or REPORTING_DEPARTMENT_TYPE
    years_opts = _options(tree, '//select[@name="year"]')
    kinds = [o.get("value") for o in _options(tree, '//select[@name="timeType"]') if o.get("value") in TIME_TYPES]
    numbers = {k: [int(o.get("value")) for o in _options(tree, f'//select[@name="{k}"]')
                   if (o.get("value") or "").isdigit()] for k in ("quarter", "month")}

    def call(body: dict, drill: bool) -> ApiCall:
        n = body.get(body["timeType"], 0) if body["timeType"] != "year" else 0
        label = _label(body["year"], n if body["timeType"] == "quarter" else 0, n if body["timeType"] == "month" else 0)
        raw = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return ApiCall("reporting", target, raw, "application/json", canonical_json(body), label, drill, url)

    calls = []
    for year in _years(years_opts, since):
        for kind in kinds:
            for n in ([0] if kind == "year" else numbers.get(kind, [])):
                calls.append(call(reporting_body(kind, year, n, department_type=dtype), False))
    sel_year, sel_root = _selected(years_opts), _selected(_options(tree, '//select[@name="rootDepartmentId"]'))
    root = (sel_root.get("value") or "").strip() if sel_root is not None else ""
    drill_years = _years([sel_year], since) if sel_year is not None else []
    if root and drill_years and "year" in kinds:
        calls.append(call(reporting_body("year", drill_years[0], root=root, department_type=dtype), True))
    return calls


def calls_of_page(tree, url: str, since: int | None = None) -> tuple[str | None, list[ApiCall]]:
    """(generation, requests) a public page offers; (None, []) for a page of neither generation."""
    if tree.xpath('//select[@id="namselect"]') and tree.xpath('//select[@id="kyselect"]'):
        return "legacy", _legacy_calls(tree, url, since)
    if tree.xpath('//select[@name="year"]') and tree.xpath('//select[@name="timeType"]'):
        return "reporting", _reporting_calls(tree, url, since)
    return None, []


def captured_at(date_header: str | None, archived: str | None, fallback: str) -> str:
    """When the answer was made, as a local (Asia/Ho_Chi_Minh) ISO time: HTTP Date, else WARC-Date."""
    for value, parse in ((date_header, parsedate_to_datetime),
                         (archived, lambda s: dt.datetime.fromisoformat(s.replace("Z", "+00:00")))):
        if value:
            try:
                t = parse(value)
            except (TypeError, ValueError):
                continue
            return (t if t.tzinfo else t.replace(tzinfo=dt.UTC)).astimezone(VN).isoformat()
    return dt.datetime.fromisoformat(fallback.replace("Z", "+00:00")).astimezone(VN).isoformat()


class DichVuCongSpider(scrapy.Spider):
    name = "dichvucong"
    family = "dichvucong"

    def __init__(self, site, max_pages: int = 20000, max_idle_listings: int = 3, **kw):
        super().__init__(name=site.id, **kw)
        self.site = site
        self.max_pages = int(max_pages)
        self.budget_reached = False
        self.queue: list[ApiCall] = []
        self.pages = list(site.start_urls)
        self.sent = 0
        self.blocked: str | None = None

    async def start(self):
        nxt = self._next()
        if nxt is not None:
            yield nxt

    def _next(self):
        """The one next request: start pages first, then the calls they offered."""
        if self.blocked:
            return None
        if self.sent >= self.max_pages:
            self.budget_reached = bool(self.pages or self.queue)
            return None
        self.sent += 1
        if self.pages:
            return scrapy.Request(self.pages.pop(0), callback=self.parse_page, errback=self.failed,
                                  dont_filter=True, meta={REFUSABLE: True})
        if self.queue:
            c = self.queue.pop(0)
            origin = re.match(r"^https?://[^/]+", c.url)
            headers = {"Content-Type": c.content_type, "Accept": "application/json, text/plain, */*",
                       "Referer": c.referer, "Origin": origin.group(0) if origin else ""}
            if c.api == "legacy":
                headers["X-Requested-With"] = "XMLHttpRequest"
            return scrapy.Request(c.url, method="POST", body=c.body, headers=headers, callback=self.parse_answer,
                                  errback=self.failed, dont_filter=True, meta={EXPECT_JSON: True, "cchc_call": c})
        self.sent -= 1
        return None

    def parse_page(self, response):
        tree = parse_html(response.body, response.url, getattr(response, "encoding", None))
        api, calls = calls_of_page(tree, response.url, self.site.since)
        missing = ["api form"] if api is None else ([] if calls or self.site.since else ["years"])
        if missing:
            log.warning("%s: %s: found no %s: nothing to ask", self.site.id, response.url, missing[0])
        # The page itself is no document: its record says what it offered (the run report counts what was missing).
        rec = empty_record(site_id=self.site.id, url=response.url, status=response.status, family=self.family,
                           kind="api_index", missing=missing)
        rec.update({"api": api, "offered": len(calls)})
        yield rec
        self.queue.extend(calls)
        yield from self._then()

    def parse_answer(self, response):
        c: ApiCall = response.meta["cchc_call"]
        ctype = (response.headers.get("Content-Type") or b"").decode("latin-1")
        refused = refusal(response.status, ctype, response.body)
        if refused:
            self._open_breaker(response.url, refused)
            return
        date = response.headers.get("Date")
        rec = empty_record(site_id=self.site.id, url=response.url, requested_url=c.url, status=response.status,
                           media_type=ctype.split(";")[0].strip().lower() or None, family=self.family, kind="api")
        rec.update({"method": "POST", "request": c.request, "api": c.api, "period": c.period, "drill": c.drill,
                    "title": self.site.name,
                    "captured": captured_at(date.decode("latin-1") if date else None,
                                            response.meta.get("cchc_archived_at"),
                                            dt.datetime.now(dt.UTC).isoformat()),
                    "payload": response.text})
        yield rec
        yield from self._then()

    def failed(self, failure):
        response = getattr(failure.value, "response", None)
        meta = response.request.meta if response is not None and response.request is not None else {}
        if meta.get(EXPECT_JSON) or meta.get(REFUSABLE):
            ctype = (response.headers.get("Content-Type") or b"").decode("latin-1")
            refused = refusal(response.status, ctype, response.body, json_expected=bool(meta.get(EXPECT_JSON)))
            if refused:
                self._open_breaker(response.url, refused)
                return
        if response is None:  # the crawl log has the row; say it here too when it is not a network failure
            log.info("%s: request failed: %s", self.site.id, failure.value)
        yield from self._then()

    def _open_breaker(self, url: str, why: str) -> None:
        self.blocked = f"{url}: {why}"
        log.warning("%s: refused at %s (%s): circuit breaker open, the site's crawl stops for this run",
                    self.site.id, url, why)
        raise CloseSpider("blocked")

    def _then(self):
        nxt = self._next()
        if nxt is not None:
            yield nxt
