"""datapackage.json (Frictionless Data Package) and the data dictionary, both from flows/schema.py.

`frictionless validate <release>/datapackage.json` passes: integer columns that may be null carry pandas'
nullable integer dtypes in the Parquet metadata (flows/schema.py), list columns are typed `any`.

Run `python -m flows.datapackage --dictionary` to regenerate docs/DATA_DICTIONARY.md.
"""
from __future__ import annotations

import argparse
import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa

from flows.schema import COMPONENTS, FOREIGN_KEYS, INDICATORS, PRIMARY_KEYS, SCHEMA_VERSION, TABLES
from transforms.rankings import RANKING_UNITS

TABLE_DESCRIPTIONS = {
    "documents": "One row per distinct page or attachment found on a registered site",
    "doc_refs": "Legal documents (by canonical number) cited by a document",
    "indicators": "One row per fact a document states (PAR INDEX, SIPAS, TTHC dossier statistics), with its evidence",
    "rankings": "Rankings per indicator, period and scope: published ranks where they exist, else computed",
    "sources": "One row per registered site: when it was last crawled successfully, when it last had news, "
               "its rows in this release and its status (ok, stale, failing, blocked), for freshness",
    "crawl_log": "Every request of every run and its outcome: the crawl's, and those of the probe that decides whether an unchanged site needs crawling",
    "units": "The provinces and their identifiers, for joins: the 63 units before 1 July 2025 and the 34 after, with GSO codes, "
             "successors, spellings, and their ids on dichvucong.gov.vn's evaluation APIs (H-code from the reference table; "
             "legacy ID and UUID as the API's answers state them beside the H-code)",
}
DICTIONARY_PATH = Path(__file__).resolve().parents[1] / "docs" / "DATA_DICTIONARY.md"


def _field_type(typ: pa.DataType) -> str:
    """Arrow type -> Frictionless Table Schema type."""
    if pa.types.is_string(typ) or pa.types.is_large_string(typ):
        return "string"
    if pa.types.is_boolean(typ):
        return "boolean"
    if pa.types.is_integer(typ):
        return "integer"
    if pa.types.is_floating(typ) or pa.types.is_decimal(typ):
        return "number"
    if pa.types.is_date(typ):
        return "date"
    if pa.types.is_timestamp(typ):
        return "datetime"
    if pa.types.is_list(typ) or pa.types.is_large_list(typ) or pa.types.is_struct(typ):
        # Logically an array (of objects); declared `any` because frictionless reads Parquet through pandas,
        # which hands a list cell over as a numpy array that its `array` type refuses. The arrow type is in
        # the data dictionary and the Parquet file itself.
        return "any"
    raise ValueError(f"no Table Schema type for arrow type {typ}")


def table_schema(table: str) -> dict:
    fields = [{"name": name, "type": _field_type(typ), "description": desc} for name, typ, desc in TABLES[table]]
    schema: dict = {"fields": fields}
    if PRIMARY_KEYS.get(table):
        schema["primaryKey"] = list(PRIMARY_KEYS[table])
    fks = [{"fields": [col], "reference": {"resource": ref_table, "fields": [ref_col]}}
           for col, ref_table, ref_col in FOREIGN_KEYS.get(table, [])]
    if fks:
        schema["foreignKeys"] = fks
    return schema


def _parquet_paths(release_dir: Path, table: str) -> list[str]:
    """Relative POSIX paths of the table's Parquet files (a folder, maybe hive-partitioned)."""
    folder = release_dir / table
    return sorted(p.relative_to(release_dir).as_posix() for p in folder.rglob("*.parquet"))


