"""Patterns of Vietnamese administrative language that state indicator values.

Each rule is a regular expression over one sentence whose group `v` is the value. Rules are tried in
order and a value is used once, so the specific phrasings ("giải quyết đúng hạn N hồ sơ") come before
the general ones ("giải quyết N hồ sơ"). Index values (PAR INDEX, SIPAS), ranks and components depend on
which index the sentence is about, which `TOPICS` finds; they are run by fact_candidates.
"""
from __future__ import annotations

import re

# A number as Vietnamese pages write it, not the tail or head of a date or a fraction.
_NUM = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)?"


def num(name: str = "v", fraction: bool = False) -> str:
    """A named number; with fraction, it may be the head of "9/12" or "26,44/29"."""
    return rf"(?<![\d.,/])(?P<{name}>{_NUM})" + (r"(?!\d)" if fraction else r"(?![\d/])")


NUM = num()
ANY_NUM = rf"(?<![\d.,/])(?:{_NUM})(?![\d/])"
PCT = NUM + r"\s*%"
HS = r"(?:bộ\s+)?hồ\s+sơ"
TTHC = r"(?:thủ\s+tục\s+hành\s+chính|thủ\s+tục|TTHC)"
HOA = r"h(?:óa|oá)"
# Words that introduce a value: "đạt 98%", "là 98%", "chiếm 45%", "đạt tỷ lệ 100%", ": 98%".
INTRO = r"(?:(?:đạt|là|chiếm|bằng|với)\s*(?:tỷ\s+lệ\s*)?(?:là\s*)?:?\s*|:\s*)"
GAP = r"[^;%.]{0,40}?"
ON_TIME = r"(?:đúng\s+hạn\s*(?:và|,|hoặc)\s*trước\s+hạn|đúng\s+hạn(?!\s+và\s+trước)|đúng\s+và\s+trước\s+hạn|trước\s+và\s+đúng\s+hạn|trước\s+hạn\s+và\s+đúng\s+hạn)"
EARLY = r"(?:trước|sớm)\s+hạn"
LATE = r"(?:trễ|quá|chậm)\s+hạn"
SOLVED = r"(?:(?:đã\s+)?(?:được\s+)?giải\s+quyết)"


def _r(p: str) -> re.Pattern:
    return re.compile(p, re.I)


