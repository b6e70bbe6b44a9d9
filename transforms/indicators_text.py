"""Facts stated in running text: "Sở X đạt 85,02 điểm, xếp thứ 3/19", "tiếp nhận 1.234 hồ sơ".

One sentence at a time: the rules of indicators_rules find values; a value is kept when it is a
stated result (not a target, bound, change or average), then attributed to the subject before it
(a named department or province, "Sở"/"của tỉnh", else the document's own agency or province) and
to the period the sentence names (else the title's, else the one the text last named).
Anything that cannot be attributed is reported as a warning, never guessed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from transforms import indicators_rules as R
from transforms.facts import (
    RANK_OF,
    FactContext,
    component_key,
    dedupe,
    fact_row,
    gazetteer,
    period_mentions,
    province_entity,
    title_period,
)
from transforms.text import clean, fold, parse_number


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    kind: str          # agency | province | district | generic_agency | generic_province | generic_district
    #                    | unknown | plural
    name: str = ""
    province_code: str | None = None


# Issuers ("UBND tỉnh Bình Định", "Chủ tịch UBND huyện") are not the subject of what they announce.
_ISSUER = re.compile(r"(?:UBND|Ủy\s+ban\s+nhân\s+dân|Uỷ\s+ban\s+nhân\s+dân|HĐND|Hội\s+đồng\s+nhân\s+dân|"
                     r"Tỉnh\s+ủy|Thành\s+ủy|Huyện\s+ủy|Chủ\s+tịch)\s*$", re.I)
# kind -> (pattern, whether the word after it must be capitalised: True yes, False no, None either)
_GENERIC = [
    ("generic_agency", re.compile(r"\bSở\b"), False),
    ("generic_province", re.compile(r"\b(?:của|toàn|trên\s+địa\s+bàn)\s+(?:tỉnh|thành\s+phố)\b", re.I), False),
    ("generic_district", re.compile(r"\b(?:(?:của|toàn|trên\s+địa\s+bàn)\s+(?:huyện|quận|thị\s+xã)|Huyện|Quận)\b"),
     False),
    ("district", re.compile(r"\b(?:huyện|quận|thị\s+xã|thành\s+phố)\s+(?P<name>\w+(?:\s+\w+){0,3})"), None),
    ("unknown", re.compile(r"\b(?:Sở|Ban|Văn\s+phòng|Thanh\s+tra|Trung\s+tâm|Chi\s+cục|Cục|Bộ|Phòng|Kho\s+bạc)\b"),
     True),
    ("plural", re.compile(r"\bcác\s+(?:sở|cơ\s+quan|đơn\s+vị|huyện|quận|tỉnh|xã|phường|địa\s+phương|phòng|ngành)\b",
                          re.I), None),
]
_NEXT_WORD = re.compile(r"\s+(\w+)")


def _capitalised_words(s: str) -> str:
    """The leading run of capitalised words of s ("Hóc Môn đạt" -> "Hóc Môn")."""
    words = []
    for w in s.split():
        if not w[:1].isupper():
            break
        words.append(w)
    return " ".join(words)


# A province right after an agency qualifies it ("Sở Xây dựng tỉnh Bình Định").
_QUALIFIER_GAP = re.compile(r"^[\s,]*(?:của\s+|thuộc\s+)?(?:UBND\s+)?$", re.I)


def mentions_in(s: str, gaz) -> list[Mention]:
    """Who a sentence names, left to right: agencies, provinces, districts, generic and unknown subjects."""
    out = [Mention(a, b, "agency", name) for name, a, b in gaz.agencies_in(s)]
    taken = [(m.start, m.end) for m in out]
    for p, a, b in gaz.provinces_in(s):
        owner = next((m for m in out if m.kind == "agency" and (m.start <= a < m.end
                      or (m.end <= a and _QUALIFIER_GAP.match(s[m.end:a])))), None)
        if owner is not None:
            out[out.index(owner)] = Mention(owner.start, owner.end, "agency", owner.name, p.code)
        elif not _ISSUER.search(s[max(0, a - 25):a]):
            out.append(Mention(a, b, "province", p.name, p.code))
        taken.append((a, b))
    for kind, rx, cap in _GENERIC:
        for m in rx.finditer(s):
            a, b = m.span()
            nxt = _NEXT_WORD.match(s, b)
            nxt_cap = bool(nxt and nxt.group(1)[:1].isupper() and nxt.group(1) != "Sở")
            if cap is not None and nxt_cap != cap:
                continue
            name = m.group()
            if kind == "district":
                name = _capitalised_words(m.group("name"))
                if not name:
                    continue
                b = m.start("name") + len(name)
            if any(a < y and b > x for x, y in taken) or _ISSUER.search(s[max(0, a - 25):a]):
                continue
            out.append(Mention(a, b, kind, name))
            taken.append((a, b))
    return sorted(out, key=lambda m: m.start)


_ABBREV = re.compile(r"(?:\b(?:TP|Tp|tp|TS|ThS|PGS|GS|TX|TT|Q|P|St|v\.v)|\d)\.$")
_SENT_END = re.compile(r"(?<=[.!?…])\s+(?=[\"“(\w])")


def split_sentences(paragraph: str) -> list[str]:
    out: list[str] = []
    start = 0
    for m in _SENT_END.finditer(paragraph):
        head = paragraph[start:m.start()]
        nxt = paragraph[m.end():m.end() + 1]
        if _ABBREV.search(head) or not (nxt.isupper() or nxt in "\"“(" or nxt.isdigit()):
            continue
        out.append(head)
        start = m.end()
    out.append(paragraph[start:])
    return [s for s in (clean(x) for x in out) if s]


def _topic_cues(s: str) -> list[tuple[int, int, str]]:
    cues = [(m.start(), m.end(), topic) for topic, rx in R.TOPICS for m in rx.finditer(s)]
    return sorted(cues)


def _topic_at(cues, pos: int, inherited: str | None, after: bool = False) -> tuple[str | None, int]:
    """Topic of the nearest cue before pos and where that cue ends; else (with after) of the first
    cue after it ("đạt 85 điểm Chỉ số CCHC"); else the inherited one."""
    before = [c for c in cues if c[1] <= pos]
    if before:
        return before[-1][2], before[-1][1]
    later = [c for c in cues if c[0] >= pos and c[2] != "component"]
    return (later[0][2], -1) if after and later else (inherited, -1)


class _Sentence:
    def __init__(self, s: str, gaz):
        self.s = s
        self.cues = _topic_cues(s)
        self.mentions = mentions_in(s, gaz)
        self.periods = period_mentions(s)
        t = R.TARGET.search(s)
        self.target_at = t.start() if t else len(s)
        self.used: list[tuple[int, int]] = []

    def free(self, a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y in self.used)

    def stated(self, a: int, b: int) -> bool:
        """A value at [a, b) is a stated result: before any target words, not qualified or averaged."""
        s = self.s
        return (a < self.target_at and not R.QUALIFIER.search(s[max(0, a - 30):a])
                and not R.AFTER_QUALIFIER.match(s[b:b + 20]) and not R.AVERAGE.search(s[max(0, a - 60):a]))


def _candidates(st: _Sentence, inherited: str | None, warnings: list[str]) -> list[tuple]:
    """(indicator, start, end, value text, unit or None, component or None) found in one sentence."""
    out: list[tuple] = []
    s = st.s

    def take(ind, m, unit=None, comp=None):
        a, b = m.span("v")
        if st.free(a, b):
            st.used.append((a, b))
            out.append((ind, a, b, m.group("v"), unit, comp))

    for a, b, topic in st.cues:            # component scores, up to the next cue of another index
        if topic != "component":
            continue
        stop = next((c[0] for c in st.cues if c[0] >= b and c[2] not in ("component",)), len(s))
        left = b
        for m in R.COMPONENT_VALUE.finditer(s, b, stop):
            if s[a:b].lower().startswith("lĩnh") and not m.group("max"):
                continue
            name = s[left:m.start()]
            key = component_key(name)
            if key is None:
                warnings.append(f"unknown PAR INDEX component {clean(name)!r}: {s}")
            else:
                take("par_component", m, "points", key)
                st.used.append(m.span())      # its percent of the maximum is no other value
            left = m.end()
    for ind, rx in R.RULES:
        for m in rx.finditer(s):
            take(ind, m)
    for m in R.RANK.finditer(s):
        topic, _ = _topic_at(st.cues, m.start(), inherited, after=True)
        if topic in ("par", "sipas"):
            take(RANK_OF["par_index" if topic == "par" else "sipas"], m)
    for m in R.POINTS.finditer(s):
        if _topic_at(st.cues, m.start("v"), inherited, after=True)[0] == "par":
            take("par_index", m, "points")
    for m in R.PERCENT.finditer(s):
        topic, cue_end = _topic_at(st.cues, m.start("v"), None)
        if topic in ("par", "sipas") and not R.OTHER_RATE.search(s[cue_end:m.start("v")]):
            take("par_index" if topic == "par" else "sipas", m, "percent")
    return out


def _entity(st: _Sentence, pos: int, ctx: FactContext, gaz) -> tuple[str, str, str | None] | str:
    """(entity_type, name, province_code) of the subject before pos, or a warning text."""
    before = [m for m in st.mentions if m.start < pos]
    m: Mention | None = before[-1] if before else None
    kind = m.kind if m else "implicit"
    if kind == "implicit":
        if ctx.agency:
            kind = "generic_agency"
        elif ctx.level == "province":
            kind = "generic_province"
        elif ctx.level == "district":
            kind = "generic_district"
        else:
            return "no subject for the value"
    if kind == "agency":
        code = m.province_code or ctx.province_code
        return ("department", m.name, code) if code else f"no province for {m.name}"
    if kind == "province":
        return ("province", m.name, m.province_code)
    if kind == "generic_agency":
        if not ctx.agency:
            return "'Sở' names no agency (document has none)"
        return ("department", ctx.agency, ctx.province_code) if ctx.province_code else "no province for the agency"
    if kind == "generic_province":
        p = province_entity(gaz, ctx.province_code)
        return ("province", p[0], p[1]) if p else "'tỉnh' names no province (document has none)"
    if kind in ("generic_district", "district"):
        name = ctx.district if kind == "generic_district" else m.name
        if ctx.district and fold(name) == fold(ctx.district) and ctx.province_code:
            return ("district", ctx.district, ctx.province_code)
        return f"unmapped district {name!r}"
    return f"unmapped subject {m.name!r}"


def _period(st: _Sentence, pos: int, fallback: list[str | None]) -> tuple[str | None, bool]:
    """(period, known): the period named before pos, else after it, else the fallbacks in order."""
    before = [p for at, p in st.periods if at < pos]
    if before:
        return before[-1], True
    if st.periods:
        return st.periods[0][1], True
    for p in fallback:
        if p:
            return p, True
    return None, False


def facts_from_text(paragraphs: list[str], ctx: FactContext, gaz=None) -> tuple[list[dict], list[str]]:
    gaz = gaz or gazetteer()
    rows: list[dict] = []
    warnings: list[str] = []
    title_topic = _topic_at(_topic_cues(ctx.title or ""), len(ctx.title or ""), None)[0]
    topic = title_topic if title_topic in ("par", "sipas", "other") else None
    t_period = title_period(ctx.title or "")
    running: str | None = None
    for para in paragraphs:
        for s in split_sentences(para):
            st = _Sentence(s, gaz)
            for ind, a, b, text, unit, comp in sorted(_candidates(st, topic, warnings), key=lambda c: c[1]):
                value = parse_number(text)
                if value is None or not st.stated(a, b):
                    continue
                ent = _entity(st, a, ctx, gaz)
                if isinstance(ent, str):
                    warnings.append(f"{ind} {text}: {ent}: {s}")
                    continue
                period, known = _period(st, a, [t_period, running])
                if period is None:
                    what = "a part of a year is no period" if known else "no period"
                    warnings.append(f"{ind} {text}: {what}: {s}")
                    continue
                if ctx.published_date and int(period[:4]) > ctx.published_date.year:
                    warnings.append(f"{ind} {text}: period {period} after publication: {s}")
                    continue
                rows.append(fact_row(ctx, ent[0], ent[1], ent[2], ind, period, value, unit, s, comp))
            named = [p for _, p in st.periods if p]
            running = named[-1] if named else running
            idx = [c[2] for c in st.cues if c[2] in ("par", "sipas", "other")]
            topic = idx[-1] if idx else topic
    return dedupe(rows, warnings), warnings
