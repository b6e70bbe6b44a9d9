"""Published ranks as Vietnamese reporting states them.

"xếp thứ 12/63", "đứng thứ 3 cả nước", "giữ vị trí thứ hai", "xếp hạng 7", "vị trí thứ 7 trong khối sở",
"(7) Sở Y tế: 86,4 điểm", "Từ vị trí thứ 7 đến thứ 10 là A, B, C và D", "dẫn đầu" / "đứng đầu" (rank 1).
Not ranks: a change ("tăng 5 bậc"), a former rank ("từ vị trí thứ 12", "so với vị trí ..."), a rank in a
region or group ("đứng đầu khu vực", "nhóm dẫn đầu"), leading in something else ("dẫn đầu về tỷ lệ ...",
"dẫn đầu đoàn"), and "xếp cuối bảng", which states no number: no row, and no warning (it is no value).
"""
from __future__ import annotations

import re

_UNITS = {"một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "lăm": 5, "sáu": 6, "bảy": 7,
          "tám": 8, "chín": 9}
_ORD_WORD = (r"(?:mười(?:\s+(?:một|hai|ba|bốn|tư|lăm|năm|sáu|bảy|tám|chín))?|nhất|nhì|hai|ba|tư|bốn|năm|sáu|"
             r"bảy|tám|chín)")
# A rank: digits, or an ordinal word that is not the head of a year ("xếp hạng năm 2023").
ORD = rf"(?:\d{{1,3}}(?!\d)(?![.,]\d)|{_ORD_WORD}(?!\s*\d)(?!\w))"


def ordinal(text: str) -> int | None:
    t = " ".join(text.lower().split())
    if t.isdigit():
        return int(t)
    if t in ("nhất",):
        return 1
    if t == "nhì":
        return 2
    if t.startswith("mười"):
        rest = t[4:].strip()
        return 10 + (_UNITS.get(rest, 0) if rest else 0)
    return _UNITS.get(t)


_I = re.I
RANK = re.compile(r"(?:(?:xếp|đứng|giữ|nằm|vươn\s+lên|tụt\s+xuống|lên|xuống)\s+(?:ở\s+)?(?:vững\s+)?"
                  r"(?:(?:thứ\s+hạng|vị\s+trí|hạng)\s+(?:thứ\s+|số\s+)?|thứ\s+)"
                  r"|(?<!\w)(?:vị\s+trí|thứ\s+hạng|hạng)\s+(?:thứ\s+|số\s+)?)"
                  rf"(?P<v>{ORD})(?:\s*/\s*(?P<of>\d{{1,3}}))?", _I)
# "từ vị trí 15 lên 13", "từ thứ 30 xuống thứ 36": the rank after the move is the current one.
RANK_MOVE = re.compile(rf"(?<!\w)từ\s+(?:vị\s+trí|hạng|thứ)\s+(?:thứ\s+)?(?:{ORD})\s*(?:\([^)]*\)\s*)?(?:lên|xuống)\s+"
                       rf"(?:vị\s+trí\s+|hạng\s+)?(?:thứ\s+)?(?P<v>{ORD})(?:\s*/\s*(?P<of>\d{{1,3}}))?", _I)
# Words before a rank that make it a former one, and words after it that make it a regional one.
_FORMER = re.compile(r"(?:\btừ|so\s+với|\bhơn|\bkém)\s*$", _I)
_REGIONAL = re.compile(r"^\s*(?:/\s*\d+\s*)?(?:tỉnh,?\s*(?:thành(?:\s+phố)?)?\s*)?(?:trong\s+|của\s+|tại\s+|ở\s+)?"
                       r"(?:các\s+tỉnh\s+)?(?:khu\s+vực|vùng|miền|nhóm|tiểu\s+vùng|cụm)", _I)
# The subject follows: "Xếp thứ hai là Sở Nội vụ", "Vị trí thứ ba thuộc về tỉnh X", "Hạng 3: Sở Y tế".
_SUBJECT_AFTER = re.compile(r"^\s*(?:(?:trong\s+)?(?:khối|nhóm)\s+[^\W\d]+(?:[\s,]+[^\W\d]+){0,3}?\s+|cả\s+nước\s+|"
                            r"toàn\s+quốc\s+)?(?:là|thuộc\s+về|gồm|:)\s*", _I)

