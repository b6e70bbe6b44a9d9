"""Gazetteer: provinces (63 before 1 July 2025, their 34 successors) and canonical provincial agencies.

Reference data lives in the repo's data/ folder (provinces.csv, agencies.csv; sources in data/SOURCES.md);
reading it is the only I/O here. Names are compared through `text.fold` (no case, tone marks or
punctuation), with "&" read as "và" so that "Sở KH&ĐT" and "Sở KH và ĐT" are the same key.
Lookups return None when nothing (or nothing unambiguous) is found: the caller reports it.

Spans returned by `provinces_in` / `agencies_in` index the text as given, even when it is in
decomposed Unicode (pages saved from word processors): folding keeps one character per character.
"""
from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from transforms.text import fold, nfc, strip_marks
from transforms.urls import host_of

DATA_DIR = Path(__file__).resolve().parents[1] / "data"

# Words that introduce a province-level unit; a name after them need not be capitalised.
_UNIT_WORDS = (("thanh", "pho"), ("tinh",), ("tp",))
# Words that introduce the people's committee of a unit in a label ("UBND tỉnh Bình Định").
_COMMITTEE_WORDS = (("uy", "ban", "nhan", "dan"), ("ubnd",))
# Lower-level units, streets and features: "xã Hòa Bình", "phố Huế", "sông X" name something other than the province.
_LOWER_UNITS = {"huyện", "quận", "xã", "phường", "thôn", "ấp", "đường", "phố", "thị trấn", "thị xã", "khu phố",
                "sông", "kênh", "cầu", "chợ", "cảng", "hồ", "núi", "đèo", "đại lộ", "ngõ", "hẻm"}
# Middle names: "Nguyễn Thị Huế" is a person.
_MIDDLE_NAMES = {"Thị", "Văn"}
# Phrases that contain a province name but do not mean the province (the Pacific; President Hồ Chí Minh).
_NOT_PROVINCES = (
    "Thái Bình Dương", "Chủ tịch Hồ Chí Minh", "Bác Hồ Chí Minh", "tư tưởng Hồ Chí Minh", "đạo đức Hồ Chí Minh",
    "phong cách Hồ Chí Minh", "tấm gương Hồ Chí Minh", "di chúc Hồ Chí Minh", "TNCS Hồ Chí Minh",
    "Cộng sản Hồ Chí Minh", "Tiền phong Hồ Chí Minh", "Chính trị quốc gia Hồ Chí Minh", "Huân chương Hồ Chí Minh",
    "Giải thưởng Hồ Chí Minh", "Bảo tàng Hồ Chí Minh", "thời đại Hồ Chí Minh", "chiến dịch Hồ Chí Minh",
)
_GENERIC_HOST_LABELS = {"www", "gov", "vn", "com", "org", "net", "edu", "info", "int"}
_MIN_PARTIAL_SLUG = 5   # shorter slugs ("hue", "hcm") only match a whole host label
_MAX_GAP = 4            # characters between two words of one name ("TP. ", " - ", ", ")
_TOKEN = re.compile(r"\w+|&")
_MARK = "\ue000"   # stands in for a combining mark while folding, so spans stay put
_TEXT_TOKEN = re.compile(r"[\w\ue000]+|&")


@dataclass(frozen=True)
class Province:
    code: str
    name: str
    kind: str
    code_2025: str
    name_2025: str
    kind_2025: str = ""

    @property
    def full_name(self) -> str:
        return f"{self.kind} {self.name}"

    @property
    def full_name_2025(self) -> str:
        return f"{self.kind_2025} {self.name_2025}".strip()


@dataclass(frozen=True)
class Agency:
    canonical: str
    aliases: tuple[str, ...]
    abbreviation: str
    valid_until: str
    successor_2025: str


# --- normalisation -----------------------------------------------------------
class _FoldTable(dict):
    """str.translate table: each character to one folded character, so spans survive folding."""

    def __missing__(self, code: int) -> str:
        c = chr(code)
        d = strip_marks(c.lower()).casefold()
        if c == "&":
            out = "&"
        elif unicodedata.category(c) == "Mn":
            out = _MARK
        elif len(d) >= 1 and (d[0].isalnum() or d[0] == "_"):
            out = d[0]
        else:
            out = " "
        self[code] = out
        return out


