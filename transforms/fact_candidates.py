"""Candidate values of one sentence: which rule finds a value, which index it is about, whether it is stated.

The rules live in indicators_rules (dossier counts and rates, index values), fact_ranks (ranks, leaders,
moves) and fact_lists (values and ranks given to a list of entities in order); this module runs them over a
sentence in order, each span taken once, and tells the index from the cues before or after a value
(TOPICS). What a candidate is about (its entity and period) is decided by indicators_text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from transforms import fact_lists as L
from transforms import fact_ranks as K
from transforms import indicators_rules as R
from transforms.fact_periods import COMPARED
from transforms.fact_subjects import NAMED, Mention, SentenceMentions
from transforms.facts import UNITS, component_key, period_mentions, value_of
from transforms.text import clean

_DIGIT = re.compile(r"\d")
_STATED_VALUE = re.compile(R.ANY_NUM + r"\s*(?:%|điểm)", re.I)
_AVERAGE_REACH = 150


def topic_cues(s: str) -> list[tuple[int, int, str]]:
    return sorted((m.start(), m.end(), topic) for topic, rx in R.TOPICS for m in rx.finditer(s))


def topic_at(cues, pos: int, inherited: str | None, after: bool = False) -> tuple[str | None, int]:
    """Topic of the nearest cue before pos and where that cue ends; else (with after) of the first
    cue after it ("đạt 85 điểm Chỉ số CCHC"); else the inherited one."""
    before = [c for c in cues if c[1] <= pos]
    if before:
        return before[-1][2], before[-1][1]
    later = [c for c in cues if c[0] >= pos and c[2] != "component"]
    return (later[0][2], -1) if after and later else (inherited, -1)


@dataclass(frozen=True)
class Cand:
    indicator: str
    start: int
    end: int
    text: str
    unit: str | None = None
    component: str | None = None
    mention: Mention | None = None     # the entity, when the grammar names it (lists, "là X")


class Sentence:
    def __init__(self, s: str, gaz):
        self.s = s
        self.cues = topic_cues(s)
        self.mentions = SentenceMentions(s, gaz)
        self.has_digit = _DIGIT.search(s) is not None  # the value rules below all need one
        self.periods = [(at, p, bool(COMPARED.search(s[max(0, at - 12):at]))) for at, p in period_mentions(s)]
        t = R.TARGET.search(s)
        self.target_at = t.start() if t else len(s)
        self.used: list[tuple[int, int]] = []

    def free(self, a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y in self.used)

    def stated(self, a: int, b: int) -> bool:
        """A value at [a, b) is a stated result: before any target words, not qualified or averaged."""
        s = self.s
        return (a < self.target_at and not R.QUALIFIER.search(s[max(0, a - 30):a])
                and not R.AFTER_QUALIFIER.match(s[b:b + 20]) and not R.AVERAGE.search(s[self._since_value(a):a]))

    def _since_value(self, a: int) -> int:
        """Where the words that may qualify a value at `a` begin: after the value stated before it, else from
        the sentence's start, at most _AVERAGE_REACH back ("giá trị trung bình ... của 17 bộ, ... là 84,38%")."""
        ends = [m.end() for m in _STATED_VALUE.finditer(self.s, max(0, a - _AVERAGE_REACH), a)]
        return ends[-1] if ends else max(0, a - _AVERAGE_REACH)

    def named_after(self, pos: int) -> Mention | None:
        """The entity right after pos ("Xếp thứ hai là Sở Nội vụ"): nothing but a few words between."""
        m = next((m for m in self.mentions if m.start >= pos and m.kind != "plural"), None)
        return m if m and m.kind in NAMED and m.start - pos <= 40 else None

    def subject_before(self, pos: int) -> Mention | None:
        before = [m for m in self.mentions if m.start < pos]
        return before[-1] if before else None


def _index_of(topic: str | None, unit: str | None) -> str | None:
    if topic == "par":
        return "par_rank" if unit == "rank" else "par_index"
    if topic == "sipas":
        return "sipas_rank" if unit == "rank" else "sipas"
    return None


