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

AGREE = 0.9  # shingle precision and recall of our text against the library's, for ours to stand
_TOKEN = re.compile(r"\w+")

# trafilatura logs every page it gives up on at WARNING: a page without main text is reported by our record.
logging.getLogger("trafilatura").setLevel(logging.ERROR)


def library_paragraphs(tree) -> list[str]:
    """trafilatura's main text of `tree` (it works on a copy), one entry per line, tables left out (their
    cells are read from the page itself)."""
    try:
        text = trafilatura.extract(tree, fast=True, include_comments=False, include_tables=False)
    except Exception:  # the library must never stop a crawl: our own reading stands alone then
        return []
    return [p for p in (clean(line) for line in (text or "").split("\n")) if p]


def _shingles(paras: list[str], n: int = 4) -> Counter:
    toks = _TOKEN.findall(fold(" ".join(paras)))
    if len(toks) < n:
        return Counter([tuple(toks)]) if toks else Counter()
    return Counter(tuple(toks[i:i + n]) for i in range(len(toks) - n + 1))


def agreement(ours: list[str], theirs: list[str]) -> tuple[float, float]:
    """(share of our text the library also read, share of the library's text we also read)."""
    a, b = _shingles(ours), _shingles(theirs)
    if not a or not b:
        return 0.0, 0.0
    shared = sum((a & b).values())
    return shared / sum(a.values()), shared / sum(b.values())


def _is_accounted(line: str, known: set[str], date_text: str | None, author: str | None) -> bool:
    key = fold(line)
    if key in known:
        return True
    if date_text and len(line) <= 80 and fold(date_text) in key:
        return True
    return bool(author) and len(line) <= len(author) + 20 and fold(author) in key


def choose(ours: list[str], theirs: list[str], title: str | None, summary: str | None,
           date_text: str | None, author: str | None) -> tuple[list[str], str]:
    """(paragraphs, "block" or "library"): ours when both readings agree or the library read nothing."""
    if not theirs:
        return ours, "block"
    if ours:
        precision, recall = agreement(ours, theirs)
        if precision >= AGREE and recall >= AGREE:
            return ours, "block"
    known = {fold(x) for x in (title, summary) if x}
    return [p for p in theirs if not _is_accounted(p, known, date_text, author)], "library"
