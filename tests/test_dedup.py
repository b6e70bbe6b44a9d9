"""Near-duplicate grouping: syndicated copies group with their original, look-alikes from one template do not."""
import datetime as dt

from transforms.dedup import DedupInput, group_duplicates

STORY = [
    "Từ ngày 01/01/2024 đến ngày 20/11/2024, Sở Tư pháp đã tiếp nhận 2.315 hồ sơ thủ tục hành chính, trong đó 1.870 hồ sơ được nộp trực tuyến; đã giải quyết 2.240 hồ sơ.",
    "Tỷ lệ hồ sơ giải quyết đúng hạn đạt 98,60%, trong đó 71,25% hồ sơ được giải quyết trước hạn. Sở đã rà soát 42 thủ tục hành chính.",
    "Toàn bộ hồ sơ được tiếp nhận và trả kết quả tại Bộ phận một cửa của Sở tại Trung tâm Phục vụ hành chính công tỉnh.",
]


def lookalike(agency: str, nums: tuple) -> str:
    a, b, c, d, e, f = nums
    return "\n".join([
        f"Từ ngày 01/01/2024 đến ngày 20/11/2024, {agency} đã tiếp nhận {a} hồ sơ thủ tục hành chính, trong đó {b} hồ sơ được nộp trực tuyến; đã giải quyết {c} hồ sơ.",
        f"Tỷ lệ hồ sơ giải quyết đúng hạn đạt {d}%, trong đó {e}% hồ sơ được giải quyết trước hạn. Sở đã rà soát {f} thủ tục hành chính.",
        STORY[2],
    ])


def doc(i, body, day):
    return DedupInput(i, body, str(hash(body)), dt.datetime(2024, 11, day, 9, 0))


def test_syndicated_copy_groups_with_the_earlier_original():
    original = "Sở Tư pháp nâng cao chất lượng giải quyết hồ sơ năm 2024.\n" + "\n".join(STORY)
    copy = "\n".join(STORY) + "\nTheo Báo Tỉnh A"
    groups = group_duplicates([doc("copy", copy, 23), doc("orig", original, 22)])
    assert groups == {"orig": ("orig", True), "copy": ("orig", False)}


def test_lookalikes_with_other_agency_and_figures_stay_apart():
    docs = [doc("a", lookalike("Sở Tư pháp", ("2.315", "1.870", "2.240", "98,60", "71,25", "42")), 1),
            doc("b", lookalike("Sở Y tế", ("5.102", "3.004", "4.988", "99,12", "80,40", "57")), 2),
            doc("c", lookalike("Sở Tư pháp", ("1.204", "1.001", "1.187", "97,35", "64,10", "31")), 3)]
    groups = group_duplicates(docs)
    assert groups == {"a": ("a", True), "b": ("b", True), "c": ("c", True)}


def test_exact_copies_group_and_earliest_is_primary():
    body = "\n".join(STORY)
    groups = group_duplicates([doc("late", body, 9), doc("early", body, 2), doc("empty", "", 1)])
    assert groups["early"] == ("early", True)
    assert groups["late"] == ("early", False)
    assert groups["empty"] == ("empty", True)