def candidates(st: Sentence, inherited: str | None, warnings: list[str]) -> list[Cand]:
    out: list[Cand] = []
    s = st.s

    def take(c: Cand, span: tuple[int, int] | None = None) -> None:
        if st.free(c.start, c.end):
            st.used.append(span or (c.start, c.end))
            out.append(c)

    def topic(pos: int) -> str | None:
        return topic_at(st.cues, pos, inherited, after=True)[0]

    for it in L.zipped(s, st.mentions, warnings):          # "A, B và C với x%, y% và z%"
        ind = _index_of(topic(it.start), it.unit)
        if ind:
            take(Cand(ind, it.start, it.end, it.text, it.unit, mention=it.mention))
    for m in K.RANGE_LIST.finditer(s):                      # "Từ vị trí thứ 7 đến thứ 10 là ..."
        a, b = K.ordinal(m.group("a")), K.ordinal(m.group("b"))
        ind = _index_of(topic(m.start()), "rank")
        if ind and a and b and b > a and st.free(*m.span()):
            st.used.append(m.span())
            for it in L.range_items(s, st.mentions, a, b, m.end(), warnings):
                out.append(Cand(ind, it.start, it.end, it.text, "rank", mention=it.mention))
    for m in K.ITEM_RANK.finditer(s):                       # "(7) Sở Y tế: 86,4 điểm"
        nxt = st.named_after(m.end())
        ind = _index_of(topic(m.start()), "rank")
        if ind and nxt and nxt.start == m.end() and K.ITEM_SCORE.match(s, nxt.end):   # a ranked item has its score
            take(Cand(ind, m.start("v"), m.end("v"), m.group("v"), "rank", mention=nxt))
    if st.has_digit:
        _components(st, take, warnings)
        _rule_values(st, take)
    _ranks(st, take, topic)
    if st.has_digit:
        _index_values(st, take, topic, inherited)
    return out


def _rule_values(st: Sentence, take) -> None:
    """Dossier counts and rates by the rules of transforms/indicators_rules.py."""
    s = st.s
    for ind, rx in R.RULES:
        for m in rx.finditer(s):
            if (UNITS[ind] == "count" and R.SUBSET.match(s, m.end("v"))) or (
                    ind in ("online_rate", "dossiers_received_online") and R.NOT_ONLINE.search(s, m.start(), m.end() + 12)) or (
                    ind == "online_rate" and R.RESOLVED_WORDS.search(s, m.start(), m.start("v"))) or (
                    ind in ("on_time_rate", "early_rate") and R.ONLINE_ONLY.search(_clause(s, m.start("v")))):
                st.used.append(m.span("v"))
                continue
            take(Cand(ind, *m.span("v"), m.group("v")))


def _ranks(st: Sentence, take, topic) -> None:
    """Ranks stated in words: moves, "xếp thứ", "dẫn đầu"."""
    s = st.s
    for m in K.RANK_MOVE.finditer(s):
        ind = _index_of(topic(m.start()), "rank")
        if ind and not K._REGIONAL.match(s[m.end():m.end() + 40]):
            take(Cand(ind, *m.span("v"), m.group("v"), "rank"), span=m.span())
        else:
            st.used.append(m.span())
    for m in K.RANK.finditer(s):
        ind = _index_of(topic(m.start()), "rank")
        if ind and K.is_rank_stated(s, m):
            after = st.named_after(m.end()) if K.subject_after(s, m.end()) else None
            take(Cand(ind, *m.span("v"), m.group("v"), "rank", mention=after))
    for m in K.LEADER.finditer(s):                          # "dẫn đầu", "năm thứ hai liên tiếp đứng đầu"
        ind = _index_of(topic(m.start()), "rank")
        if ind and K.is_leader(s, m):
            after = st.named_after(m.end()) if K.subject_after(s, m.end()) else None
            take(Cand(ind, m.start(), m.end(), "1", "rank", mention=after))


