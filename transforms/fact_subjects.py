"""Who a sentence is about: the entities it names, and what "Sở", "đơn vị", "địa phương", "tỉnh" refer to.

`mentions_in` lists a sentence's mentions left to right: named agencies (with the province that qualifies
them), provinces, districts, communes, and the words that refer back to one. `Subjects` remembers what the
title and the previous sentence named, so that a sentence saying only "Sở" or "đơn vị" means the department
named just before. A value's subject that cannot be resolved is a warning text, never a guess.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from transforms.facts import FactContext, after_2025_reform, province_in_period
from transforms.text import fold


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    kind: str          # agency | ministry | province | district | commune | generic_agency | generic_province
    #                    | generic_district | generic_unit | generic_place | unknown | plural
    name: str = ""
    province_code: str | None = None


NAMED = ("agency", "province", "district", "ministry")
# Issuers ("UBND tỉnh Bình Định", "Chủ tịch UBND huyện") are not the subject of what they announce.
_ISSUER = re.compile(r"(?:UBND|Ủy\s+ban\s+nhân\s+dân|Uỷ\s+ban\s+nhân\s+dân|HĐND|Hội\s+đồng\s+nhân\s+dân|"
                     r"Tỉnh\s+ủy|Thành\s+ủy|Huyện\s+ủy|Chủ\s+tịch|Bộ\s+Nội\s+vụ|Bộ\s+trưởng)\s*$", re.I)
_WORD = r"[^\W\d_]+"
# The one-stop desk or service centre of a unit stands for the unit ("Bộ phận Một cửa huyện tiếp nhận ...").
_DESK = (r"(?:Bộ\s+phận\s+(?:Một|một)\s+cửa|Bộ\s+phận\s+tiếp\s+nhận\s+và\s+trả\s+kết\s+quả|"
         r"Trung\s+tâm\s+[Pp]hục\s+vụ\s+hành\s+chính\s+công)(?:\s+của)?")
# After "UBND", a unit is the issuer when it issues something ("UBND tỉnh X ban hành ...", "Quyết định ... của
# UBND huyện X"), else the unit itself ("Chỉ số CCHC của UBND huyện Ý Yên đạt ...").
_ISSUES = re.compile(r"^[\s,]*(?:đã\s+|vừa\s+)?(?:ban\s+hành|công\s+bố|phê\s+duyệt|quyết\s+định|chỉ\s+đạo|tổ\s+chức|"
                     r"yêu\s+cầu|giao|triển\s+khai|có\s+văn\s+bản|về\s+việc|ngày\s+\d)", re.I)
_DOCUMENT_OF = re.compile(r"(?:Quyết\s+định|Kế\s+hoạch|Công\s+văn|văn\s+bản|Thông\s+báo|Chỉ\s+thị|Báo\s+cáo)[^,;]{0,60}$",
                          re.I)


def _issuer(s: str, a: int, b: int) -> bool:
    before = s[max(0, a - 25):a]
    if not _ISSUER.search(before):
        return False
    if not re.search(r"(?:UBND|Ủy\s+ban\s+nhân\s+dân|Uỷ\s+ban\s+nhân\s+dân)\s*$", before, re.I):
        return True
    return bool(_ISSUES.match(s[b:b + 30]) or _DOCUMENT_OF.search(s[max(0, a - 90):a]))


# kind -> (pattern, whether the word after it must be capitalised: True yes, False no, None either)
_GENERIC = [
    ("plural", re.compile(r"(?:\b(?:các|những|nhiều)|(?<!\d)\d{1,3})\s+(?:sở|cơ\s+quan|đơn\s+vị|huyện|quận|tỉnh|xã|phường|"
                          r"địa\s+phương|phòng|ngành)\b|\b(?:khối|nhóm)\s+(?:các\s+)?(?:sở|cơ\s+quan|đơn\s+vị|"
                          r"huyện|quận|địa\s+phương|tỉnh|xã)\b|(?:UBND\s+)?(?:các\s+|cả\s+(?:ba|3)\s+)?cấp\s+(?:huyện|xã|tỉnh)\b|"
                          r"\b(?:vùng|khu\s+vực)\s+(?=[A-ZĐ])", re.I), None),
    ("generic_agency", re.compile(r"\bSở\b"), False),
    ("generic_unit", re.compile(r"\b(?:đơn\s+vị|Đơn\s+vị)\b(?!\s+(?:hành\s+chính|sự\s+nghiệp|trực\s+thuộc|"
                                r"chức\s+năng|cấp|tính))"), False),
    ("generic_place", re.compile(r"\b(?:địa\s+phương|Địa\s+phương)\b"), False),
    ("generic_province", re.compile(r"\b(?:(?:của|toàn|trên\s+địa\s+bàn|" + _DESK + r")\s+(?:tỉnh|thành\s+phố)|"
                                    r"Tỉnh|(?<=[^\W\d]\s)tỉnh(?=\s+(?:đạt|đứng|xếp|dẫn|giữ|tiếp\s+tục|vươn|có|được|là|tăng|giảm)\b))\b"), False),
    ("generic_district", re.compile(r"\b(?:(?:của|toàn|trên\s+địa\s+bàn|" + _DESK + r")\s+(?:huyện|quận|thị\s+xã)|"
                                    r"Huyện|Quận)\b"), False),
    ("commune", re.compile(r"(?<!thị\s)(?<!Thị\s)\b(?:xã|phường|thị\s+trấn|đặc\s+khu|Xã|Phường)\s+(?P<name>" + _WORD
                           + r"(?:\s+" + _WORD + r"){0,3})"), None),
    ("district", re.compile(r"\b(?:huyện|quận|thị\s+xã|thành\s+phố|Huyện|Quận|Thị\s+xã)\s+(?P<name>" + _WORD
                            + r"(?:\s+" + _WORD + r"){0,3})"), None),
    ("unknown", re.compile(r"\b(?:Sở|Ban|Văn\s+phòng|Thanh\s+tra|Trung\s+tâm|Chi\s+cục|Cục|Bộ|Phòng|Kho\s+bạc)\b"),
     True),
]
_NEXT_WORD = re.compile(r"\s+(\w+)")
# A province right after an agency qualifies it ("Sở Xây dựng tỉnh Bình Định").
_QUALIFIER_GAP = re.compile(r"^[\s,]*(?:của\s+|thuộc\s+)?(?:UBND\s+)?$", re.I)
# A group named as the scope of a rank is no subject ("xếp thứ 7 trong khối sở, ngành").
_SCOPE_BEFORE = re.compile(r"(?:(?:trong|thuộc|so\s+với|giữa)\s+(?:tổng\s+số\s+)?|/\s*|(?:đầu|cuối|nhất|thứ\s+\w+)\s+"
                           r"(?:trong\s+|của\s+)?)$", re.I)


_CITY_WORD = re.compile(r"(?:thành\s+phố|Thành\s+phố|TP\.?)\s*")
# Who reports a figure is not whom it is about: "Theo báo cáo của Văn phòng ..., huyện tiếp nhận ...".
# A partner is not the subject either: "Sở Tư pháp phối hợp với Sở Nội vụ rà soát ...".
_PARTNER = re.compile(r"(?:phối\s+hợp\s+(?:với\s+)?|cùng\s+với\s+|với\s+sự\s+(?:phối\s+hợp|hỗ\s+trợ|hướng\s+dẫn)\s+"
                      r"của\s+)$", re.I)
_SOURCE = re.compile(r"(?:^|[,;.]\s*)(?:[Tt]heo|[Cc]ăn\s+cứ)\s+(?:[^\W\d]+\s+){0,4}?(?:của\s+)?$")


def mentions_in(s: str, gaz) -> list[Mention]:
    """Who a sentence names, left to right."""
    out = [Mention(a, b, "agency", name) for name, a, b in gaz.agencies_in(s)]
    out += [Mention(a, b, "ministry", name) for name, a, b in gaz.ministries_in(s)
            if not any(m.start < b and a < m.end for m in out)]
    taken = [(m.start, m.end) for m in out]
    out = [m for m in out if not _SOURCE.search(s[max(0, m.start - 60):m.start])
           and not _PARTNER.search(s[max(0, m.start - 40):m.start])]
    for p, a, b in gaz.provinces_in(s):
        if p.kind != "thành phố" and _CITY_WORD.match(s, a):
            # "thành phố Tuyên Quang" of a province that is a tỉnh: the provincial city, a district-level unit
            if not _issuer(s, a, b) and not _SOURCE.search(s[max(0, a - 60):a]):
                out.append(Mention(a, b, "district", _CITY_WORD.sub("", s[a:b], count=1)))
            taken.append((a, b))
            continue
        owner = next((m for m in out if m.kind == "agency" and (m.start <= a < m.end
                      or (m.end <= a and _QUALIFIER_GAP.match(s[m.end:a])))), None)
        if owner is not None:
            out[out.index(owner)] = Mention(owner.start, owner.end, "agency", owner.name, p.code)
        elif not _issuer(s, a, b) and not _SOURCE.search(s[max(0, a - 60):a]):
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
            if kind in ("district", "commune"):
                name = _capitalised_words(m.group("name"))
                if not name:
                    continue
                b = m.start("name") + len(name)
            if any(a < y and b > x for x, y in taken) or _issuer(s, a, b):
                continue
            if kind == "generic_province" and any(m.kind in ("agency", "ministry") and 0 <= a - m.end <= 2 for m in out):
                continue                         # "Sở Y tế tỉnh đạt ...": the agency's own province
            taken.append((a, b))
            if _SOURCE.search(s[max(0, a - 60):a]):
                continue
            if kind == "plural" and _SCOPE_BEFORE.search(s[max(0, a - 20):a]):
                continue
            out.append(Mention(a, b, kind, name))
    return sorted(out, key=lambda m: m.start)


class SentenceMentions(Sequence):
    """mentions_in(s, gaz), found the first time they are read. Most sentences state no figure: what they name
    is read only when a later sentence needs the last subject named."""

    def __init__(self, s: str, gaz):
        self._s, self._gaz, self._found = s, gaz, None

    def _all(self) -> list[Mention]:
        if self._found is None:
            self._found = mentions_in(self._s, self._gaz)
        return self._found

    def __getitem__(self, i):
        return self._all()[i]

    def __len__(self) -> int:
        return len(self._all())

    def __iter__(self):
        return iter(self._all())


def _capitalised_words(s: str) -> str:
    """The leading run of capitalised words of s ("Hóc Môn đạt" -> "Hóc Môn")."""
    words = []
    for w in s.split():
        if not w[:1].isupper():
            break
        words.append(w)
    return " ".join(words)


Entity = tuple[str, str, str | None]      # (entity_type, entity_name, province_code)


class Subjects:
    """Resolves a mention (or no mention) to an entity, remembering what the text named before."""

    def __init__(self, ctx: FactContext, gaz, title_mentions: list[Mention]):
        self.ctx, self.gaz = ctx, gaz
        named = [m for m in title_mentions if m.kind in NAMED]
        self.title = named[0] if len({(m.kind, m.name) for m in named}) == 1 else None
        self._previous: list[Mention] = []         # named mentions of the last sentence that named any
        self._unread: list[Sequence[Mention]] = []  # mentions of the sentences read since, oldest first
        self.here: list[Mention] = []              # named mentions earlier in the sentence being read

    def next_sentence(self, mentions: Sequence[Mention]) -> None:
        self._unread.append(mentions)  # looked at only when a value needs it (see SentenceMentions)

    @property
    def previous(self) -> list[Mention]:
        while self._unread:  # the latest sentence that names someone wins; those before it no longer matter
            named = [m for m in self._unread.pop() if m.kind in NAMED]
            if named:
                self._previous = named
                self._unread.clear()
        return self._previous

    def _recent(self, kinds: tuple[str, ...]) -> Mention | None:
        """The entity of these kinds named earlier in this sentence, else in the previous one, else in the title."""
        here = [m for m in self.here if m.kind in kinds]
        if here:
            return here[-1]
        got = [m for m in self.previous if m.kind in kinds]
        if len({(m.kind, m.name) for m in got}) == 1:
            return got[0]
        if not got and self.title and self.title.kind in kinds:
            return self.title
        return None

    def resolve(self, m: Mention | None, period: str, sentence: list[Mention] | None = None) -> Entity | str:
        """The entity of a value whose nearest subject is m (None: the sentence names none before it)."""
        self.here = [x for x in sentence or [] if x.kind in NAMED and (m is None or x.start < m.start)]
        ctx = self.ctx
        kind = m.kind if m else "implicit"
        if kind == "implicit":
            if ctx.agency:
                kind = "generic_agency"
            elif self.title and self.title.kind in NAMED:
                return self.named(self.title, period)
            elif ctx.level == "province":
                kind = "generic_province"
            elif ctx.level == "district":
                kind = "generic_district"
            elif self._recent(NAMED):
                return self.named(self._recent(NAMED), period)
            else:
                return "no subject for the value"
        if kind in NAMED:
            return self.named(m, period)
        if kind == "generic_agency":
            named = {x.name for x in self.here + self.previous if x.kind == "agency"}
            prev = None if ctx.agency in named else self._recent(("agency",))   # the site's own, when named
            if prev:
                return self.named(prev, period)
            if not ctx.agency:
                return "'Sở' names no agency (document has none)"
            return ("department", ctx.agency, ctx.province_code) if ctx.province_code else "no province for the agency"
        if kind == "generic_unit":
            prev = self._recent(NAMED)
            if prev:
                return self.named(prev, period)
            if ctx.agency and ctx.province_code:
                return ("department", ctx.agency, ctx.province_code)
            return self.resolve(None, period) if ctx.level == "district" else "'đơn vị' names no unit"
        if kind in ("generic_place", "generic_province"):
            prev = self._recent(("province", "district") if kind == "generic_place" else ("province",))
            if prev:
                return self.named(prev, period)
            if kind == "generic_place" and ctx.level == "district":
                return self._district(ctx.district, period)
            p = province_in_period(self.gaz, ctx.province_code, period)
            return ("province", p[0], p[1]) if p else f"{m.name!r} names no province (document has none)"
        if kind == "generic_district":
            prev = self._recent(("district",))
            return self.named(prev, period) if prev else self._district(ctx.district, period)
        if kind == "commune":
            return f"a commune or ward is no entity of text facts: {m.name!r}"
        if kind == "plural":
            return f"a group is no entity: {m.name!r}"
        return f"unmapped subject {m.name!r}"

    def named(self, m: Mention, period: str) -> Entity | str:
        if m.kind == "ministry":
            return ("ministry", m.name, None)
        if m.kind == "agency":
            code = m.province_code or self.ctx.province_code
            return ("department", m.name, code) if code else f"no province for {m.name}"
        if m.kind == "province":
            p = province_in_period(self.gaz, m.province_code, period)
            return ("province", p[0], p[1]) if p else f"unknown province {m.name!r}"
        return self._district(m.name, period)

    def _district(self, name: str | None, period: str) -> Entity | str:
        ctx = self.ctx
        if not name:
            return "no district named"
        if ctx.district and fold(name) == fold(ctx.district):
            name = ctx.district
        if not ctx.province_code:
            return f"no province for district {name!r}"
        if after_2025_reform(period):
            return f"districts were dissolved on 1 July 2025: {name!r} in {period} is a ward or commune's figure"
        return ("district", name, ctx.province_code)