def build_datapackage(release_dir: Path, run_id: str) -> dict:
    """The Data Package descriptor of a release; a table without Parquet files is an error."""
    release_dir = Path(release_dir)
    resources = []
    for table in TABLES:
        paths = _parquet_paths(release_dir, table)
        if not paths:
            raise FileNotFoundError(f"no Parquet files for table {table!r} under {release_dir}")
        resources.append({
            "name": table,
            "type": "table",
            "path": paths[0] if len(paths) == 1 else paths,
            "format": "parquet",
            "mediatype": "application/vnd.apache.parquet",
            "description": TABLE_DESCRIPTIONS[table],
            "schema": table_schema(table),
        })
    return {
        "name": "cchc",
        "title": "Vietnam administrative reform (cải cách hành chính) open data",
        "description": "Documents, cited legal documents, stated indicators (PAR INDEX, SIPAS, TTHC dossiers), "
                       "rankings and the crawl log, extracted from Vietnamese government portals.",
        "version": SCHEMA_VERSION,
        "schema_version": SCHEMA_VERSION,
        "run_id": run_id,
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "licenses": [{"name": "ODC-BY-1.0", "path": "https://opendatacommons.org/licenses/by/1-0/",
                      "title": "Open Data Commons Attribution License 1.0"}],
        "resources": resources,
    }


def write_datapackage(release_dir: Path, run_id: str) -> Path:
    release_dir = Path(release_dir)
    out = release_dir / "datapackage.json"
    tmp = out.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(build_datapackage(release_dir, run_id), ensure_ascii=False, indent=2) + "\n",
                   encoding="utf-8")
    os.replace(tmp, out)
    return out


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|")


def data_dictionary_markdown() -> str:
    lines = [
        "# Data dictionary",
        "",
        "Generated from `flows/schema.py` by `python -m flows.datapackage --dictionary`; do not edit by hand.",
        f"Schema version {SCHEMA_VERSION}. Every table is published as Parquet under `published/<table>/`, "
        "described in `datapackage.json` and copied as a table into `cchc.duckdb`.",
    ]
    for table, columns in TABLES.items():
        lines += ["", f"## {table}", "", TABLE_DESCRIPTIONS[table], ""]
        if PRIMARY_KEYS.get(table):
            lines.append(f"Primary key: {', '.join(f'`{c}`' for c in PRIMARY_KEYS[table])}.")
        for col, ref_table, ref_col in FOREIGN_KEYS.get(table, []):
            lines.append(f"Foreign key: `{col}` → `{ref_table}.{ref_col}`.")
        lines += ["", "| column | type | arrow type | description |", "|---|---|---|---|"]
        lines += [f"| {name} | {_field_type(typ)} | `{typ}` | {_md_cell(desc)} |" for name, typ, desc in columns]
    lines += ["", "## Units", "",
              "`indicators.unit` is the unit the source states: `percent` (0-100), `points`, `count` or `rank`.",
              "",
              "Rankings have one unit per indicator and entity type, in `rankings.unit`: every ranked indicator "
              "(" + ", ".join(f"`{i}`" for i in RANKING_UNITS) + ") is ranked in `percent`, for provinces and "
              "departments alike. PAR INDEX is scored out of 100: the national index of provinces is published "
              "as a percent of the maximum, provinces publish their departments' indices in points out of 100, "
              "so both are the same number and rank together. A source that scores out of another maximum "
              "states a different number for the same fact, and the run report lists it among the conflicting "
              "values.",
              "", "## Indicator vocabulary", "", ", ".join(f"`{i}`" for i in INDICATORS) + ".",
              "", "PAR INDEX components (`component` of `par_component`): "
              + ", ".join(f"`{c}`" for c in COMPONENTS) + "."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m flows.datapackage")
    p.add_argument("--dictionary", action="store_true", help=f"regenerate {DICTIONARY_PATH}")
    p.add_argument("--release", type=Path, help="write datapackage.json for this release folder")
    p.add_argument("--run-id", default=None)
    args = p.parse_args(argv)
    if args.dictionary:
        DICTIONARY_PATH.parent.mkdir(parents=True, exist_ok=True)
        DICTIONARY_PATH.write_text(data_dictionary_markdown(), encoding="utf-8")
        print(DICTIONARY_PATH)
    if args.release:
        print(write_datapackage(args.release, args.run_id or args.release.resolve().name))
    if not (args.dictionary or args.release):
        p.print_help()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
