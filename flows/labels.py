"""Readable names of indicator and component keys, in Vietnamese and English (data/indicator_labels.csv)."""
from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

LABELS_PATH = Path(__file__).resolve().parents[1] / "data" / "indicator_labels.csv"


@cache
def labels() -> dict[str, dict[str, str]]:
    with open(LABELS_PATH, encoding="utf-8", newline="") as fh:
        return {row["key"]: row for row in csv.DictReader(fh)}


def label(key: str | None, lang: str = "vi") -> str | None:
    """The name of a key in one language; None for a key the table does not know (callers report it)."""
    row = labels().get(key or "")
    return row[lang] if row else None


def both(key: str | None) -> str:
    """'Vietnamese name / English name', or the raw key when unknown."""
    row = labels().get(key or "")
    return f"{row['vi']} / {row['en']}" if row else str(key)