# (indicator, pattern), most specific first.
RULES: list[tuple[str, re.Pattern]] = [
    # Online submissions: "567 hồ sơ được nộp trực tuyến", "tiếp nhận trực tuyến 567 hồ sơ".
    ("dossiers_received_online", _r(NUM + r"\s+" + HS + r"\s+(?:được\s+)?(?:nộp|tiếp\s+nhận|gửi|thực\s+hiện|"
                                    r"giải\s+quyết)?\s*(?:qua\s+(?:mạng|môi\s+trường\s+mạng|dịch\s+vụ\s+công)\s*)?"
                                    r"trực\s+tuyến")),
    ("dossiers_received_online", _r(r"(?:nộp|tiếp\s+nhận)\s+(?:hồ\s+sơ\s+)?trực\s+tuyến\s*:?\s*(?:là\s+|được\s+)?"
                                    + NUM + r"\s+" + HS)),
    ("dossiers_received_online", _r(r"(?:trong\s+đó\s*:?\s*|\(\s*)(?:hồ\s+sơ\s+)?(?:nộp\s+|tiếp\s+nhận\s+)?trực\s+tuyến"
                                    r"\s*:?\s*(?:là\s+)?" + NUM + r"\s+" + HS)),
    # Rates before counts: a percent after the words it qualifies or before them.
    ("on_time_rate", _r(r"tỷ\s+lệ\s+(?:hồ\s+sơ\s+|" + TTHC + r"\s+)?(?:được\s+)?(?:giải\s+quyết\s+)?"
                        r"(?:hồ\s+sơ\s+|" + TTHC + r"\s+)?" + ON_TIME
                        + GAP + INTRO + PCT)),
    ("on_time_rate", _r(PCT + r"\s*(?:số\s+)?(?:" + HS + "|" + TTHC + r")" + GAP + SOLVED + r"?\s*" + ON_TIME)),
    ("on_time_rate", _r(r"giải\s+quyết\s+" + ON_TIME + r"\s*" + INTRO + PCT)),
    ("early_rate", _r(r"tỷ\s+lệ\s+(?:hồ\s+sơ\s+)?(?:được\s+)?(?:giải\s+quyết\s+)?(?:hồ\s+sơ\s+)?" + EARLY + GAP + INTRO + PCT)),
    ("early_rate", _r(PCT + r"\s*(?:số\s+)?(?:" + HS + "|" + TTHC + r")?" + GAP + SOLVED + r"?\s*" + EARLY)),
    ("online_rate", _r(r"tỷ\s+lệ\s+hồ\s+sơ\s+(?:được\s+)?(?:nộp\s+|tiếp\s+nhận\s+)?(?:qua\s+mạng\s+|trực\s+tuyến)"
                       + GAP + INTRO + PCT)),
    ("online_rate", _r(PCT + r"\s*(?:số\s+)?" + HS + r"\s+(?:được\s+)?(?:nộp\s+|tiếp\s+nhận\s+)?trực\s+tuyến")),
    ("online_rate", _r(ANY_NUM + r"\s+" + HS + r"[^;%.]{0,40}?trực\s+tuyến\s*[,(]?\s*(?:chiếm|đạt|bằng)\s*"
                       r"(?:tỷ\s+lệ\s*)?" + PCT)),
    ("online_rate", _r(r"trực\s+tuyến\s*(?:là\s+|:\s*)?" + ANY_NUM + r"\s+" + HS + r"\s*[,(]?\s*(?:chiếm|đạt|bằng)\s*"
                       r"(?:tỷ\s+lệ\s*)?(?:là\s*)?" + PCT)),
    ("digitization_rate", _r(r"tỷ\s+lệ\s+(?:hồ\s+sơ\s+)?(?:được\s+)?số\s+" + HOA + GAP + INTRO + PCT)),
    ("digitization_rate", _r(r"số\s+" + HOA + r"\b[^;%]{0,160}?(?:đạt|chiếm|là)\s+(?:tỷ\s+lệ\s+)?(?:là\s+)?" + PCT)),
    # Counts of dossiers by outcome.
    ("dossiers_resolved_early", _r(NUM + r"\s+" + HS + r"\s+" + SOLVED + r"?\s*" + EARLY)),
    ("dossiers_resolved_early", _r(r"(?:giải\s+quyết\s+)?" + EARLY + r"\s*:?\s*(?:là\s+)?" + NUM + r"\s+" + HS)),
    ("dossiers_resolved_on_time", _r(NUM + r"\s+" + HS + r"\s+" + SOLVED + r"?\s*đúng\s+hạn(?!\s+và)")),
    ("dossiers_resolved_on_time", _r(r"(?:giải\s+quyết\s+)?đúng\s+hạn\s*:?\s*(?:là\s+)?" + NUM + r"\s+" + HS)),
    ("dossiers_resolved_late", _r(NUM + r"\s+" + HS + r"\s+" + SOLVED + r"?\s*" + LATE)),
    ("dossiers_resolved_late", _r(r"(?:giải\s+quyết\s+)?" + LATE + r"\s*:?\s*(?:là\s+)?" + NUM + r"\s+" + HS)),
    ("dossiers_pending", _r(r"đang\s+(?:được\s+)?giải\s+quyết\s*:?\s*(?:là\s+)?" + NUM + r"\s+" + HS)),
    ("dossiers_pending", _r(NUM + r"\s+" + HS + r"\s+(?:đang\s+(?:trong\s+(?:thời\s+)?hạn\s+)?(?:được\s+)?giải\s+quyết|"
                            r"chưa\s+đến\s+hạn(?:\s+giải\s+quyết)?)")),
    ("dossiers_resolved", _r(r"(?<!và\s)(?<!đang\s)giải\s+quyết\s+(?:xong\s+|hoàn\s+thành\s+)?(?:được\s+)?"
                             r"(?:là\s+)?:?\s*" + NUM + r"\s+" + HS)),
    ("dossiers_resolved", _r(NUM + r"\s+" + HS + r"\s+(?:đã\s+được|đã|được)\s+giải\s+quyết(?!\s+(?:đúng|trước|sớm|"
                             r"trễ|quá|chậm|trực))")),
    ("dossiers_received", _r(r"(?<!và\s)tiếp\s+nhận\s+(?:mới\s+|tổng\s+(?:số|cộng)\s+|được\s+)?(?:là\s+)?:?\s*"
                             + NUM + r"\s+" + HS)),
    ("dossiers_received", _r(r"(?:tổng\s+)?số\s+hồ\s+sơ\s+(?:được\s+)?tiếp\s+nhận[^;:%\d]{0,40}?(?:là|đạt|:)\s*" + NUM)),
    ("dossiers_digitized", _r(r"số\s+" + HOA + r"\b[^;%]{0,160}?(?:được|là|gồm|với|:)?\s*" + NUM + r"\s+" + HS)),
    ("dossiers_digitized", _r(NUM + r"\s+" + HS + r"\s+(?:đã\s+được|đã|được)\s+số\s+" + HOA)),
    ("procedures_reviewed", _r(r"rà\s+soát(?:\s*,?\s*(?:đánh\s+giá|đơn\s+giản\s+" + HOA + r"))*\s+(?:được\s+)?"
                               + NUM + r"\s+" + TTHC)),
    ("procedures_reviewed", _r(NUM + r"\s+" + TTHC + r"\s+(?:đã\s+được|đã|được)\s+rà\s+soát")),
]

