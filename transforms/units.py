"""Province identity across codes and identifiers: GSO codes before and after 1 July 2025, and the ids of
dichvucong.gov.vn's evaluation APIs, never names.

The H-code (data/dvc_hcodes.csv) numbers the 63 provinces before 2025; a province of 2025 keeps the
H-code of the old province whose name it kept (the only member, or the member of the same name). So an
H-code means one unit in an answer that lists the 63 (codes before 2025) and another in one that lists
the 34 (codes of 2025). The legacy numeric ID and the reporting API's UUID are not published anywhere:
they are learned from the answers themselves, paired with the H-code the same row states.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from transforms.gazetteer import DATA_DIR, Gazetteer, _read_csv
from transforms.text import fold

PRE_2025, Y2025 = "pre2025", "2025"
REFORM_DAY = dt.date(2025, 7, 1)
_HCODE = re.compile(r"^H(\d{2})$")


@dataclass(frozen=True)
class Unit:
    code: str           # GSO code in its era
    name: str
    era: str            # PRE_2025 | Y2025


def hcode_of(text: str | None) -> str | None:
    """The H-code a code ends or starts with: '000.00.00.H01' -> 'H01', 'H21.15' -> 'H21', 'H05' -> 'H05'."""
    if not text:
        return None
    parts = str(text).strip().split(".")
    for part in (parts[-1], parts[0]):
        m = _HCODE.match(part.upper())
        if m:
            return f"H{m.group(1)}"
    return None


class UnitTable:
    def __init__(self, gaz: Gazetteer, hcodes: dict[str, str]):
        self.gaz = gaz
        self.old_of_h = dict(hcodes)                    # H-code -> pre-2025 GSO code
        self.h_of_old = {c: h for h, c in hcodes.items()}
        members: dict[str, list] = {}
        for p in gaz.provinces:
            members.setdefault(p.code_2025, []).append(p)
        self.name_2025 = {c: ps[0].name_2025 for c, ps in members.items()}
        # The old province a unit of 2025 takes its H-code from: its only member, or the one whose name it kept.
        self.new_of_h: dict[str, str] = {}
        for code, ps in members.items():
            keeper = ps if len(ps) == 1 else [p for p in ps if fold(p.name) == fold(p.name_2025)]
            if len(keeper) == 1 and keeper[0].code in self.h_of_old:
                self.new_of_h[self.h_of_old[keeper[0].code]] = code
        self.h_of_new = {c: h for h, c in self.new_of_h.items()}

    def unit(self, hcode: str | None, era: str) -> Unit | None:
        """The province an H-code names in an answer of that era; None when the table does not know it."""
        if not hcode:
            return None
        if era == PRE_2025:
            code = self.old_of_h.get(hcode)
            p = self.gaz.province(code) if code else None
            return Unit(p.code, p.name, era) if p else None
        code = self.new_of_h.get(hcode)
        return Unit(code, self.name_2025[code], era) if code else None

    def rows(self, aliases: dict[str, list[str]], learned: dict[tuple[str, str], dict]) -> list[dict]:
        """The `units` table: the 63 units before 1 July 2025, then the 34 after, with their ids.
        `learned` maps (era, code) to {"dvc_legacy_id": ..., "dvc_uuid": ...} as answers stated them. A unit of
        2025 has the spellings of the old province whose name (and H-code) it kept."""
        out = []
        for p in self.gaz.provinces:
            ids = learned.get((PRE_2025, p.code), {})
            out.append({"province_code": p.code, "name": p.name, "valid_from": None,
                        "valid_to": REFORM_DAY - dt.timedelta(days=1), "province_code_2025": p.code_2025,
                        "province_name_2025": p.name_2025, "aliases": aliases.get(p.code, []),
                        "dvc_legacy_id": ids.get("dvc_legacy_id"), "dvc_hcode": self.h_of_old.get(p.code),
                        "dvc_uuid": ids.get("dvc_uuid")})
        for code in sorted(self.name_2025):
            ids = learned.get((Y2025, code), {})
            out.append({"province_code": code, "name": self.name_2025[code], "valid_from": REFORM_DAY,
                        "valid_to": None, "province_code_2025": code, "province_name_2025": self.name_2025[code],
                        "aliases": aliases.get(self.old_of_h.get(self.h_of_new.get(code, ""), ""), []),
                        "dvc_legacy_id": ids.get("dvc_legacy_id"),
                        "dvc_hcode": self.h_of_new.get(code), "dvc_uuid": ids.get("dvc_uuid")})
        return out


def read_hcodes(path: Path = DATA_DIR / "dvc_hcodes.csv") -> dict[str, str]:
    return {r["hcode"]: r["code"] for r in _read_csv(path)}


def read_aliases(path: Path = DATA_DIR / "provinces.csv") -> dict[str, list[str]]:
    return {r["code"]: [a for a in r["aliases"].split("|") if a] for r in _read_csv(path)}


@lru_cache(maxsize=1)
def default_units() -> UnitTable:
    return UnitTable(Gazetteer.default(), read_hcodes())
