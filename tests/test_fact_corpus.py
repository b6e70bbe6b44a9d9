"""The fact corpus (tests/fact_corpus.toml): sentences and table rows in the shapes real reporting uses, each with
the exact facts it states; a case with `expect = []` must yield none."""
from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest

from transforms.facts import FactContext
from transforms.indicators_tables import facts_from_table
from transforms.indicators_text import facts_from_text

CORPUS = tomllib.loads((Path(__file__).parent / "fact_corpus.toml").read_text(encoding="utf-8"))
CASES = CORPUS["case"]


def _ctx(case: dict, method: str) -> FactContext:
    c = CORPUS["context"][case["ctx"]]
    return FactContext(doc_id="corpus", title=case.get("title", c["title"]),
                       published_date=dt.date.fromisoformat(c["published"]), province_code=c.get("province"),
                       agency=c.get("agency"), level=c["level"], district=c.get("district"), method=method)


def _facts(case: dict) -> tuple[list[dict], list[str]]:
    if "table" in case:
        ctx = _ctx(case, "table")
        return facts_from_table({"rows": case["table"], "header_rows": 1, "caption": None}, ctx, heading=ctx.title)
    text = case["text"]
    return facts_from_text([text] if isinstance(text, str) else text, _ctx(case, "text"))


def _key(r: dict) -> tuple:
    return (r["entity_type"], r["entity_name"], r["province_code"] or "", r["indicator"], r["component"] or "", r["period"],
            round(r["value"], 4), r["unit"])


@pytest.mark.parametrize("case", CASES, ids=[f"{i:02d}-{c['ctx']}" for i, c in enumerate(CASES)])
def test_corpus_case(case):
    rows, _ = _facts(case)
    expected = sorted(tuple(e[:6]) + (round(float(e[6]), 4), e[7]) for e in case["expect"])
    assert sorted(_key(r) for r in rows) == expected
    assert all(r["evidence"] for r in rows)


def test_corpus_size_and_negative_share():
    negatives = [c for c in CASES if not c["expect"]]
    assert len(CASES) >= 60 and len(negatives) >= 20


def test_unattributable_values_are_warnings():
    # A value stated for no period of the contract, or for no entity, is reported, never filed.
    for text in ("9 tháng đầu năm 2024, Sở tiếp nhận 1.022 hồ sơ, 100% giải quyết đúng hạn.",
                 "Từ đầu năm đến nay, Sở đã tiếp nhận 856 hồ sơ."):
        case = {"ctx": "dept", "text": text}
        rows, warnings = _facts(case)
        assert rows == [] and warnings and all("no period of the contract" in w for w in warnings)
    rows, warnings = _facts({"ctx": "after2025", "text": "Năm 2025, phường Quy Nhơn tiếp nhận 4.210 hồ sơ."})
    assert rows == [] and "commune or ward" in warnings[0]