_FOLD = _FoldTable()


def _key_tokens(s: str) -> list[str]:
    return ["va" if t == "&" else t for t in _TOKEN.findall(fold(s))]


def _key(s: str) -> str:
    return " ".join(_key_tokens(s))


def _strip_prefix(toks: list[str], prefixes: tuple[tuple[str, ...], ...]) -> list[str]:
    for p in prefixes:
        if tuple(toks[:len(p)]) == p and len(toks) > len(p):
            return toks[len(p):]
    return toks


class _Tokens:
    """Words of a text in folded form with their spans in the text."""

    def __init__(self, text: str):
        self.text = text or ""
        ms = [m for m in _TEXT_TOKEN.finditer(self.text.translate(_FOLD)) if m.group().strip(_MARK)]
        self.words = ["va" if m.group() == "&" else m.group().replace(_MARK, "") for m in ms]
        self.spans = [m.span() for m in ms]
        # joined[k]: word k and word k+1 may belong to one name (short gap, same line)
        self.joined = [self._gap_ok(self.spans[k][1], self.spans[k + 1][0]) for k in range(len(ms) - 1)]

    def _gap_ok(self, a: int, b: int) -> bool:
        return b - a <= _MAX_GAP and "\n" not in self.text[a:b]

    def run(self, i: int, limit: int) -> int:
        """How many words from i (at most limit) are chained by short gaps."""
        n = 1
        while n < limit and i + n - 1 < len(self.joined) and self.joined[i + n - 1]:
            n += 1
        return min(n, len(self.words) - i)

    def longest(self, i: int, table: _Table) -> tuple[int, object] | None:
        if self.words[i] not in table.first:   # most words start no name: skip the joins
            return None
        for n in range(self.run(i, table.max_n), 0, -1):
            hit = table.get(" ".join(self.words[i:i + n]))
            if hit is not None:
                return n, hit
        return None

    def original(self, i: int, n: int = 1) -> str:
        return nfc(self.text[self.spans[i][0]:self.spans[i + n - 1][1]])


@lru_cache(maxsize=256)
def _tokens(text: str) -> _Tokens:
    """One tokenising of a sentence for its agencies, ministries and provinces (they are asked in turn)."""
    return _Tokens(text)


class _Table(dict):
    """Folded phrase -> value, with what a scan needs to skip quickly."""

    def seal(self) -> _Table:
        self.first = {k.split(" ", 1)[0] for k in self}
        self.max_n = max((k.count(" ") + 1 for k in self), default=1)
        return self


def _add(table: dict, key: str, value, what: str) -> None:
    if table.get(key, value) != value:
        raise ValueError(f"gazetteer: {what} {key!r} names both {table[key]!r} and {value!r}")
    table[key] = value


