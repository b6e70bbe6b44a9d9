"""The `units` table of a release: the reference units (transforms/units.py) with the API ids the lake has
learned. Ids the run's answers state win; ids learned by earlier runs are kept (the last release's table)."""
from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from flows.build import UNIT_IDS
from flows.lake import Lake, read_jsonl
from flows.schema import to_arrow
from transforms.units import PRE_2025, Y2025, default_units, read_aliases

ID_COLUMNS = ("dvc_legacy_id", "dvc_uuid")


def learned_ids(lake: Lake, row_folders: list[str]) -> tuple[dict[tuple[str, str], dict], list[str]]:
    """(era, province_code) -> ids, from the last release and this run's answers; warnings for a conflict."""
    ids: dict[tuple[str, str], dict] = {}
    for r in lake.read_published("units").to_pylist():
        era = Y2025 if r.get("valid_from") else PRE_2025
        ids[(era, r["province_code"])] = {k: r.get(k) for k in ID_COLUMNS if r.get(k)}
    warnings, fresh = [], {}
    for folder in row_folders:
        for r in read_jsonl(Path(folder) / UNIT_IDS):
            key = (r["era"], r["province_code"])
            for col in ID_COLUMNS:
                if not r.get(col):
                    continue
                seen = fresh.setdefault(key, {}).get(col)
                if seen and seen != r[col]:
                    warnings.append(f"units: {col} of {key[1]} ({key[0]}) stated as {seen} and {r[col]}; the first kept")
                    continue
                fresh[key][col] = r[col]
    for key, got in fresh.items():
        ids.setdefault(key, {}).update(got)
    return ids, warnings


def units_table(lake: Lake, row_folders: list[str]) -> tuple[pa.Table, list[str]]:
    ids, warnings = learned_ids(lake, row_folders)
    return to_arrow("units", default_units().rows(read_aliases(), ids)), warnings
