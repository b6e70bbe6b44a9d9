"""Dates as Vietnamese portals state them.

Styles met on real portals: "Thứ năm - 28/04/2022 12:00", "Ngày cập nhật
31/07/2021", "Thứ Hai, 16/01/2023 | 08:15", "05/10/2019 11:28", "28-4-2022",
"ngày 28 tháng 4 năm 2022", "Cập nhật lúc 12:00 28/04/2022", WordPress's "28.04.2022" and
"28 Tháng Tư, 2022", English month names, ISO "2022-04-28T12:00:00+07:00", and a clock time beside a
date in words ("Đăng lúc 18:45 ngày 16 tháng 02 năm 2024", "Fri 6:45 PM, Feb 16, 2018"). Dates are day
first; the local (Asia/Ho_Chi_Minh) date the page states is kept as is.
"""
from __future__ import annotations

import datetime as dt
import re

from transforms.text import clean

# Half of the day after a clock time: English, and Vietnamese ("SA"/"CH" of WordPress's locale, "sáng", "chiều").
_HALF = r"(?:\s*(?P<half>[ap]\.?\s*m\b\.?|sa\b|ch\b|sáng|chiều|tối))?"
_HM = r"(\d{1,2})\s*(?:[:hg]|giờ)\s*(\d{2})(?:\s*:\s*\d{2})?"  # "14:30", "14h30", "14 giờ 30"
_DMY = re.compile(
    r"(?<!\d)(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})(?!\d)"
    r"(?:\s*(?:[|,\-–]|lúc|vào lúc)?\s*" + _HM + _HALF + ")?",
    re.IGNORECASE,
)
_TIME_FIRST = re.compile(
    r"(?<!\d)" + _HM + _HALF + r"\s*(?:[|,\-–]|ngày)?\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})(?!\d)",
    re.IGNORECASE,
)
_WORDS = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
# Month names: WordPress's Vietnamese locale ("28 Tháng Tư, 2022", "Tháng Tư 28, 2022") and English ones
# (foreign-made themes, "April 28, 2022", "28 Apr 2022").
_VI_MONTHS = {"một": 1, "giêng": 1, "hai": 2, "ba": 3, "tư": 4, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7,
              "tám": 8, "chín": 9, "mười": 10, "mười một": 11, "mười hai": 12, "chạp": 12}
_EN_MONTHS = {m: i + 1 for i, m in enumerate(("january", "february", "march", "april", "may", "june", "july",
                                              "august", "september", "october", "november", "december"))}
_EN_MONTHS.update({m[:3]: i for m, i in list(_EN_MONTHS.items())} | {"sept": 9})
_MONTH = (r"(?:tháng\s+(?P<{g}vi>" + "|".join(sorted(_VI_MONTHS, key=len, reverse=True)) + r"|\d{{1,2}})"
          r"|(?P<{g}en>" + "|".join(sorted(_EN_MONTHS, key=len, reverse=True)) + r")\.?)")
_DAY_MONTH = re.compile(r"(?<!\d)(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH.format(g="a")
                        + r"\s*,?\s+(?P<y>\d{4})(?!\d)", re.IGNORECASE)
_MONTH_DAY = re.compile(_MONTH.format(g="b") + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?\s*,?\s+(?P<y>\d{4})(?!\d)",
                        re.IGNORECASE)
# A time beside a date in words: after it ("... năm 2024 18:45", "April 28, 2022 at 12:30 am") or before it
# ("Đăng lúc 18:45 ngày ...", "Fri 6:45 PM, Feb 16, 2018").
_CLOCK = _HM + _HALF
_TIME_AFTER = re.compile(r"\s*(?:[|,\-–]|lúc|vào lúc|at)?\s*" + _CLOCK, re.IGNORECASE)
_TIME_BEFORE = re.compile(_CLOCK + r"\s*(?:[|,\-–]\s*)?(?:ngày\s*)?$", re.IGNORECASE)
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?")


def _make(y: str, m: str, d: str, hh: str | None = None, mm: str | None = None) -> dt.datetime | None:
    try:
        date = dt.datetime(int(y), int(m), int(d))
    except ValueError:
        return None
    if not 1990 <= date.year <= 2100:
        return None
    if hh is not None and mm is not None:
        try:
            return date.replace(hour=int(hh), minute=int(mm))
        except ValueError:
            return date
    return date


def _time_beside(t: str, start: int, end: int) -> tuple[str, str] | tuple[None, None]:
    """(hour, minute) of a clock time right after t[start:end] or right before it, 24-hour; else (None, None)."""
    m = _TIME_AFTER.match(t, end) or _TIME_BEFORE.search(t, max(0, start - 24), start)
    if m is None or (m.re is _TIME_BEFORE and m.end() != start):
        return None, None
    return _clock(m.group(1), m.group(2), m.group("half"))


def _clock(hh: str, mm: str, half: str | None) -> tuple[str, str] | tuple[None, None]:
    """(hour, minute) on a 24-hour clock, or (None, None) for no time of day."""
    hour, half = int(hh), (half or "").lower()
    if half[:1] in ("p", "c", "t") and hour < 12:   # pm, CH/chiều, tối
        hour += 12
    elif half[:1] in ("a", "s") and hour == 12:      # am, SA/sáng
        hour = 0
    return (str(hour), mm) if hour <= 23 and int(mm) <= 59 else (None, None)


def parse_date(text: str | None) -> tuple[dt.date | None, dt.datetime | None]:
    """Return (date, datetime-with-time-or-None) for the first date the text states."""
    t = clean(text)
    if not t:
        return None, None
    candidates: list[tuple[int, dt.datetime, bool]] = []
    for m in _DMY.finditer(t):
        hh, mm = _clock(m.group(4), m.group(5), m.group("half")) if m.group(4) else (None, None)
        v = _make(m.group(3), m.group(2), m.group(1), hh, mm)
        if v:
            candidates.append((m.start(), v, hh is not None))
    for m in _TIME_FIRST.finditer(t):
        hh, mm = _clock(m.group(1), m.group(2), m.group("half"))
        v = _make(m.group(6), m.group(5), m.group(4), hh, mm)
        if v:
            candidates.append((m.start(), v, hh is not None))
    for m in _WORDS.finditer(t):
        hh, mm = _time_beside(t, m.start(), m.end())
        v = _make(m.group(3), m.group(2), m.group(1), hh, mm)
        if v:
            candidates.append((m.start(), v, hh is not None))
    for pattern, g in ((_DAY_MONTH, "a"), (_MONTH_DAY, "b")):
        for m in pattern.finditer(t):
            name = m.group(g + "vi") or m.group(g + "en")
            month = _VI_MONTHS.get(name.lower()) if m.group(g + "vi") else _EN_MONTHS.get(name.lower())
            if month is None and name.isdigit():
                month = int(name)
            hh, mm = _time_beside(t, m.start(), m.end())
            v = _make(m.group("y"), str(month), m.group("d"), hh, mm) if month else None
            if v:
                candidates.append((m.start(), v, hh is not None))
    for m in _ISO.finditer(t):
        v = _make(m.group(1), m.group(2), m.group(3), m.group(4), m.group(5))
        if v:
            candidates.append((m.start(), v, m.group(4) is not None))
    if not candidates:
        return None, None
    _, value, has_time = min(candidates, key=lambda c: (c[0], not c[2]))
    return value.date(), (value if has_time else None)


def year_of(text: str | None) -> int | None:
    d, _ = parse_date(text)
    return d.year if d else None
