"""Several entities in one sentence, with their values in order.

"Long An, Cà Mau và Ninh Bình với 89,12%, 88,74% và 88,05%", "Sở A, Sở B và Sở C lần lượt đạt 90; 88,5 và
85 điểm", "... lần lượt xếp thứ 2, 3 và 4": a list of values right after a list of as many entities gives
each entity its value, in order. A list whose length matches no group of entities before it is not
zipped; under "lần lượt" (respectively) that is reported, since the sentence promises an order.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from transforms.fact_ranks import ORD, RANK_ITEM, RANK_LIST, ordinal
from transforms.fact_subjects import NAMED, Mention
from transforms.indicators_rules import _NUM

_ITEM = rf"(?<![\d.,/])(?:{_NUM})(?![\d/])(?:\s*(?:%|điểm))?"
_SEP = r"\s*(?:,\s*và|;\s*và|,|;|và)\s*"
VALUE_LIST = re.compile(rf"{_ITEM}(?:{_SEP}{_ITEM})+")
_ONE = re.compile(rf"(?<![\d.,/])(?P<v>{_NUM})(?![\d/])(?:\s*(?P<u>%|điểm))?")
_BETWEEN_MENTIONS = re.compile(r"^\s*(?:,|;|và|,\s*và|;\s*và)?\s*(?:và\s+)?$")
RESPECTIVELY = re.compile(r"\b(?:lần\s+lượt|tương\s+ứng)\b", re.I)


@dataclass(frozen=True)
class Item:
    start: int
    end: int
    text: str
    unit: str | None      # percent, points, rank
    mention: Mention


def group_before(s: str, mentions: list[Mention], pos: int) -> list[Mention]:
    """The run of named mentions that ends with the last named mention before pos, joined only by
    commas and "và" ("Long An, Cà Mau và Ninh Bình")."""
    before = [m for m in mentions if m.end <= pos]
    if not before or before[-1].kind not in NAMED:
        return []
    run = [before[-1]]
    for m in reversed(before[:-1]):
        if m.kind not in NAMED or not _BETWEEN_MENTIONS.match(s[m.end:run[0].start]):
            break
        run.insert(0, m)
    return run


def zipped(s: str, mentions: list[Mention], warnings: list[str]) -> list[Item]:
    """Values of value lists and rank lists given to the entities they follow, in order."""
    out: list[Item] = []
    lists: list[tuple[int, int, list[tuple[int, int, str, str | None]]]] = []
    for m in VALUE_LIST.finditer(s):
        items = [(x.start("v"), x.end("v"), x.group("v"), x.group("u")) for x in _ONE.finditer(m.group())]
        unit = items[-1][3]
        if unit is None or any(u not in (None, unit) for *_, u in items):
            continue
        lists.append((m.start(), m.end(), [(m.start() + a, m.start() + b, t, "percent" if unit == "%" else "points")
                                           for a, b, t, _ in items]))
    for m in RANK_LIST.finditer(s):
        body = s[m.start():m.end()]
        items = [x for x in RANK_ITEM.finditer(body) if ordinal(x.group()) is not None]
        lists.append((m.start(), m.end(), [(m.start() + x.start(), m.start() + x.end(), x.group(), "rank")
                                           for x in items]))
    for start, _end, items in lists:
        group = group_before(s, mentions, start)
        if len(group) >= 2 and len(group) == len(items):
            out += [Item(a, b, t, u, g) for (a, b, t, u), g in zip(items, group, strict=True)]
        elif RESPECTIVELY.search(s[max(0, start - 40):start]) and len(group) >= 2:
            warnings.append(f"{len(items)} values for {len(group)} entities: {s}")
    return out


RANGE_OF = re.compile(ORD, re.I)


def range_items(s: str, mentions: list[Mention], a: int, b: int, end: int, warnings: list[str]) -> list[Item]:
    """Ranks a..b given to the named entities that follow, in order, when there are exactly b-a+1."""
    after = []
    for m in mentions:
        if m.start < end:
            continue
        if m.kind not in NAMED:
            break
        if after and not _BETWEEN_MENTIONS.match(re.sub(r"\([^)]*\)|(?:với|đạt)?\s*[\d.,]+\s*(?:%|điểm)", "",
                                                        s[after[-1].end:m.start])):
            break
        after.append(m)
    if len(after) != b - a + 1:
        warnings.append(f"ranks {a} to {b} for {len(after)} entities: {s}")
        return []
    return [Item(m.start, m.end, str(a + i), "rank", m) for i, m in enumerate(after)]