def _index_values(st: Sentence, take, topic, inherited: str | None) -> None:
    """Index scores and percents after a cue, a verb or a name, or before the name ("Với X%, <name> ...")."""
    s = st.s
    lead = R.LEADING_VALUE.match(s)
    who = st.named_after(lead.end()) if lead else None
    if who is not None and who.start == lead.end():
        named = {c[2] for c in st.cues if c[2] in ("par", "sipas")}   # the sentence's one index, else the text's
        cue = named.pop() if len(named) == 1 else None if named else inherited
        if cue in ("par", "sipas"):
            unit = "percent" if lead.group("u") == "%" or cue == "sipas" else "points"
            take(Cand(_index_of(cue, unit), *lead.span("v"), lead.group("v"), unit, mention=who))
    for m in R.SCORE_NAMED.finditer(s):
        if topic(m.start("v")) == "par" and (value_of(m.group("v"), "points") or 0) >= 30:
            take(Cand("par_index", *m.span("v"), m.group("v"), "points"))
    for m in R.POINTS.finditer(s):
        if st.cues == [] and not (R.BARE_END.match(s, m.end()) and (value_of(m.group("v"), "points") or 0) >= 30):
            continue                       # the text's index, but a small or qualified score is some criterion's
        if topic(m.start("v")) == "par":
            take(Cand("par_index", *m.span("v"), m.group("v"), "points"))
    for m in R.PERCENT.finditer(s):
        ind, since = _percent_topic(st, m.start("v"), inherited, m.end())
        if st.cues == [] and not R.BARE_END.match(s, m.end()):
            continue                       # the text's index, but the percent goes on to qualify something else
        if ind and not R.OTHER_RATE.search(s[since:m.start("v")]):
            take(Cand(ind, *m.span("v"), m.group("v"), "percent"))
    for m in R.NO_UNIT.finditer(s):    # the index named in the sentence before it, or "<entity> đạt 87,32,"
        topic_here, _ = topic_at(st.cues, m.start("v"), None)
        subj = st.subject_before(m.start())
        if topic_here is None and not st.cues and subj and subj.kind in NAMED and not s[subj.end:m.start()].strip():
            topic_here = inherited
        ind = _index_of(topic_here, "points")
        if ind and (value_of(m.group("v"), "points") or 0) >= 40:    # an index, not a component or a count
            take(Cand(ind, *m.span("v"), m.group("v"), "percent" if ind == "sipas" else "points"))
    for _, b, cue in st.cues:                              # "Bắc Ninh có Chỉ số CCHC 89,19%"
        m = R.BARE.match(s, b) if cue in ("par", "sipas") else None
        if m and R.BARE_END.match(s, m.end()):
            unit = "percent" if m.group("u") == "%" or cue == "sipas" else "points"
            take(Cand(_index_of(cue, unit), *m.span("v"), m.group("v"), unit))
    if "%" not in s and "điểm" not in s.lower():           # BARE needs one of them: leave the names unread
        return
    for men in st.mentions:                                # "Sở Tài chính 90,1%", "Long An: 89,12%"
        m = R.BARE.match(s, men.end) if men.kind in NAMED else None
        if not m or not R.BARE_END.match(s, m.end()):
            continue
        unit = "percent" if m.group("u") == "%" else "points"
        ind, _ = _percent_topic(st, m.start("v"), inherited) if unit == "percent" else (
            "par_index" if topic(m.start("v")) == "par" else None, 0)
        if ind:
            take(Cand(ind, *m.span("v"), m.group("v"), unit, mention=men))


def _clause(s: str, pos: int) -> str:
    """The words of s before pos back to the last comma or semicolon."""
    start = max(s.rfind(",", 0, pos), s.rfind(";", 0, pos), s.rfind(":", 0, pos), 0)
    return s[start:pos]


def _percent_topic(st: Sentence, pos: int, inherited: str | None, end: int = -1) -> tuple[str | None, int]:
    """The index a percent at pos states and where the words that qualify it begin: the sentence's cue
    before it, or right after it ("đạt 86,33% Chỉ số CCHC"), else (no cue in the sentence) the text's index,
    qualified from the subject on."""
    topic, cue_end = topic_at(st.cues, pos, None)
    if topic is None and end >= 0:
        nxt = next((c for c in st.cues if c[0] >= end), None)
        if nxt and nxt[2] != "component" and not st.s[end:nxt[0]].strip(" ,"):
            topic, cue_end = nxt[2], pos
    if topic is None and not st.cues and inherited in ("par", "sipas"):
        subj = st.subject_before(pos)
        topic, cue_end = inherited, (subj.end if subj else 0)
    return _index_of(topic, "percent"), max(cue_end, 0)


def _components(st: Sentence, take, warnings: list[str]) -> None:
    """Component scores, from "chỉ số thành phần" up to the next cue of another index."""
    s = st.s
    for a, b, topic in st.cues:
        if topic != "component":
            continue
        stop = next((c[0] for c in st.cues if c[0] >= b and c[2] != "component"), len(s))
        left = b
        for m in R.COMPONENT_VALUE.finditer(s, b, stop):
            if s[a:b].lower().startswith("lĩnh") and not m.group("max"):
                continue
            name = s[left:m.start()]
            key = component_key(name)
            if key is None:
                warnings.append(f"unknown PAR INDEX component {clean(name)!r}: {s}")
            else:
                take(Cand("par_component", *m.span("v"), m.group("v"), "points", key), span=m.span())
            left = m.end()