LEADER = re.compile(r"(?<!\w)(?<!người\s)(?<!Người\s)(?:dẫn\s+đầu|đứng\s+đầu|đầu\s+bảng|ngôi\s+đầu|vị\s+trí\s+(?:số\s+1|đầu\s+tiên)"
                    r"(?!\s*/)|quán\s+quân)(?!\w)", _I)
_LEADER_GROUP_BEFORE = re.compile(r"(?:nhóm|tốp|top\s*\d*|những|các|tỉnh\s+thành|trong\s+số)\s*(?:\d+\s+)?"
                                  r"(?:(?:tỉnh|đơn\s+vị|sở|địa\s+phương)[\w\s,]{0,20})?$", _I)
_LEADER_NOT_RANK_AFTER = re.compile(r"^\s*(?:về(?!\s+(?:chỉ\s+số\s+(?:cải\s+cách\s+hành\s+chính|CCHC|hài\s+lòng|SIPAS)|"
                                    r"PAR|SIPAS|cải\s+cách\s+hành\s+chính))|đoàn|cơ\s+quan|đơn\s+vị|ngành|tổ\s+chức|chính\s+quyền|cấp\s+ủy|trong\s+việc|trong\s+công\s+tác|các\s+|khu\s+vực|vùng|miền|"
                                    r"nhóm|cụm|ở\s+(?:lĩnh\s+vực|chỉ\s+số\s+thành\s+phần|tiêu\s+chí)|lĩnh\s+vực|"
                                    r"chỉ\s+số\s+thành\s+phần|tiêu\s+chí)", _I)

# "Từ vị trí thứ 7 đến thứ 10 là ...", "các vị trí từ thứ 2 đến thứ 5 lần lượt thuộc về ..."
RANGE_LIST = re.compile(rf"(?:vị\s+trí|hạng)\s+(?:từ\s+)?(?:thứ\s+)?(?P<a>{ORD})\s*(?:đến|tới|-|–)\s*"
                        rf"(?:vị\s+trí\s+|hạng\s+)?(?:thứ\s+)?(?P<b>{ORD})(?P<tail>\s*(?:lần\s+lượt\s+)?"
                        r"(?:là|thuộc\s+về|gồm|:))", _I)
# "(7) Sở Y tế: 86,4 điểm": an item of a ranked list.
ITEM_RANK = re.compile(r"(?:^|[;:]\s*|[.]\s+)\(\s*(?P<v>\d{1,3})\s*\)\s*")
ITEM_SCORE = re.compile(r"\s*[:(\-–]?\s*(?:đạt\s+|với\s+)?\d{1,3}(?:[.,]\d+)?(?:\s*/\s*100)?\s*(?:%|điểm)")
# "lần lượt xếp thứ 2, 3 và 4", "đứng thứ 5 và thứ 6"
RANK_LIST = re.compile(rf"(?:xếp|đứng|giữ)\s+(?:ở\s+)?(?:các\s+)?(?:vị\s+trí\s+|hạng\s+)?(?:thứ\s+)?(?:{ORD})"
                       rf"(?:\s*(?:,|;|và|,\s*và)\s*(?:vị\s+trí\s+)?(?:thứ\s+)?(?:{ORD}))+", _I)
RANK_ITEM = re.compile(ORD, _I)


def is_rank_stated(s: str, m: re.Match) -> bool:
    """A rank match that is the entity's own rank in the whole ranking (not former, not regional)."""
    return not _FORMER.search(s[max(0, m.start() - 12):m.start()]) and not _REGIONAL.match(s[m.end():m.end() + 40])


def subject_after(s: str, end: int) -> bool:
    return bool(_SUBJECT_AFTER.match(s[end:end + 40]))


def is_leader(s: str, m: re.Match) -> bool:
    return (not _LEADER_GROUP_BEFORE.search(s[max(0, m.start() - 40):m.start()])
            and not _LEADER_NOT_RANK_AFTER.match(s[m.end():m.end() + 40])
            and not _FORMER.search(s[max(0, m.start() - 12):m.start()]))
