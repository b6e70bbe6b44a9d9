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

from transforms import fact_periods as P
from transforms import fact_ranks as K
from transforms.fact_candidates import Sentence, candidates, topic_at, topic_cues
from transforms.fact_subjects import NAMED, Subjects, mentions_in
from transforms.facts import UNITS, FactContext, dedupe, fact_row, gazetteer, resolve, title_period, value_of
from transforms.text import clean

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


def facts_from_text(paragraphs: list[str], ctx: FactContext, gaz=None) -> tuple[list[dict], list[str]]:
    gaz = gaz or gazetteer()
    rows: list[dict] = []
    warnings: list[str] = []
    title = ctx.title or ""
    title_topic = topic_at(topic_cues(title), len(title), None)[0]
    topic = title_topic if title_topic in ("par", "sipas", "other") else None
    published = str(ctx.published_date.year) if ctx.published_date else None
    t_period = resolve(title_period(title), published)
    subjects = Subjects(ctx, gaz, mentions_in(title, gaz))
    running: str | None = None
    for para in paragraphs:
        for s in split_sentences(para):
            st = Sentence(s, gaz)
            rows += _sentence_rows(st, topic, ctx, subjects, [t_period, running, published], warnings)
            named = [p for _, p, compared in st.periods if p and not p.startswith("?") and not compared]
            running = named[-1] if named else running
            idx = {c[2] for c in st.cues if c[2] in ("par", "sipas", "other")}
            if idx:  # a sentence that names two indices hands on neither, unless one is the title's
                topic = idx.pop() if len(idx) == 1 else title_topic if title_topic in idx else None
            subjects.next_sentence(st.mentions)
    return dedupe(rows, warnings), warnings


def _sentence_rows(st: Sentence, topic, ctx: FactContext, subjects: Subjects, fallback, warnings) -> list[dict]:
    out: list[dict] = []
    plan = P.is_plan(ctx.title)
    s = st.s
    for c in sorted(candidates(st, topic, warnings), key=lambda c: c.start):
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