# --- the gazetteer -------------------------------------------------------------
class Gazetteer:
    def __init__(self, provinces: list[Province], province_aliases: dict[str, list[str]],
                 host_slugs: dict[str, list[str]], agencies: list[Agency], ministries: list[Agency] | None = None):
        self.provinces = provinces
        self.agencies = agencies
        self._by_code = {p.code: p for p in provinces}
        self._names = _Table()                # folded name -> code
        self._slugs: dict[str, str] = {}      # compact name or host slug -> code
        for p in provinces:
            for alias in [p.name, *province_aliases.get(p.code, [])]:
                toks = _strip_prefix(_key_tokens(alias), _UNIT_WORDS)
                _add(self._names, " ".join(toks), p.code, "province name")
                _add(self._slugs, "".join(toks), p.code, "province slug")
            for slug in host_slugs.get(p.code, []):
                _add(self._slugs, "".join(_key_tokens(slug)), p.code, "province slug")
        self._names.seal()
        self._not_provinces = _Table({_key(s): True for s in _NOT_PROVINCES}).seal()
        self._units = _Table({" ".join(u): len(u) for u in _UNIT_WORDS}).seal()
        self._agency_by_name = {a.canonical: a for a in agencies}
        self._agency_keys = _Table()          # folded alias -> (canonical, is_code)
        for a in agencies:
            for alias in (a.canonical, *a.aliases):
                is_code = " " not in alias and alias.upper() == alias
                _add(self._agency_keys, _key(alias), (a.canonical, is_code), "agency name")
        self._agency_keys.seal()
        # Ministries and ministry-level agencies (entity_type "ministry"): canonical names only, no codes.
        self.ministries = ministries or []
        self._ministry_keys = _Table()
        for a in self.ministries:
            for alias in (a.canonical, *a.aliases):
                _add(self._ministry_keys, _key(alias), (a.canonical, False), "ministry name")
        self._ministry_keys.seal()

    @classmethod
    def load(cls, data_dir: Path = DATA_DIR) -> Gazetteer:
        rows = _read_csv(data_dir / "provinces.csv")
        provinces = [Province(r["code"], r["name"], r["kind"], r["code_2025"], r["name_2025"], r["kind_2025"])
                     for r in rows]
        aliases = {r["code"]: _split(r["aliases"]) for r in rows}
        slugs = {r["code"]: _split(r["host_slugs"]) for r in rows}
        agencies = [Agency(r["canonical"], tuple(_split(r["aliases"])), r["abbreviation"], r["valid_until"],
                           r["successor_2025"]) for r in _read_csv(data_dir / "agencies.csv")]
        ministries = [Agency(r["canonical"], tuple(_split(r["aliases"])), "", r["valid_until"], r["successor_2025"])
                      for r in _read_csv(data_dir / "ministries.csv")] if (data_dir / "ministries.csv").exists() else []
        return cls(provinces, aliases, slugs, agencies, ministries)

    @classmethod
    def default(cls) -> Gazetteer:
        return _default()

    # --- provinces -------------------------------------------------------------
    def province(self, code: str) -> Province | None:
        """The pre-2025 unit with this GSO code ("52" or 52)."""
        return self._by_code.get(str(code).strip().zfill(2))

    def find_province(self, name: str) -> Province | None:
        """A province as a cell or label names it: "TP. Hồ Chí Minh", "tỉnh Bình Định", "BINH DINH"."""
        toks = _strip_prefix(_strip_prefix(_key_tokens(name), _COMMITTEE_WORDS), _UNIT_WORDS)
        code = self._names.get(" ".join(toks)) or self._slugs.get("".join(toks))
        return self._by_code[code] if code else None

    def provinces_in(self, text: str) -> list[tuple[Province, int, int]]:
        """Province mentions, longest first, left to right; a span includes "tỉnh"/"thành phố"/"TP." before it.

        A bare name must be capitalised ("hòa bình" is peace) and not follow a lower unit ("xã Hòa Bình").
        """
        t = _tokens(text)
        out: list[tuple[Province, int, int]] = []
        i = 0
        while i < len(t.words):
            blocked = t.longest(i, self._not_provinces)
            if blocked:
                i += blocked[0]
                continue
            unit = t.longest(i, self._units)
            if unit and t.run(i, unit[0] + 1) > unit[0]:
                hit = t.longest(i + unit[0], self._names)
                if hit:
                    n = unit[0] + hit[0]
                    out.append((self._by_code[hit[1]], t.spans[i][0], t.spans[i + n - 1][1]))
                    i += n
                    continue
            hit = t.longest(i, self._names)
            if hit and self._capitalised(t, i, hit[0]) and self._bare_context_ok(t, i):
                out.append((self._by_code[hit[1]], t.spans[i][0], t.spans[i + hit[0] - 1][1]))
                i += hit[0]
                continue
            i += 1
        return out

    @staticmethod
    def _capitalised(t: _Tokens, i: int, n: int) -> bool:
        return all(t.original(k)[:1].isupper() for k in range(i, i + n))

    @staticmethod
    def _bare_context_ok(t: _Tokens, i: int) -> bool:
        """False after a lower unit ("xã Hòa Bình") or a middle name ("Nguyễn Thị Huế")."""
        for n in (1, 2):
            if i - n >= 0 and t.run(i - n, n + 1) > n:
                before = t.original(i - n, n)
                if before.lower() in _LOWER_UNITS or (n == 1 and before in _MIDDLE_NAMES):
                    return False
        return True

    def province_from_host(self, host: str) -> Province | None:
        """The province a host (or URL) names ("snv.quangngai.gov.vn" -> 51); None when none or ambiguous."""
        host = host_of(host) if "/" in host else host.lower().split(":")[0]
        labels = [lb.replace("-", "") for lb in host.strip(".").split(".")]
        labels = [lb for lb in labels if lb and lb not in _GENERIC_HOST_LABELS]
        exact = {self._slugs[lb] for lb in labels if lb in self._slugs}
        if exact:
            return self._by_code[exact.pop()] if len(exact) == 1 else None
        # A slug inside a label, as newspapers name themselves ("bao" + slug); the longest slug wins.
        found: dict[int, set[str]] = {}
        for lb in labels:
            for slug, code in self._slugs.items():
                if len(slug) >= _MIN_PARTIAL_SLUG and (lb.startswith(slug) or lb.endswith(slug)):
                    found.setdefault(len(slug), set()).add(code)
        if not found:
            return None
        best = found[max(found)]
        return self._by_code[best.pop()] if len(best) == 1 else None

    # --- agencies --------------------------------------------------------------
    def find_agency(self, name: str) -> str | None:
        """Canonical agency for a name, alias or abbreviation; a trailing province is allowed
        ("Sở Xây dựng tỉnh Bình Định"). "Sở" alone or "các sở, ban, ngành" is not an agency."""
        toks = _key_tokens(name)
        hit = self._agency_keys.get(" ".join(toks))
        if hit:
            return hit[0]
        for n in range(len(toks) - 1, 0, -1):
            hit = self._agency_keys.get(" ".join(toks[:n]))
            rest = toks[n:]
            if hit and (" ".join(rest) in self._units or self.find_province(" ".join(rest))):
                return hit[0]
        return None

    def agencies_in(self, text: str, _table: _Table | None = None) -> list[tuple[str, int, int]]:
        """Agency mentions (canonical name, span), longest match first, left to right.

        A mention starts with a capital letter; a bare code ("SXD", as in "15/KH-SXD") must be upper case.
        """
        table = self._agency_keys if _table is None else _table
        t = _tokens(text)
        out: list[tuple[str, int, int]] = []
        i = 0
        while i < len(t.words):
            hit = t.longest(i, table)
            if hit:
                n, (canonical, is_code) = hit
                surface = t.original(i, n)
                if surface[:1].isupper() and (not is_code or surface == surface.upper()):
                    out.append((canonical, t.spans[i][0], t.spans[i + n - 1][1]))
                    i += n
                    continue
            i += 1
        return out

    def ministries_in(self, text: str) -> list[tuple[str, int, int]]:
        """Ministry mentions ("Bộ Tư pháp", "Ngân hàng Nhà nước Việt Nam"), as agencies_in."""
        return self.agencies_in(text, self._ministry_keys)

    def find_ministry(self, name: str) -> str | None:
        hit = self._ministry_keys.get(_key(name))
        return hit[0] if hit else None

    def agency(self, name: str) -> Agency | None:
        canonical = self.find_agency(name)
        return self._agency_by_name[canonical] if canonical else None

    def agency_2025(self, canonical: str) -> str | None:
        """The agency that carries on after the 2025 mergers (itself when unchanged)."""
        a = self.agency(canonical)
        return a.successor_2025 if a else None

    def agency_abbreviation(self, canonical: str) -> str | None:
        a = self.agency(canonical)
        return (a.abbreviation or None) if a else None


def _read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return [{k: nfc(v).strip() for k, v in r.items()} for r in csv.DictReader(f)]


def _split(cell: str) -> list[str]:
    return [x.strip() for x in cell.split("|") if x.strip()]


@lru_cache(maxsize=1)
def _default() -> Gazetteer:
    return Gazetteer.load(DATA_DIR)
