"""Rankings from indicator rows: published ranks where a source states them, else computed by value.

Scope is `national` for provinces and `province:<code>` for the units of one province; inside a
province, departments and communes are ranked apart (two groups with the same scope, told apart by
`entity_type`, which is part of the table's key). Each entity gets one value per indicator and period,
taken from the best source (api > table > attachment > text); different values for one fact are listed
by `find_conflicts`, not silently merged. Only indices and rates where more is better are ranked; ranks
themselves and counts are not. Below a province, a published rank is used only when the published ranks
of a group rank exactly its members (a drill-down answer ranks departments and communes together: not
either group's rank); otherwise the group is ranked by value. `rank_change` compares with the previous period of the
same kind (month, quarter, half, year) for the same unit: a province code whose unit changed with the
2025 reorganisation (another name under the same code) has none; `provisional` is the ranked value's flag.
"""
from __future__ import annotations

from collections import defaultdict

from transforms.facts import RANK_OF as _FACT_RANKS
from transforms.text import fold

RANKED = ("par_index", "sipas", "service_index", "on_time_rate", "early_rate", "online_rate", "digitization_rate")
RANK_OF = {**_FACT_RANKS, "service_index": "service_index_rank"}
_METHOD_ORDER = {"api": 0, "table": 1, "attachment": 2, "text": 3}
_SCOPED_BELOW_PROVINCE = ("department", "commune")
# One unit per ranked indicator, whatever the entity type. PAR INDEX is scored out of 100, so a score in
# points and a percent of the maximum are the same number (provinces' indices are published as percent,
# departments' often in points): both are ranked as percent. A source with another maximum states a
# different number for the same fact, which find_conflicts lists. The service index is points out of 100.
RANKING_UNITS = {"par_index": "percent", "sipas": "percent", "service_index": "points", "on_time_rate": "percent",
                 "early_rate": "percent", "online_rate": "percent", "digitization_rate": "percent"}


def _entity_key(r: dict) -> tuple:
    ent = r["province_code"] if r["entity_type"] == "province" else fold(r["entity_name"])
    return (r["entity_type"], str(r["province_code"]), ent)


def _scope(r: dict) -> str | None:
    if r["entity_type"] == "province":
        return "national"
    if r["entity_type"] in _SCOPED_BELOW_PROVINCE and r.get("province_code"):
        return f"province:{r['province_code']}"
    return None                       # districts: no scope of the contract ranks them


def _best(rows: list[dict]) -> dict:
    return min(rows, key=lambda r: (_METHOD_ORDER.get(r.get("method"), 9), str(r.get("source_doc_id")), r["value"]))


def previous_period(period: str) -> str | None:
    """The period before, of the same kind: 2025-01 -> 2024-12, 2025-Q1 -> 2024-Q4, 2025-H2 -> 2025-H1, 2025 -> 2024."""
    try:
        if len(period) == 4:
            return str(int(period) - 1)
        y, part = int(period[:4]), period[5:]
        if part[:1] in ("Q", "H"):
            n, last = int(part[1:]), (4 if part[0] == "Q" else 2)
            return f"{y - 1}-{part[0]}{last}" if n == 1 else f"{y}-{part[0]}{n - 1}"
        m = int(part)
        return f"{y - 1}-12" if m == 1 else f"{y}-{m - 1:02d}"
    except (ValueError, IndexError):
        return None


def _published_fits(published: list[int]) -> bool:
    """Published ranks that rank exactly these members: 1..n, ties sharing a rank and skipping the next."""
    ranks = sorted(published)
    return bool(ranks) and all(r == ranks[i - 1] if i and r == ranks[i - 1] else r == i + 1
                               for i, r in enumerate(ranks))


def _flag(rows: list[dict]) -> bool | None:
    flags = [r.get("provisional") for r in rows if r.get("provisional") is not None]
    return any(flags) if flags else None


def _competition_ranks(values: dict[tuple, float]) -> dict[tuple, int]:
    """1 = highest; equal values share a rank and the next rank skips ("1, 2, 2, 4")."""
    ordered = sorted(values.items(), key=lambda kv: -kv[1])
    ranks: dict[tuple, int] = {}
    for i, (k, v) in enumerate(ordered):
        ranks[k] = ranks[ordered[i - 1][0]] if i and abs(ordered[i - 1][1] - v) < 1e-9 else i + 1
    return ranks


