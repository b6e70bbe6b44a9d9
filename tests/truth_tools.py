"""Test helpers over the shared simulated world's ground truth (../shared/world/small/truth.jsonl)."""
from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
TRUTH = SHARED / "world" / "small" / "truth.jsonl"


def load_truth() -> list[dict]:
    if not TRUTH.exists():
        pytest.skip("shared world not available")
    return [json.loads(line) for line in TRUTH.read_text(encoding="utf-8").splitlines() if line.strip()]


def articles() -> list[dict]:
    return [t for t in load_truth() if t["kind"] == "article"]


def _norm(s) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", str(s or ""))).strip()


def fact_key(f: dict) -> tuple:
    """The evaluator's key (evaluate.py fact_key): provinces by code, other entities by casefolded name."""
    name = f["entity_name"] if "entity_name" in f else f["entity"]
    ent = f["province_code"] if f["entity_type"] == "province" else _norm(name).casefold()
    return (f["entity_type"], str(f["province_code"]), ent, f["indicator"], str(f["period"]),
            f.get("component") or None)


def context_of(t: dict, method: str = "text"):
    from transforms.facts import FactContext
    return FactContext(doc_id=t["url"], title=t["title"], published_date=dt.date.fromisoformat(t["published"][:10]),
                       province_code=t["province_code"], agency=t["agency"], level=t["level"], district=None,
                       method=method)


def score(pairs: list[tuple[list[dict], list[dict]]]) -> dict:
    """Evaluator-style scores over (predicted rows, gold metrics) per document.

    correct: gold keys predicted with the gold value; wrong: gold keys predicted only with other values;
    extra: predicted keys with no gold label in that document (the evaluator does not count them, we list them).
    """
    correct = wrong = gold_n = 0
    extra: list[dict] = []
    misses: list[tuple] = []
    for pred, gold in pairs:
        g = {fact_key(m): m["value"] for m in gold}
        got: dict[tuple, list[float]] = {}
        for r in pred:
            got.setdefault(fact_key(r), []).append(r["value"])
            if fact_key(r) not in g:
                extra.append(r)
        gold_n += len(g)
        for k, v in g.items():
            vals = got.get(k, [])
            if any(abs(float(x) - float(v)) <= 0.011 for x in vals):
                correct += 1
            else:
                wrong += bool(vals)
                misses.append((k, v, vals))
    return {"correct": correct, "wrong": wrong, "gold": gold_n, "extra": extra, "misses": misses,
            "precision": correct / max(1, correct + wrong), "recall": correct / max(1, gold_n)}