# Which index a stretch of text is about; the nearest cue before a value decides.
TOPICS: list[tuple[str, re.Pattern]] = [
    ("component", _r(r"chỉ\s+số\s+thành\s+phần|lĩnh\s+vực")),
    ("par", _r(r"chỉ\s+số\s+(?:cải\s+cách\s+hành\s+chính|CCHC)|PAR\s*-?\s*INDEX")),
    ("sipas", _r(r"SIPAS|chỉ\s+số\s+hài\s+lòng|mức\s+độ\s+hài\s+lòng|sự\s+hài\s+lòng")),
    ("other", _r(r"\b(?:PCI|PAPI|DDCI|DTI|ICT\s*-?\s*Index)\b|chỉ\s+số\s+(?:năng\s+lực|hiệu\s+quả|chuyển\s+đổi|"
                 r"cải\s+thiện|sẵn\s+sàng|đánh\s+giá|xếp\s+hạng|phát\s+triển)")),
]
# Index values: points for the PAR INDEX, a percent for either index. "đạt 88,52/100 điểm", "với 90,1%",
# "(91,2%)", "Chỉ số đạt: 90,10% điểm".
_VALUE_INTRO = (r"(?:đạt|với|là|được|bằng|tương\s+đương|tức|lên|xuống|còn|:|\()\s*(?:được\s+)?(?:mức\s+)?"
                r"(?:(?:kết\s+quả|số\s+điểm|điểm\s+số|chỉ\s+số)\s+(?:là\s+|đạt\s+)?)?")
POINTS = _r(_VALUE_INTRO + r"(?:tổng\s+(?:số\s+)?điểm\s+(?:là\s+|đạt\s+)?)?" + num(fraction=True)
            + r"(?:\s*/\s*100)?\s*điểm\b")
PERCENT = _r(_VALUE_INTRO + r"(?:tỷ\s+lệ\s*)?" + PCT)
# A score named by its words, with no unit after it: "với số điểm 87,65", "tổng điểm đạt 88,1/100".
SCORE_NAMED = _r(r"(?:số\s+điểm|điểm\s+số|tổng\s+(?:số\s+)?điểm)\s*(?:là|đạt|:)?\s*" + num(fraction=True)
                 + r"(?:\s*/\s*100)?(?!\s*(?:%|điểm|/|\d))")
# The value first, then whose it is: "Với 92,04%, Đà Nẵng tiếp tục dẫn đầu ...".
LEADING_VALUE = _r(r"^\s*Với\s+" + num(fraction=True) + r"\s*(?P<u>%|điểm)\s*,\s*")
# An index value stated with no unit ("Nam Định đạt 87,32, tăng 2,46 điểm %"): decimals, then a pause.
NO_UNIT = _r(r"(?:đạt|là)\s+(?P<v>\d{2},\d{1,4})(?=\s*[,;)]|\s*\.(?!\d)|\s+và\s|\s*$)")
# A value right after its entity, with nothing between ("Sở Tài chính 90,1%", "Long An: 89,12%").
BARE = _r(r"\s*[:(]?\s*" + num(fraction=True) + r"(?:\s*/\s*100)?\s*(?P<u>%|điểm\b)")
# ... and nothing after it that makes it the share of something else ("Sở Y tế 100% cán bộ ...").
BARE_END = _r(r"\s*(?:[,;.)]|và\b|xếp\b|đứng\b|tăng\b|giảm\b|\(|$)")
# A component score: "<name> đạt 26,44/29 điểm" after "chỉ số thành phần"; its percent of the maximum follows.
COMPONENT_VALUE = _r(r"đạt\s+(?:được\s+)?" + num(fraction=True) + r"(?:\s*/\s*(?P<max>" + _NUM + r"))?\s*điểm\b"
                     r"(?:\s*[,(]?\s*(?:đạt|tương\s+đương|bằng)?\s*(?:tỷ\s+lệ\s*)?" + ANY_NUM + r"\s*%\s*\)?)?")
