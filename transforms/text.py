"""Vietnamese text normalisation: NFC, whitespace, tone-insensitive folding, numbers.

Stored text keeps its diacritics (NFC, whitespace collapsed); comparisons of
names go through `fold`, which drops case, tone marks and punctuation noise so
that "Hoà Bình", "Hòa Bình" and "HOA BINH" compare equal.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_WS = re.compile(r"[\s\u00a0\u200b\ufeff]+")


def nfc(s: str | None) -> str:
    return unicodedata.normalize("NFC", s or "")


def clean(s: str | None) -> str:
    """NFC with every run of whitespace (including NBSP and zero-width) collapsed to one space."""
    return _WS.sub(" ", nfc(s)).strip()


def clean_paragraphs(paras: list[str]) -> list[str]:
    return [p for p in (clean(x) for x in paras) if p]


# The combining-mark blocks (tone marks and vowel marks of Vietnamese are in the first); one regex pass is
# an order of magnitude faster than testing unicodedata.category per character.
_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")


def strip_marks(s: str) -> str:
    """Remove diacritics; đ/Đ become d/D (they are letters, not marks, in Unicode)."""
    s = unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", _MARKS.sub("", s))


@lru_cache(maxsize=65536)
def fold(s: str | None) -> str:
    """Comparison key: no case, no tone marks, punctuation and dashes as spaces, spaces collapsed.
    Cached: a release folds the same entity names (tens of distinct ones) for every fact."""
    s = strip_marks(nfc(s)).casefold()
    s = re.sub(r"[^\w&]+", " ", s)
    return " ".join(s.split())


def slug(s: str | None) -> str:
    return fold(s).replace("&", " ").replace(" ", "-").strip("-")


# --- numbers -----------------------------------------------------------------
# Vietnamese notation: "." groups thousands, "," marks decimals ("1.411" is 1411,
# "85,02" is 85.02). Pages written by other tools sometimes use "85.02"; a single
# dot followed by exactly three digits is read as thousands, otherwise as a decimal.
NUMBER_RE = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)?"
_NUMBER = re.compile(rf"^\s*[-+]?(?:{NUMBER_RE})\s*%?\s*$")


def parse_number(s: str | float | int | None) -> float | None:
    """Parse a number as Vietnamese pages write it; None when the text is not a number."""
    if s is None:
        return None
    if isinstance(s, (int, float)):
        return float(s)
    t = clean(s).replace(" ", "")
    t = t.rstrip("%").strip()
    if not t or not _NUMBER.match(t):
        return None
    neg = t.startswith("-")
    t = t.lstrip("+-")
    if "," in t and "." in t:
        t = t.replace(".", "").replace(",", ".")
    elif "," in t:
        # A comma is the decimal mark on Vietnamese pages, even before three digits.
        t = t.replace(",", ".") if t.count(",") == 1 else t.replace(",", "")
    elif t.count(".") > 1:
        t = t.replace(".", "")
    elif "." in t:
        head, _, tail = t.partition(".")
        if len(tail) == 3:
            t = head + tail
    try:
        v = float(t)
    except ValueError:
        return None
    return -v if neg else v
