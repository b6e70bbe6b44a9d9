"""Periods a text names, in the contract's forms: `YYYY`, `YYYY-Hn`, `YYYY-Qn`, `YYYY-MM`.

A mention is (position, period). The period is None when the text names a stretch of time that is no
period of the contract ("9 tháng đầu năm", "từ đầu năm đến nay", "từ năm 2019 đến 2023"): a value
stated for it is reported, never filed under a guessed period. A half year or quarter named without
its year ("6 tháng đầu năm", "quý II") is `?-H1` / `?-Q2`: `resolve` gives it the year of the context.
"""
from __future__ import annotations

import datetime
import re

_YEAR = r"((?:19|20)\d{2})"
_OF_YEAR = r"(?:\s*(?:năm\s+|/\s*|-\s*)" + _YEAR + r"(?!\d))?"
# "6 tháng đầu năm 2023", "sáu tháng cuối năm", "9 tháng đầu năm", "3 tháng đầu năm 2024", "6 tháng năm 2023".
_MONTHS_OF_YEAR = re.compile(r"\b(\d{1,2}|ba|sáu|chín|mười)\s+tháng\s+(?:(đầu|cuối)\s+)?năm(?:\s+(?:năm\s+)?"
                             + _YEAR + r"(?!\d)|\s*/\s*" + _YEAR + r")?", re.I)
_HALF_WORDS = re.compile(r"\b(?:nửa|học\s+kỳ)\s+(đầu|cuối)\s+năm" + _OF_YEAR, re.I)
_QUARTER = re.compile(r"\bquý\s+(IV|I{1,3}|[1-4])(?!\w)" + _OF_YEAR, re.I)
# A stretch from the start of the year to a day is no period ("tính đến ngày 15/12" after "Năm 2023" is a
# cut-off of that year's figures, not one).
_TO_DATE = re.compile(r"\b(?:từ\s+đầu\s+năm(?:\s+(?:đến|tới)\s+nay)?|lũy\s+kế|luỹ\s+kế)", re.I)
_MONTH = re.compile(r"\btháng\s+(\d{1,2})\s*(?:/|-|\s+năm\s+)\s*" + _YEAR + r"(?!\d)", re.I)
_DATE_RANGE = re.compile(r"\btừ\s+(?:ngày\s+)?\d{1,2}\s*/\s*(\d{1,2})\s*/\s*" + _YEAR
                         + r"\s*(?:đến|tới|-)\s*(?:ngày\s+)?(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*" + _YEAR, re.I)
_YEAR_RANGE = re.compile(r"\b(?:từ\s+năm\s+|giai\s+đoạn\s+|từ\s+)" + _YEAR + r"\s*(?:đến|tới|-|–)\s*(?:năm\s+)?"
                         + _YEAR + r"(?!\d)", re.I)
_YEAR_WORD = re.compile(r"\bnăm\s+" + _YEAR + r"(?!\d)", re.I)
# An index named with its year: "PAR INDEX 2023", "SIPAS 2022", "Chỉ số CCHC 2021" (the year of the index).
_INDEX_YEAR = re.compile(r"(?:PAR\s*-?\s*INDEX|SIPAS|chỉ\s+số\s+(?:CCHC|cải\s+cách\s+hành\s+chính))\s*(?:\(\s*"
                         r"(?:PAR\s*INDEX|SIPAS)\s*\)\s*)?[:\s]\s*" + _YEAR + r"(?![\d/])", re.I)
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}
_WORD_NUM = {"ba": 3, "sáu": 6, "chín": 9, "mười": 10}


def _year(*groups: str | None) -> str:
    return next((g for g in groups if g), "?")


def _months(m: re.Match) -> str | None:
    n = int(m.group(1)) if m.group(1).isdigit() else _WORD_NUM[m.group(1).lower()]
    year = _year(m.group(3), m.group(4))
    late = (m.group(2) or "").lower() == "cuối"
    if n == 6:
        return f"{year}-H{2 if late else 1}"
    if n == 3:
        return f"{year}-Q{4 if late else 1}"
    if n == 12 and not m.group(2) and year != "?":
        return year
    return None                  # 9 or 10 months: no period of the contract


