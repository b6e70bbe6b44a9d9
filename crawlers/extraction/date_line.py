"""The line of an unknown CMS's article that states its date: near the title, else early in the main text,
else a machine-readable date of the markup.

The page is walked outwards from the anchor (the title, or the main block) only as far as the lines looked
at; a date line is short, and the first long text after the title ends the search.
"""
from __future__ import annotations

import re

from transforms.dates import parse_date
from transforms.text import clean, fold

_WORDED_DATE = re.compile(r"(?<!\d)\d{1,2}\D{2,20}\d{4}(?!\d)")  # a day, a month in words, a year
DATE = re.compile(r"(?<!\d)\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{4}(?!\d)")
_TIME_AFTER = re.compile(r"^\s*[|,\-–]?\s*\d{1,2}\s*[:hg]\s*\d{2}")
_AFTER_NODES, _BEFORE_NODES = 80, 40  # text strings looked at after and before the anchor
# A line that starts like a date line may be longer than one date ("Đăng lúc 18:45 ngày 16 tháng 02 năm 2024 |
# Cập nhật 20:31 ngày 17 tháng 02 năm 2024"): compared folded, no case or tone marks.
_LABELLED = re.compile(r"^(?:dang luc|dang ngay|ngay dang|ngay cap nhat|cap nhat|thoi gian|ngay ban hanh|"
                       r"thu (?:hai|ba|tu|nam|sau|bay)|chu nhat|posted|updated|published)\b")
_SHORT, _LABELLED_MAX = 80, 120  # characters of a date line, and of one that starts with a date label
_DATE_LINE_WORDS = 8  # words beside the date in a line that only dates the page ("Posted:", "Cập nhật lúc")
_NO_TEXT = frozenset({"script", "style", "noscript", "template", "title", "head"})


def _readable(el) -> bool:
    return isinstance(el.tag, str) and el.tag not in _NO_TEXT


def _subtree(el):
    """The text strings of `el`'s subtree in document order (not its tail)."""
    if _readable(el):
        yield el.text
        for child in el:
            yield from _subtree(child)
            yield child.tail


def _subtree_back(el):
    """The text strings of `el`'s subtree, last first (not its tail)."""
    if _readable(el):
        for child in reversed(el):
            yield child.tail
            yield from _subtree_back(child)
        yield el.text


def _following(anchor, within: bool):
    """Text strings after `anchor` in document order (`within`: from its own first string)."""
    if within:
        yield from _subtree(anchor)
    node = anchor
    while node is not None:
        yield node.tail
        for sib in node.itersiblings():
            yield from _subtree(sib)
            yield sib.tail
        node = node.getparent()


def _preceding(anchor):
    """Text strings before `anchor`, nearest first (an ancestor's own text before its children)."""
    node = anchor
    while node is not None:
        for sib in node.itersiblings(preceding=True):
            yield sib.tail
            yield from _subtree_back(sib)
        node = node.getparent()
        if node is not None and _readable(node):
            yield node.text


def _lines(strings, limit: int):
    """The first `limit` non-blank strings, cleaned one at a time: the callers stop early, and so does the walk."""
    n = 0
    for t in strings:
        if t and not t.isspace():
            yield clean(t)
            n += 1
            if n >= limit:
                return


def _labelled(line: str) -> bool:
    return len(line) <= _LABELLED_MAX and bool(_LABELLED.match(fold(line)))


def _date_near(tree, anchor, within: bool = False) -> str | None:
    """The first short line stating a date after `anchor` (before the first long text), else in the few
    hundred characters before it; `within`: from the anchor's own start. The page is walked outwards from
    the anchor and only as far as needed."""
    if anchor is None:
        return None
    nodes: list[str] = []
    for line in _lines(_following(anchor, within), _AFTER_NODES):
        if len(line) >= 100 and not _labelled(line):
            break
        nodes.append(line)
    after, n_after, seen = nodes[:], len(nodes), 0
    for line in () if within else _lines(_preceding(anchor), _BEFORE_NODES):
        seen += len(line)
        if seen > 300:
            break
        nodes.append(line)
    for i, line in enumerate(nodes):
        if not line or len(line) > _SHORT and not _labelled(line):
            continue
        m = DATE.search(line)
        if m is None and _WORDED_DATE.search(line) and parse_date(line)[0] is not None:
            return line  # "Ngày 28 tháng 4 năm 2022", "28 Tháng Tư, 2022", "April 28, 2022"
        if m:
            nxt = after[i + 1] if i + 1 < n_after else ""
            if not _TIME_AFTER.search(line[m.end():]) and _TIME_AFTER.match(nxt) and len(nxt) <= 12:
                line = f"{line} {nxt}"
            return line
    return None


def visible_date_text(tree, anchor, work, main) -> str | None:
    """The short line stating a date nearest after (else before) the title, else early in the main block."""
    return _date_near(tree, anchor) or (_date_near(work, main, within=True) if main is not None else None)


def structured_date_text(tree) -> str | None:
    """A machine-readable date when no line states one: <time datetime>, OpenGraph, itemprop."""
    for xp in ("//time/@datetime", "//meta[@property='article:published_time']/@content",
               "//meta[@itemprop='datePublished']/@content", "//*[@itemprop='datePublished']/@datetime"):
        vals = [clean(v) for v in tree.xpath(xp) if clean(v)]
        if vals:
            return vals[0]
    return None


def parse_date_text(tree, anchor, work, main) -> str | None:
    """The short line stating a date nearest after (else before) the title; else machine-readable dates."""
    return visible_date_text(tree, anchor, work, main) or structured_date_text(tree)


def is_date_line(line: str, date_text: str | None) -> bool:
    """A short line made of the page's date line and a few labels ("Posted: Fri 6:45 PM, Feb 16, 2018 |
    Updated: Sat 8:31 PM, Feb 17, 2018"): the date, not a lead."""
    if not date_text or len(line) > 100:
        return False
    key, date_key = fold(line), fold(date_text)
    return date_key in key and len(key.replace(date_key, " ").split()) <= _DATE_LINE_WORDS