# A "toàn trình" (handled online end to end) or "một phần" figure is another measure than online submission.
NOT_ONLINE = _r(r"toàn\s+trình|một\s+phần|thanh\s+toán")
# "tỷ lệ hồ sơ trực tuyến được giải quyết đúng hạn": a rate of resolution among online dossiers, not the online rate.
RESOLVED_WORDS = _r(r"giải\s+quyết|\bhạn\b|hài\s+lòng")
# A resolution rate of the online dossiers only ("tỷ lệ hồ sơ trực tuyến được giải quyết đúng hạn") is no unit's rate.
ONLINE_ONLY = _r(r"hồ\s+sơ\s+(?:nộp\s+)?(?:trực\s+tuyến|qua\s+mạng)")
# A count of one field's dossiers is not the unit's total ("tiếp nhận 3.120 hồ sơ đăng ký doanh nghiệp").
SUBSET = _r(r"\s*(?:bộ\s+)?hồ\s+sơ\s+(?:đăng\s+ký|cấp|thuộc\s+lĩnh\s+vực|lĩnh\s+vực|về|xin)\b")
# Words between a cue and a percent that make it some other rate ("tỷ lệ hài lòng về ...").
OTHER_RATE = _r(r"tỷ\s+lệ|hồ\s+sơ|thủ\s+tục|TTHC|thành\s+phần|tiêu\s+chí|tăng\s+trưởng|giải\s+ngân|ngân\s+sách|"
                r"\bvốn\b|GRDP|dự\s+toán|doanh\s+thu|\bthu\b|\bchi\b|kế\s+hoạch|trung\s+bình|"
                r"bình\s+quân|cấp\s+(?:huyện|xã)")

# A value right after these is a bound, an estimate or a change, not the value ("đạt trên 90 điểm").
QUALIFIER = _r(r"(?:\b(?:trên|dưới|hơn|gần|khoảng|xấp\s+xỉ|ước(?:\s+tính)?|ước\s+đạt|chừng|tầm|"
               r"tối\s+thiểu|ít\s+nhất|không\s+dưới|không\s+thấp\s+hơn|"
               r"không\s+quá|tối\s+đa|từ|tăng|giảm|thêm|vượt|so\s+với(?:\s+năm\s+\d{4})?|trung\s+bình|"
               r"bình\s+quân|cao\s+hơn|thấp\s+hơn|nhiều\s+hơn|ít\s+hơn|chênh\s+lệch|hàng)\s*(?:là\s*|đạt\s*)?:?\s*)$")
AFTER_QUALIFIER = _r(r"^\s*(?:%|điểm)?\s*(?:trở\s+lên|trở\s+xuống|trở\s+lại|so\s+với|điểm\s+phần\s+trăm|"
                     r"kế\s+hoạch|dự\s+toán)")
# From these words on, a sentence states targets and plans, not facts.
TARGET = _r(r"\b(?:phấn\s+đấu|mục\s+tiêu|chỉ\s+tiêu|kế\s+hoạch\s+đặt|đặt\s+ra|dự\s+kiến|sẽ|phải\s+đạt|cần\s+đạt|"
            r"đảm\s+bảo|bảo\s+đảm|hướng\s+tới|định\s+hướng|nâng\s+(?:cao\s+)?tỷ\s+lệ|tăng\s+tỷ\s+lệ|"
            r"thời\s+gian\s+tới|năm\s+tới|đến\s+năm|kỳ\s+vọng|quyết\s+tâm|nỗ\s+lực\s+đạt)\b")
# An average or a group is no entity's value.
AVERAGE = _r(r"\b(?:trung\s+bình|bình\s+quân|giá\s+trị\s+chung|mức\s+chung)\b")
