"""The article's main text: our density block checked against trafilatura's reading of the same tree.

trafilatura (a well-kept library, body F1 0.96 on real news pages) reads main text better than a single
density block on pages of every make; our block knows what Vietnamese portals put around the text (lead,
date line, byline, "Nguồn" line) and where the tables and attachments are. So: when the two readings agree,
ours is kept (it has already set those lines apart); when they do not, the library's text is taken, less
the lines the page's other parts already account for (title, lead, date line, byline).
"""
from __future__ import annotations

import logging
import re
from collections import Counter

import trafilatura

from transforms.text import clean, fold

# Ours stands when this share of its text is also the library's, and the library's sentence-long lines
# (_PROSE characters) we lack are under MISSING of its text: a footer or a related list the library keeps
# on a short page is no reason to drop ours, paragraphs we cut are.
AGREE = 0.95
MISSING = 0.4
_PROSE = 100
_SLACK_WORDS = 6  # a link's or a caption's words
_TOKEN = re.compile(r"\w+")

# trafilatura logs every page it gives up on at WARNING: a page without main text is reported by our record.
logging.getLogger("trafilatura").setLevel(logging.ERROR)


def library_paragraphs(tree) -> list[str]:
    """trafilatura's main text of `tree` (it works on a copy), one entry per line, tables left out (their
    cells are read from the page itself)."""
    try:
        text = trafilatura.extract(tree, fast=True, include_comments=False, include_tables=False, favor_recall=True)
    except Exception:  # the library must never stop a crawl: our own reading stands alone then
        return []
    return [p for p in (clean(line) for line in (text or "").split("\n")) if p]


def _shingles(paras: list[str], n: int = 4) -> Counter:
    toks = _TOKEN.findall(" ".join(paras).lower())
    if len(toks) < n:
        return Counter([tuple(toks)]) if toks else Counter()
    return Counter(tuple(toks[i:i + n]) for i in range(len(toks) - n + 1))


def _words(paras: list[str]) -> Counter:
    return Counter(_TOKEN.findall(" ".join(paras).lower()))


def agreement(ours: list[str], theirs: list[str]) -> tuple[float, float]:
    """(share of our words the library also read, share of the library's words we also read): words, not
    shingles, so that paragraphs split otherwise still agree."""
    a, b = _words(ours), _words(theirs)
    if not a or not b:
        return 0.0, 0.0
    shared = sum((a & b).values())
    return shared / sum(a.values()), shared / sum(b.values())


def _ours_agrees(ours: list[str], theirs: list[str]) -> bool:
    """Few of our words are not the library's: under 1 - AGREE of them, or a line's worth on a short page."""
    a = _words(ours)
    extra = sum((a - _words(theirs)).values())
    return extra <= (1 - AGREE) * sum(a.values()) + _SLACK_WORDS


def _is_accounted(line: str, known: set[str], date_key: str, author_key: str) -> bool:
    """The title or lead again, a short line stating the date line, or the byline."""
    if len(line) > _PROSE * 12:  # a long paragraph is none of these
        return False
    key = fold(line)
    if key in known:
        return True
    if date_key and len(line) <= 80 and date_key in key:
        return True
    return bool(author_key) and len(line) <= len(author_key) + 20 and author_key in key


def _missing_prose(theirs: list[str], ours: list[str]) -> float:
    """Share of the library's text in sentence-long lines our reading lacks (a body we cut short)."""
    have = set(_shingles(ours))
    total = sum(len(p) for p in theirs) or 1
    missing = 0
    for line in theirs:
        if len(line) >= _PROSE and not _mostly_in(line, have):
            missing += len(line)
    return missing / total


def _mostly_in(line: str, grams: set) -> bool:
    toks = _TOKEN.findall(line.lower())
    own = [tuple(toks[i:i + 4]) for i in range(len(toks) - 3)] or [tuple(toks)]
    return sum(g in grams for g in own) >= 0.5 * len(own)


def choose(ours: list[str], theirs: list[str], title: str | None, summary: str | None,
           date_text: str | None, author: str | None, aside: list[str] = ()) -> tuple[list[str], str]:
    """(paragraphs, "block" or "library"). The library's lines the page's other parts account for (title,
    lead, date line, byline) or that lie in what we set aside (`aside`: teaser lists) are dropped first.
    Ours stands unless it holds much the library did not read (a box beside the text) or lacks sentences
    the library read (a body split over blocks)."""
    known = {fold(x) for x in (title, summary) if x}
    date_key, author_key = fold(date_text or ""), fold(author or "")
    set_aside = set(_shingles(list(aside))) if aside else set()
    theirs = [p for p in theirs if not _is_accounted(p, known, date_key, author_key)
              and not (set_aside and _mostly_in(p, set_aside))]
    if not theirs:
        return ours, "block"
    if ours:
        if _ours_agrees(ours, theirs) and _missing_prose(theirs, ours) < MISSING:
            return ours, "block"
    return theirs, "library"


def read_by_library(summary: str | None, theirs: list[str]) -> bool:
    """Whether the library's text holds the lead (most of its shingles): a lead it does not read as text,
    once its text is taken, is a teaser or a description, not the article's lead."""
    own = _shingles([summary]) if summary else Counter()
    return bool(own) and sum((own & _shingles(theirs)).values()) >= 0.5 * sum(own.values())