def compute_rankings(indicators: list[dict]) -> list[dict]:
    counted = [r for r in indicators if r.get("counted", True) and r.get("value") is not None]
    facts: dict[tuple, list[dict]] = defaultdict(list)     # (indicator, period, entity key) -> rows
    for r in counted:
        facts[(r["indicator"], str(r["period"]), _entity_key(r))].append(r)
    groups: dict[tuple, dict[tuple, dict]] = defaultdict(dict)   # (indicator, period, scope) -> entity -> row
    for ind in RANKED:
        rank_ind = RANK_OF.get(ind)
        keys = {(p, e) for (i, p, e) in facts if i == ind or (rank_ind and i == rank_ind)}
        for period, ent in keys:
            value_rows = facts.get((ind, period, ent), [])
            rank_rows = facts.get((rank_ind, period, ent), []) if rank_ind else []
            base = _best(value_rows or rank_rows)
            scope = _scope(base)
            if scope is None:
                continue
            best = _best(value_rows) if value_rows else None
            groups[(ind, period, scope, base["entity_type"])][ent] = {
                "base": base, "value": best["value"] if best else None,
                "source_doc_id": (best or _best(rank_rows)).get("source_doc_id"),
                "published": int(_best(rank_rows)["value"]) if rank_rows else None,
                "provisional": _flag([best] if best else rank_rows),
            }
    out: list[dict] = []
    rank_of: dict[tuple, int] = {}
    for (ind, period, scope, _etype), members in sorted(groups.items()):
        computed = _competition_ranks({e: m["value"] for e, m in members.items() if m["value"] is not None})
        published = [m["published"] for m in members.values() if m["published"] is not None]
        # Below a province one answer may rank departments and communes together: its ranks are no group's.
        use_published = _published_fits(published) if _etype in _SCOPED_BELOW_PROVINCE else bool(published)
        for ent, m in members.items():
            rank = m["published"] if use_published and m["published"] is not None else computed.get(ent)
            if rank is None:
                continue
            b = m["base"]
            rank_of[(ind, period, scope, ent)] = (rank, fold(b["entity_name"] or ""))
            out.append({"indicator": ind, "period": period, "scope": scope, "entity_type": b["entity_type"],
                        "entity_name": b["entity_name"], "province_code": b["province_code"],
                        "value": None if m["value"] is None else float(m["value"]),
                        "unit": RANKING_UNITS[ind] if m["value"] is not None else None,
                        "source_doc_id": m["source_doc_id"], "rank": int(rank),
                        "rank_source": "published" if use_published and m["published"] is not None else "computed",
                        "n_ranked": len(members), "provisional": m["provisional"], "_ent": ent})
    for row in out:
        prev = rank_of.get((row["indicator"], previous_period(row["period"]), row["scope"], row.pop("_ent")))
        # A GSO code reused by another unit after 1 July 2025 (24: Bắc Giang, then Bắc Ninh) is no move.
        same = prev is not None and prev[1] == fold(row["entity_name"] or "")
        row["rank_change"] = prev[0] - row["rank"] if same else None
    return sorted(out, key=lambda r: (r["indicator"], r["period"], r["scope"], r["rank"], r["entity_name"]))


def find_conflicts(indicators: list[dict]) -> list[dict]:
    """Facts stated with different values (same entity, indicator, period and component)."""
    by_key: dict[tuple, list[dict]] = defaultdict(list)
    for r in indicators:
        if r.get("counted", True):
            by_key[(*_entity_key(r), r["indicator"], str(r["period"]), r.get("component"))].append(r)
    out = []
    for key, rows in sorted(by_key.items(), key=lambda kv: tuple(str(x) for x in kv[0])):
        values = sorted({round(float(r["value"]), 6) for r in rows})
        if len(values) > 1:
            out.append({"entity_type": key[0], "province_code": key[1], "entity_name": rows[0]["entity_name"],
                        "indicator": key[3], "period": key[4], "component": key[5], "values": values,
                        "sources": sorted({(str(r.get("source_doc_id")), r.get("method"), r["value"]) for r in rows})})
    return out
