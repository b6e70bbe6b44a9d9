"""Facts stated in running text: "Sở X đạt 85,02 điểm, xếp thứ 3/19", "tiếp nhận 1.234 hồ sơ".

One sentence at a time: the rules (indicators_rules, fact_ranks, fact_lists) find values; a value is kept
when it is a stated result (not a target, bound, estimate, change or average), then attributed to its
entity (a list's entity in order, a named department, province or district, or what "Sở", "đơn vị",
"địa phương" refer back to: fact_subjects) and to the period the sentence names (else the title's, else
the one the text last named: fact_periods). Anything that cannot be attributed is a warning, never guessed.

Units: the PAR INDEX stated both in points and in percent of one entity keeps the percent (the index is
the percent of the maximum score; tables prefer their "Chỉ số (%)" column the same way).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from transforms import fact_lists as L
from transforms import fact_periods as P
from transforms import fact_ranks as K
from transforms import indicators_rules as R
from transforms.fact_subjects import NAMED, Mention, SentenceMentions, Subjects, mentions_in
from transforms.facts import (
    UNITS,
    FactContext,
    component_key,
    dedupe,
    fact_row,
    gazetteer,
    period_mentions,
    resolve,
    title_period,
    value_of,
)
from transforms.text import clean

_ABBREV = re.compile(r"(?:\b(?:TP|Tp|tp|TS|ThS|PGS|GS|TX|TT|Q|P|St|v\.v)|\d)\.$")
_DIGIT = re.compile(r"\d")
_STATED_VALUE = re.compile(R.ANY_NUM + r"\s*(?:%|điểm)", re.I)
_AVERAGE_REACH = 150
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
    return sorted((m.start(), m.end(), topic) for topic, rx in R.TOPICS for m in rx.finditer(s))


def _topic_at(cues, pos: int, inherited: str | None, after: bool = False) -> tuple[str | None, int]:
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


class _Sentence:
    def __init__(self, s: str, gaz):
        self.s = s
        self.cues = _topic_cues(s)
        self.mentions = SentenceMentions(s, gaz)
        self.has_digit = _DIGIT.search(s) is not None  # the value rules below all need one
        self.periods = [(at, p, bool(P.COMPARED.search(s[max(0, at - 12):at]))) for at, p in period_mentions(s)]
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


def _candidates(st: _Sentence, inherited: str | None, warnings: list[str]) -> list[Cand]:
    out: list[Cand] = []
    s = st.s

    def take(c: Cand, span: tuple[int, int] | None = None) -> None:
        if st.free(c.start, c.end):
            st.used.append(span or (c.start, c.end))
            out.append(c)

    def topic(pos: int) -> str | None:
        return _topic_at(st.cues, pos, inherited, after=True)[0]

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


def _rule_values(st: _Sentence, take) -> None:
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


def _ranks(st: _Sentence, take, topic) -> None:
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


def _index_values(st: _Sentence, take, topic, inherited: str | None) -> None:
    """Index scores and percents after a cue, a verb or a name."""
    s = st.s
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
        topic_here, _ = _topic_at(st.cues, m.start("v"), None)
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


def _percent_topic(st: _Sentence, pos: int, inherited: str | None, end: int = -1) -> tuple[str | None, int]:
    """The index a percent at pos states and where the words that qualify it begin: the sentence's cue
    before it, or right after it ("đạt 86,33% Chỉ số CCHC"), else (no cue in the sentence) the text's index,
    qualified from the subject on."""
    topic, cue_end = _topic_at(st.cues, pos, None)
    if topic is None and end >= 0:
        nxt = next((c for c in st.cues if c[0] >= end), None)
        if nxt and nxt[2] != "component" and not st.s[end:nxt[0]].strip(" ,"):
            topic, cue_end = nxt[2], pos
    if topic is None and not st.cues and inherited in ("par", "sipas"):
        subj = st.subject_before(pos)
        topic, cue_end = inherited, (subj.end if subj else 0)
    return _index_of(topic, "percent"), max(cue_end, 0)


def _components(st: _Sentence, take, warnings: list[str]) -> None:
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


def facts_from_text(paragraphs: list[str], ctx: FactContext, gaz=None) -> tuple[list[dict], list[str]]:
    gaz = gaz or gazetteer()
    rows: list[dict] = []
    warnings: list[str] = []
    title = ctx.title or ""
    title_topic = _topic_at(_topic_cues(title), len(title), None)[0]
    topic = title_topic if title_topic in ("par", "sipas", "other") else None
    published = str(ctx.published_date.year) if ctx.published_date else None
    t_period = resolve(title_period(title), published)
    subjects = Subjects(ctx, gaz, mentions_in(title, gaz))
    running: str | None = None
    for para in paragraphs:
        for s in split_sentences(para):
            st = _Sentence(s, gaz)
            rows += _sentence_rows(st, topic, ctx, subjects, [t_period, running, published], warnings)
            named = [p for _, p, compared in st.periods if p and not p.startswith("?") and not compared]
            running = named[-1] if named else running
            idx = {c[2] for c in st.cues if c[2] in ("par", "sipas", "other")}
            if idx:  # a sentence that names two indices hands on neither, unless one is the title's
                topic = idx.pop() if len(idx) == 1 else title_topic if title_topic in idx else None
            subjects.next_sentence(st.mentions)
    return dedupe(rows, warnings), warnings


def _sentence_rows(st: _Sentence, topic, ctx: FactContext, subjects: Subjects, fallback, warnings) -> list[dict]:
    out: list[dict] = []
    plan = P.is_plan(ctx.title)
    s = st.s
    for c in sorted(_candidates(st, topic, warnings), key=lambda c: c.start):
        unit = c.unit or UNITS[c.indicator]
        value = K.ordinal(c.text) if unit == "rank" else value_of(c.text, unit)
        if value is None or not st.stated(c.start, c.end) or (unit in ("percent", "points") and value > 100):
            continue
        period, named = P.value_period(st.s, st.periods, c.start, fallback)
        if period and c.indicator in P.INDEX_FACTS and period == fallback[-1] and fallback[0] and fallback[0] < period:
            period = fallback[0]     # "Năm 2024, Bộ Nội vụ công bố ...": the index of the title's year, announced now
        if period is None:
            what = "no period of the contract (a stretch of a year, or several years)" if named else "no period"
            warnings.append(f"{c.indicator} {c.text}: {what}: {s}")
            continue
        subject = c.mention or st.subject_before(c.start)
        ent = subjects.resolve(subject, period, st.mentions if subject and subject.kind not in NAMED else None)
        if isinstance(ent, str):
            warnings.append(f"{c.indicator} {c.text}: {ent}: {s}")
            continue
        if ctx.published_date and int(period[:4]) > ctx.published_date.year:
            warnings.append(f"{c.indicator} {c.text}: period {period} after publication: {s}")
            continue
        if plan and ctx.published_date and P.period_end(period) > ctx.published_date:
            warnings.append(f"{c.indicator} {c.text}: a plan's figure for a period not yet over is a target: {s}")
            continue
        out.append(fact_row(ctx, ent[0], ent[1], ent[2], c.indicator, period, value, unit, s, c.component))
    # One index value per entity and period: the percent, when points and percent are both stated.
    pct = {(r["entity_name"], r["period"]) for r in out if r["indicator"] == "par_index" and r["unit"] == "percent"}
    return [r for r in out if not (r["indicator"] == "par_index" and r["unit"] == "points"
                                   and (r["entity_name"], r["period"]) in pct)]
