"""The line of an unknown CMS's article that states its date: near the title, else early in the main text,
else a machine-readable date of the markup.

The page is walked outwards from the anchor (the title, or the main block) only as far as the lines looked
at; a date line is short, and the first long text after the title ends the search.
"""
from __future__ import annotations

import re

from transforms.dates import parse_date
from transforms.text import clean

_WORDED_DATE = re.compile(r"(?<!\d)\d{1,2}\D{2,20}\d{4}(?!\d)")  # a day, a month in words, a year
DATE = re.compile(r"(?<!\d)\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{4}(?!\d)")
_TIME_AFTER = re.compile(r"^\s*[|,\-–]?\s*\d{1,2}\s*[:hg]\s*\d{2}")
_AFTER_NODES, _BEFORE_NODES = 80, 40  # text strings looked at after and before the anchor
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


def _date_near(tree, anchor, within: bool = False) -> str | None:
    """The first short line stating a date after `anchor` (before the first long text), else in the few
    hundred characters before it; `within`: from the anchor's own start. The page is walked outwards from
    the anchor and only as far as needed."""
    if anchor is None:
        return None
    nodes: list[str] = []
    for line in _lines(_following(anchor, within), _AFTER_NODES):
        if len(line) >= 100:
            break
        nodes.append(line)
    after, n_after, seen = nodes[:], len(nodes), 0
    for line in () if within else _lines(_preceding(anchor), _BEFORE_NODES):
        seen += len(line)
        if seen > 300:
            break
        nodes.append(line)
    for i, line in enumerate(nodes):
        if not line or len(line) > 80:
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
