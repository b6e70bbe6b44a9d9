"""Vietnamese legal document numbers (số ký hiệu văn bản): parse and find them in text.

Grammar (Nghị định 30/2020/NĐ-CP, Phụ lục I): ``<số>[/<năm>]/<loại>-<cơ quan>[-<đơn vị>]``,
e.g. "22/KH-SXD", "61/2018/NĐ-CP", "03/2016/TTLT-BNV-BTC". A Công văn carries no type
code: "1563/UBND-NC" (issuer UBND, drafting unit NC) is kind "CV". Party documents put the
type before the slash: "60-NQ/TW". The serial may carry a letter: "30c/NQ-CP".

Canonical form: NFC, no spaces around separators, "-" between codes (dots and en dashes in
the source become "-"), serial and issuer codes in the case written, the type code in its
canonical spelling ("Qđ", "QD" -> "QĐ"; "TTR" -> "TTr"). A type code written without Đ is
mapped to the Đ form only when that is unambiguous ("HD" stays Hướng dẫn, "HĐ" stays Hợp đồng).

Kind is "" (unknown, reported rather than guessed) for a number with a year segment but no
type code, unless a preceding noun names it ("Luật số 80/2015/QH13" -> "Luật").
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from transforms.text import nfc

# Type codes: Nghị định 30/2020 Phụ lục III, legal normative documents, Party documents.
TYPE_CODES = (
    "NQ", "QĐ", "CT", "QC", "QyĐ", "TC", "TB", "HD", "CTr", "KH", "PA", "ĐA", "DA", "BC", "BB",
    "TTr", "HĐ", "CĐ", "BGN", "BTT", "GUQ", "GM", "GGT", "GNP", "PG", "PC", "PB",
    "NĐ", "TT", "TTLT", "PL", "KL", "CV", "TCT",
)
_TYPE_BY_KEY = {c.upper(): c for c in TYPE_CODES}


def _dless(s: str) -> str:
    return s.upper().replace("Đ", "D")


# "QD" -> "QĐ" only where exactly one code folds to the key and none is spelled that way.
_TYPE_BY_DLESS: dict[str, str] = {}
for _code in TYPE_CODES:
    _TYPE_BY_DLESS.setdefault(_dless(_code), _code)
_AMBIGUOUS = {k for k in _TYPE_BY_DLESS if sum(_dless(c) == k for c in TYPE_CODES) > 1}

# Nouns that name a document whose number has no type code.
_NOUN_KINDS = (("bộ luật", "Luật"), ("luật", "Luật"), ("pháp lệnh", "PL"), ("nghị quyết", "NQ"),
               ("công văn", "CV"), ("văn bản", "CV"))

# Look-alikes met in scraped text: Icelandic eth for Đ, soft hyphen and zero-width noise.
_TRANSLATE = str.maketrans({
    "\u00d0": "Đ", "\u00f0": "đ", "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-",
    "\u2014": "-", "\u2212": "-", "\u00a0": " ", "\u202f": " ", "\u200b": None, "\ufeff": None,
    "\u00ad": None,
})

_SP = r"[^\S\n]*"  # spaces, never across a line break
_TOKEN = r"[^\W\d_][^\W_]*(?:&[^\W_]+)*"
_SEP = rf"(?:{_SP}-{_SP}|\.(?=[^\W\d_]))"
_CODES = rf"{_TOKEN}(?:{_SEP}{_TOKEN})*"
_SERIAL = r"\d{1,6}[A-Za-z]?"
# A serial stands alone: not inside a word, a fraction ("9,75/11"), a date or a path.
_START = r"(?:(?<=[Ss][ốỐ])|(?<![\w/.,&-]))"
_NUMBER = re.compile(
    rf"{_START}(?:"
    rf"(?P<serial>{_SERIAL}){_SP}/{_SP}(?:(?P<year>(?:19|20)\d\d){_SP}/{_SP})?(?P<codes>{_CODES})"
    rf"|(?P<pserial>{_SERIAL}){_SP}-{_SP}(?P<ptype>{_TOKEN}){_SP}/{_SP}(?P<pcodes>{_CODES})"
    rf")"
)
_URL = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+", re.IGNORECASE)
_SEP_SPLIT = re.compile(rf"({_SEP})")

# What a number's issue date looks like when the text states it right after the number.
_DATE_AFTER = re.compile(
    r"^[\s,(]*(?P<gap>(?:[^\W\d_]+[^\S\n]*,?[^\S\n]+){0,7}?)ngày\s+"
    r"(?:(?P<d>\d{1,2})\s*[/.-]\s*(?P<m>\d{1,2})\s*[/.-]\s*(?P<y>\d{4})"
    r"|(?P<wd>\d{1,2})\s+tháng\s+(?P<wm>\d{1,2})\s+năm\s+(?P<wy>\d{4}))(?!\d)"
)
# "từ ngày", "đến ngày" give a period; "về việc … ngày" an event: not the date of issue.
_NOT_ISSUE_WORDS = {
    "từ", "đến", "tới", "trước", "sau", "kể", "tính", "hết", "cuối", "đầu", "số", "và", "trong", "chậm",
    "nhất", "hạn", "về", "việc", "tại", "để", "nhằm", "theo", "với", "cho", "diễn", "họp", "đã", "sẽ",
}
# Words allowed between a number and its date: "của UBND tỉnh", "do Sở Nội vụ ban hành" may be long.
_MAX_GAP, _MAX_GAP_ISSUER = 3, 7
_DATE_WINDOW = 80


@dataclass(frozen=True)
class DocRef:
    number: str
    kind: str
    issuer: str
    year: int | None
    issued_date: dt.date | None


def normalize_text(text: str) -> str:
    """NFC with dash and Đ look-alikes unified; one character in, at most one out."""
    return nfc(text).translate(_TRANSLATE)


def canonical_type(code: str) -> str | None:
    """The canonical spelling of a document type code, or None when it is not one."""
    key = code.upper()
    if key in _TYPE_BY_KEY:
        return _TYPE_BY_KEY[key]
    dless = _dless(code)
    return None if dless in _AMBIGUOUS else _TYPE_BY_DLESS.get(dless)


def _is_code(token: str) -> bool:
    """An issuer/unit abbreviation: capital first, at least two capitals, at most one small letter."""
    letters = [c for c in token if c.isalpha()]
    upper = sum(c.isupper() for c in letters)
    return token[0].isupper() and upper >= 2 and len(letters) - upper <= 1


def _parse_codes(raw: str) -> tuple[list[str], int]:
    """Split "KH - SXD.VP" into codes; stop at the first word that is no code.

    A spaced dash is trusted only between the first two codes ("473/TTr - NN&PTNT"):
    later on it is more often prose ("… 22/KH-SXD - UBND tỉnh …").
    Returns the codes and how many characters of `raw` they span.
    """
    parts = _SEP_SPLIT.split(raw)
    tokens, seps = parts[0::2], parts[1::2]
    out, span = [tokens[0]], len(tokens[0])
    for i, (sep, tok) in enumerate(zip(seps, tokens[1:], strict=True), start=1):
        if (i >= 2 and sep.strip() != sep) or not _is_code(tok):
            break
        out.append(tok)
        span += len(sep) + len(tok)
    return out, span


def _preceding(text: str, start: int) -> str:
    return text[max(0, start - 30):start].lower()


def _has_cue(before: str) -> bool:
    return re.search(r"(?:số|công văn|văn bản|\bcv)[\s:.]*$", before) is not None


def _noun_kind(before: str) -> str | None:
    words = re.sub(r"\s*(?:\bsố)?[\s:.]*$", "", before)
    for noun, kind in _NOUN_KINDS:
        if re.search(rf"(?:^|\s){noun}$", words):
            return kind
    return None


_Parsed = tuple[str, str, str, int | None, int]  # number, kind, issuer, year, end offset


def _parse_standard(m: re.Match, before: str) -> _Parsed | None:
    codes, span = _parse_codes(m.group("codes"))
    year = int(m.group("year")) if m.group("year") else None
    serial = m.group("serial")
    if len(codes) == 1 and re.match(r"[-.]\w", m.group("codes")[span:]):
        return None  # "12/kh-ubnd": the issuer is there but unreadable; don't cut it off
    head = canonical_type(codes[0])
    if head is not None:
        if len(codes) == 1 and not _has_cue(before):
            return None
        codes[0] = head
        issuer = "-".join(codes[1:]) if head == "TTLT" else (codes[1] if len(codes) > 1 else "")
        kind = head
    else:
        # No type code: a Công văn ("1563/UBND-NC") or a law ("80/2015/QH13"); both are
        # introduced by "số"/a noun in running text, which keeps addresses and codes out.
        if not _is_code(codes[0]) or not _has_cue(before):
            return None
        issuer = codes[0]
        noun = _noun_kind(before)
        kind = noun if noun else ("" if year else "CV")
    prefix = f"{serial}/{year}/" if year else f"{serial}/"
    return prefix + "-".join(codes), kind, issuer, year, m.start("codes") + span


def _parse_party(m: re.Match) -> _Parsed | None:
    kind = canonical_type(m.group("ptype"))
    codes, span = _parse_codes(m.group("pcodes"))
    if kind is None or not _is_code(codes[0]):
        return None
    return f"{m.group('pserial')}-{kind}/" + "-".join(codes), kind, codes[0], None, m.start("pcodes") + span


def _parse_issue_date(after: str) -> dt.date | None:
    m = _DATE_AFTER.match(after)
    if not m:
        return None
    gap = re.findall(r"[^\W\d_]+", m.group("gap").lower())
    limit = _MAX_GAP_ISSUER if gap and gap[0] in ("của", "do") else _MAX_GAP
    if len(gap) > limit or any(w in _NOT_ISSUE_WORDS for w in gap):
        return None
    if m.group("d"):
        d, mo, y = m.group("d"), m.group("m"), m.group("y")
    else:
        d, mo, y = m.group("wd"), m.group("wm"), m.group("wy")
    try:
        date = dt.date(int(y), int(mo), int(d))
    except ValueError:
        return None
    return date if 1945 <= date.year <= 2100 else None


def _is_form_number(before: str) -> bool:
    """Form templates ("Mẫu số 01/TK-TNCN") look like numbers but cite no document."""
    return re.search(r"mẫu(?:\s+số)?[\s:.]*$", before) is not None


def _iter_refs(text: str, standalone: bool = False):
    t = _URL.sub(lambda u: " " * len(u.group()), normalize_text(text))
    for m in _NUMBER.finditer(t):
        # A string handed over as a number needs no "số" to introduce it.
        before = "số " if standalone and not t[:m.start()].strip() else _preceding(t, m.start())
        if _is_form_number(before):
            continue
        parsed = _parse_party(m) if m.group("pserial") else _parse_standard(m, before)
        if parsed is None:
            continue
        number, kind, issuer, year, end = parsed
        if re.match(r"[^\S\n]*/[^\W\d_]", t[end:]):
            continue  # "12/KH-UBND/abc": part of a path or an unknown shape
        date = _parse_issue_date(t[end:end + _DATE_WINDOW])
        if date is not None and year is not None and date.year != year:
            date = None  # the date belongs to something else: the number names its year
        yield DocRef(number, kind, issuer, year if year is not None else (date.year if date else None), date)


def find_doc_refs(text: str) -> list[DocRef]:
    """Every document number cited in `text`, once each (first mention's order).

    A later mention fills in the issue date when the first one did not state it.
    """
    refs: dict[str, DocRef] = {}
    for ref in _iter_refs(text or ""):
        key = ref.number.upper()
        seen = refs.get(key)
        if seen is None:
            refs[key] = ref
        elif seen.issued_date is None and ref.issued_date is not None:
            refs[key] = DocRef(seen.number, seen.kind, seen.issuer, ref.year, ref.issued_date)
    return list(refs.values())


def parse_doc_number(raw: str) -> DocRef | None:
    """The document number in `raw` (noise such as "số" or a trailing date tolerated), or None."""
    refs = list(_iter_refs(raw or "", standalone=True))
    return refs[0] if refs else None
