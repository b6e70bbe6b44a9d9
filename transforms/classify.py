"""What a document is: its type (plan, ranking, statistics, news) and whether it is about administrative reform.

Rules read the title first (it states what the document is), then the body and
tables. Menus and category names are never used: portals file sports news under
their "Cải cách hành chính" category too.
"""
from __future__ import annotations

import re

from transforms.text import fold

# Folded (no tone marks, lower case) so one pattern covers "Thủ tục"/"THỦ TỤC"/"thu tuc".
REFORM_TERMS = re.compile(
    r"\b(?:cai cach hanh chinh|cchc|par ?index|sipas|thu tuc hanh chinh|tthc|mot cua|"
    r"dich vu cong|chi so hai long|chinh quyen dien tu|chinh quyen so|hanh chinh cong|"
    r"kiem soat thu tuc|giai quyet ho so|tra ket qua|phuc vu hanh chinh|so hoa ho so|"
    r"ho so (?:\w+ ){0,3}(?:truc tuyen|dung han|tre han|qua han|truoc han))\b"
)
_PLAN_TITLE = re.compile(
    r"^(?:ke hoach|chuong trinh|de an|phuong an)\b|\b(?:ban hanh|trien khai|phe duyet) (?:ke hoach|chuong trinh|de an)\b"
)
_RANKING_TITLE = re.compile(
    r"\bcong bo (?:ket qua )?(?:chi so|xep hang|danh gia)|\bxep hang .*\bcac (?:so|tinh|don vi|co quan|huyen|dia phuong)\b|"
    r"\bket qua (?:chi so|xep hang|danh gia) .*\bcua cac (?:so|tinh|don vi|co quan|huyen|dia phuong)\b"
)
# A title that says a unit sets its tasks to work ("X triển khai nhiệm vụ ... năm 2024"), not a meeting that
# does, and a text that opens by stating the plan issued ("Ngày 06/02/2024, UBND huyện ban hành Kế hoạch số
# 21/KH-UBND ..."): the plan's announcement. A report that narrates a plan issued is news.
_SETS_TO_WORK = re.compile(r"\btrien khai\b")
_MEETING = re.compile(r"\b(?:hoi nghi|hoi thao|tap huan|cuoc hop|buoi lam viec|ra quan)\b")
_PLAN_ISSUED = re.compile(r"\b(?:ban hanh|phe duyet) (?:ke hoach|chuong trinh|de an|phuong an) (?:so )?\d+ [a-z]")
_OPENING = 2  # paragraphs (the lead and the first) that state what the document is
_STATS_TITLE = re.compile(r"^(?:thong ke|so lieu|bao cao thong ke)\b")
_RANK_HEADER = re.compile(r"\b(?:xep hang|thu hang|hang)\b")


def is_reform_related(title: str, paragraphs: list[str], tables_text: str = "") -> bool:
    """A title that names reform, or a body that mentions it more than in passing."""
    if REFORM_TERMS.search(fold(title)):
        return True
    body = fold(" ".join(paragraphs) + " " + tables_text)
    return len(REFORM_TERMS.findall(body)) >= 2


def has_ranking_table(tables: list[dict]) -> bool:
    """A table with a rank column and at least three data rows."""
    for t in tables:
        rows = t.get("rows") or []
        header = " ".join(fold(c) for r in rows[: max(1, t.get("header_rows") or 1) + 2] for c in r)
        if _RANK_HEADER.search(header) and len(rows) >= 4:
            return True
    return False


def doc_type(kind: str, title: str, tables: list[dict], paragraphs: list[str] = ()) -> str:
    """plan | ranking | statistics | news. `paragraphs`: the text, whose opening may announce a plan."""
    if kind == "stats":
        return "statistics"
    if kind == "table":
        return "ranking"
    t = fold(title)
    if _RANKING_TITLE.search(t):
        return "ranking"
    if _PLAN_TITLE.search(t):
        return "plan"
    if _STATS_TITLE.search(t):
        return "statistics"
    if has_ranking_table(tables):
        return "ranking"
    if kind == "article" and _SETS_TO_WORK.search(t) and not _MEETING.search(t) and any(
            _PLAN_ISSUED.search(fold(p)) for p in list(paragraphs)[:_OPENING]):
        return "plan"
    return "news"