def period_mentions(text: str) -> list[tuple[int, str | None]]:
    """(position, period) of every period the text names, in order; None for a stretch that is no period."""
    found: list[tuple[int, int, str | None]] = []

    def add(m: re.Match, period: str | None, at: int | None = None):
        found.append((m.start() if at is None else at, m.end(), period))

    for m in _MONTHS_OF_YEAR.finditer(text):
        add(m, _months(m))
    for m in _HALF_WORDS.finditer(text):
        add(m, f"{_year(m.group(2))}-H{2 if m.group(1).lower() == 'cuối' else 1}")
    for m in _QUARTER.finditer(text):
        q = _ROMAN.get(m.group(1).upper()) or int(m.group(1))
        add(m, f"{_year(m.group(2))}-Q{q}")
    for m in _TO_DATE.finditer(text):
        add(m, None)
    for m in _MONTH.finditer(text):
        month = int(m.group(1))
        if 1 <= month <= 12:
            add(m, f"{m.group(2)}-{month:02d}")
    for m in _DATE_RANGE.finditer(text):
        # A range inside one calendar year reports that year, or the half or quarter it spans from
        # 1 January; one across years is no period of ours.
        add(m, _date_range(m))
    for m in _YEAR_RANGE.finditer(text):
        add(m, m.group(1) if m.group(1) == m.group(2) else None)
    for m in _INDEX_YEAR.finditer(text):
        add(m, m.group(1), at=m.start(1))
    for m in _YEAR_WORD.finditer(text):
        add(m, m.group(1))
    found.sort(key=lambda x: (x[0], -(x[1] - x[0])))
    out: list[tuple[int, str | None]] = []
    end = -1
    for start, stop, period in found:
        if start >= end:            # the longest mention at a place wins ("tháng 6 năm 2022" over "năm 2022")
            out.append((start, period))
            end = stop
    return out


def _date_range(m: re.Match) -> str | None:
    m1, y1, d2, m2, y2 = int(m.group(1)), m.group(2), int(m.group(3)), int(m.group(4)), m.group(5)
    if y1 != y2:
        return None
    if m1 == 1 and m2 == 6 and d2 >= 30:
        return f"{y1}-H1"
    if m1 == 1 and m2 == 3 and d2 >= 31:
        return f"{y1}-Q1"
    return y1


def title_period(title: str) -> str | None:
    ps = [p for _, p in period_mentions(title or "") if p]
    if ps:
        return ps[0]
    years = re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", title or "")
    return years[0] if len(set(years)) == 1 else None


def resolve(period: str | None, *context: str | None) -> str | None:
    """A period whose year is missing ("?-H1") takes the year of the first context period or year given."""
    if not period or not period.startswith("?"):
        return period
    for c in context:
        if c and c[:4].isdigit():
            return c[:4] + period[1:]
    return None


# --- the period of a value ------------------------------------------------------------
# A plan states targets for the period it plans ("Kế hoạch cải cách hành chính năm 2024"), facts only for past ones.
PLAN_TITLE = re.compile(r"\b(?:kế\s+hoạch|chương\s+trình\s+hành\s+động)\b", re.I)
REPORT_TITLE = re.compile(r"\b(?:kết\s+quả|sơ\s+kết|tổng\s+kết|báo\s+cáo|đánh\s+giá)\b", re.I)
# An index is published after its year ends: a sentence's year that is the year of publication, in a text whose
# title names an earlier year, is when the index was announced.
INDEX_FACTS = ("par_index", "par_rank", "par_component", "sipas", "sipas_rank")
_BRACKETED = re.compile(r"[^()]{0,20}\([^()]*$")
# A year compared with ("so với năm 2022") is not the period of the values around it.
COMPARED = re.compile(r"(?:\bso(?:\s+với)?|cùng\s+kỳ|hơn|kém)\s*$", re.I)


def value_period(s: str, periods: list[tuple[int, str | None, bool]], pos: int,
                 fallback: list[str | None]) -> tuple[str | None, bool]:
    """(period, named): the period named before pos, else after it (not a compared one), else the fallbacks
    (title, running); the last fallback, the year of publication, only gives a year to "6 tháng đầu năm"."""
    # Values in brackets right after a compared year are that year's ("so với năm 2022 (đạt 84,62%, xếp thứ 28)").
    for at, p, compared in reversed(periods):
        if at < pos:
            if compared and _BRACKETED.match(s, at, pos) and s[pos:].find(")") >= 0:
                return resolve(p, *fallback), True
            break
    before = [p for at, p, compared in periods if at < pos and not compared]
    after = [p for at, p, compared in periods if at >= pos and not compared]
    if before or after:
        return resolve((before or after)[-1 if before else 0], *fallback), True
    fallback = fallback[:-1]
    for p in fallback:
        if p and not p.startswith("?"):
            return p, True
    return None, False


def period_end(period: str) -> datetime.date:
    """The last day of a period of the contract."""
    y, rest = int(period[:4]), period[5:]
    if rest.startswith("H"):
        return datetime.date(y, 6, 30) if rest == "H1" else datetime.date(y, 12, 31)
    if rest.startswith("Q"):
        q = int(rest[1:])
        return datetime.date(y, 3 * q, 30 if q in (2, 3) else 31)
    if rest:
        m = int(rest)
        return (datetime.date(y + (m == 12), m % 12 + 1, 1) - datetime.timedelta(days=1))
    return datetime.date(y, 12, 31)


def is_plan(title: str) -> bool:
    return bool(PLAN_TITLE.search(title or "")) and not REPORT_TITLE.search(title or "")
