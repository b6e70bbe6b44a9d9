"""Exact and near-duplicate grouping of documents (syndicated copies).

Portals republish each other's stories with a new title, a dropped lead or an
added "Theo Báo X" line. They also publish many look-alike items from one
template ("Kết quả giải quyết TTHC năm N tại Sở X") that differ only in the
agency and the figures. Two signals separate the cases:

1. Word 5-gram shingles; MinHash LSH (datasketch) over the 5-grams that carry a
   figure finds candidates cheaply (look-alikes share wording, not figures),
   then the exact containment |A∩B| / min(|A|,|B|) ≥ TEXT_CONTAINMENT, which
   tolerates an added or dropped paragraph (containment, not Jaccard).
2. The figures: a copy states the same numbers; a look-alike does not. The
   Jaccard of the number tokens must be ≥ NUMBER_JACCARD.

The primary of a group is the earliest published (then the smallest doc_id, so
the choice is stable).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np

from transforms.text import fold

SHINGLE = 5
NUM_PERM = 128
LSH_THRESHOLD = 0.5         # candidate recall: copies with a changed lead still collide
TEXT_CONTAINMENT = 0.8
NUMBER_JACCARD = 0.8
MIN_SHINGLES = 8            # a body this short (a caption, an empty page) is not grouped by text

_NUM = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass
class DedupInput:
    doc_id: str
    body: str
    content_hash: str
    published: dt.datetime | dt.date | None


def shingle_sets(body: str) -> tuple[set[int], set[int]]:
    """(all word 5-grams, the 5-grams that carry a figure) of the folded body, as hashes: ints cost a fraction
    of the strings' memory when 10,000 documents are compared (Python's hash is stable within the process).

    LSH indexes the figure-carrying 5-grams when there are enough: template look-alikes share their wording
    but not their figures, so they stay out of each other's candidates, while a copy keeps both."""
    words = fold(body).split()
    last = len(words) - SHINGLE  # the last window's start
    if last < 0:
        return set(), set()
    grams = list(map(hash, zip(*(words[k:] for k in range(SHINGLE)), strict=False)))  # the shortest sets the count
    # A word that is all letters has no digit (checked by str.isalpha in C, skipping most words).
    figures = [j for j, w in enumerate(words) if not w.isalpha() and any(c.isdigit() for c in w)]
    numeric = {grams[i] for j in figures for i in range(max(0, j - SHINGLE + 1), min(j, last) + 1)}
    every = set(grams)
    return every, numeric


def shingles(body: str) -> set[int]:
    return shingle_sets(body)[0]


def numbers(body: str) -> set[str]:
    return set(_NUM.findall(body))


def _low32(x: int) -> int:
    return x & 0xFFFFFFFF


def signature(sh: set[int], permutations=None):
    from datasketch import MinHash  # imported when grouping runs: it pulls in scipy
    m = MinHash(num_perm=NUM_PERM, hashfunc=_low32, permutations=permutations, scheme="affine32")
    m.update_batch(list(sh))
    return m


def _same_story(a: np.ndarray, b: np.ndarray, na: set[str], nb: set[str]) -> bool:
    # The figures first: few tokens, and they rule out the template look-alikes at once.
    if (na or nb) and len(na & nb) / len(na | nb) < NUMBER_JACCARD:
        return False
    if not len(a) or not len(b):
        return False
    common = np.intersect1d(a, b, assume_unique=True).size
    return common / min(len(a), len(b)) >= TEXT_CONTAINMENT


def _sort_key(d: DedupInput) -> tuple:
    p = d.published
    if isinstance(p, dt.datetime):
        p = p.replace(tzinfo=None)
    elif isinstance(p, dt.date):
        p = dt.datetime(p.year, p.month, p.day)
    return (p is None, p or dt.datetime.max, d.doc_id)


def group_duplicates(docs: list[DedupInput]) -> dict[str, tuple[str, bool]]:
    """doc_id -> (dup_group, is_primary). Every document gets a group; singletons are their own primary."""
    parent = {d.doc_id: d.doc_id for d in docs}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    by_hash: dict[str, str] = {}
    for d in docs:
        if d.body.strip():
            first = by_hash.setdefault(d.content_hash, d.doc_id)
            if first != d.doc_id:
                union(first, d.doc_id)

    from datasketch import MinHashLSH
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    sh: dict[str, np.ndarray] = {}  # sorted unique hashes: 8 bytes each, where a set of ints costs ~70
    nums: dict[str, set[str]] = {}
    perms = None  # the random permutations, drawn once and shared by every signature
    for d in docs:
        s, numeric = shingle_sets(d.body)
        if len(s) < MIN_SHINGLES:
            continue
        sh[d.doc_id], nums[d.doc_id] = np.fromiter(s, dtype=np.int64, count=len(s)), numbers(d.body)
        m = signature(numeric if len(numeric) >= MIN_SHINGLES else s, perms)
        perms = m.permutations
        for other in lsh.query(m):
            if find(other) != find(d.doc_id) and _same_story(sh[d.doc_id], sh[other], nums[d.doc_id], nums[other]):
                union(d.doc_id, other)
        lsh.insert(d.doc_id, m)

    members: dict[str, list[DedupInput]] = {}
    for d in docs:
        members.setdefault(find(d.doc_id), []).append(d)
    out: dict[str, tuple[str, bool]] = {}
    for group in members.values():
        ordered = sorted(group, key=_sort_key)
        gid = ordered[0].doc_id
        for i, d in enumerate(ordered):
            out[d.doc_id] = (gid, i == 0)
    return out
