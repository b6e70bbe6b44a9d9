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


def _grams(toks: list[str]) -> list[tuple]:
    """Overlapping 4-token shingles (one shorter shingle for 1-3 tokens), tuples built by zip in C."""
    if len(toks) < 4:
        return [tuple(toks)] if toks else []
    return list(zip(toks, toks[1:], toks[2:], toks[3:], strict=False))


def _shingles(paras: list[str]) -> set:
    return set(_grams(_TOKEN.findall(" ".join(paras).lower())))


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


def _is_accounted(line: str, known: dict[str, int], date_key: str, author_key: str) -> bool:
    """The title or lead again (`known`: their keys and lengths), a short line stating the date line, or
    the byline. Lengths first: folding every paragraph of a long page costs more than the rest of this."""
    n = len(line)
    near_known = any(abs(n - k) <= 10 for k in known.values())
    if not (near_known or n <= 80 or author_key and n <= len(author_key) + 20):
        return False
    key = fold(line)
    if near_known and key in known:
        return True
    if date_key and n <= 80 and date_key in key:
        return True
    return bool(author_key) and n <= len(author_key) + 20 and author_key in key


def _missing_prose(theirs: list[str], ours: list[str]) -> float:
    """Share of the library's text in sentence-long lines our reading lacks (a body we cut short)."""
    have = _shingles(ours)
    total = sum(len(p) for p in theirs) or 1
    missing = 0
    for line in theirs:
        if len(line) >= _PROSE and not _mostly_in(line, have):
            missing += len(line)
    return missing / total


def _mostly_in(line: str, grams: set) -> bool:
    own = _grams(_TOKEN.findall(line.lower()))
    return bool(own) and len(grams.intersection(own)) >= 0.5 * len(set(own))


def choose(ours: list[str], theirs: list[str], title: str | None, summary: str | None,
           date_text: str | None, author: str | None, aside: list[str] = ()) -> tuple[list[str], str]:
    """(paragraphs, "block" or "library"). The library's lines the page's other parts account for (title,
    lead, date line, byline) or that lie in what we set aside (`aside`: teaser lists) are dropped first.
    Ours stands, less the lines the library read nothing of, unless it holds much the library did not read
    (a box beside the text) or lacks sentences the library read (a body split over blocks)."""
    known = {fold(x): len(x) for x in (title, summary) if x}
    date_key, author_key = fold(date_text or ""), fold(author or "")
    set_aside = _shingles(list(aside)) if aside else set()
    theirs = [p for p in theirs if not _is_accounted(p, known, date_key, author_key)
              and not (set_aside and _mostly_in(p, set_aside))]
    if not theirs:
        return ours, "block"
    if ours:
        if _ours_agrees(ours, theirs) and _missing_prose(theirs, ours) < MISSING:
            return _shared_lines(ours, theirs), "block"
    return theirs, "library"


def _shared_lines(ours: list[str], theirs: list[str]) -> list[str]:
    """Our lines the library's reading shares words with. A line of the block it read nothing of (a caption
    or a photo credit, "Advertisement", an attachment's link text) is the page's, not the article's: on the
    article benchmark this raises precision more than it costs recall."""
    grams = _shingles(theirs)
    text = " " + " ".join(" ".join(_TOKEN.findall(p.lower())) for p in theirs) + " "
    out = []
    for line in ours:
        toks = _TOKEN.findall(line.lower())
        shared = f" {' '.join(toks)} " in text if len(toks) < 4 else not grams.isdisjoint(_grams(toks))
        if shared:
            out.append(line)
    return out


def read_by_library(summary: str | None, theirs: list[str]) -> bool:
    """Whether the library's text holds the lead (most of its shingles): a lead it does not read as text,
    once its text is taken, is a teaser or a description, not the article's lead."""
    return bool(summary) and _mostly_in(summary, _shingles(theirs))
