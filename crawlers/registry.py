"""The site registry: which portals to crawl, read strictly from TOML.

Every problem is a RegistryError whose message is one line naming the file and
the site, so a user sees exactly what to fix. Nothing is defaulted silently.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from transforms.urls import same_site

CMS_FAMILIES = ("nukeviet", "liferay", "sharepoint", "newspaper", "cityportal", "stats", "national", "dichvucong", "auto")
KINDS = ("news", "stats", "national")
LEVELS = ("national", "province", "department", "district", "newspaper")

REQUIRED = ("id", "name", "cms", "kind", "base_url", "start_urls", "level")
OPTIONAL = ("province", "agency", "district")
# Typed optional keys: `verified` (any site), `since` (first year to collect; dichvucong only).
TYPED_OPTIONAL = ("verified", "since")

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_PROVINCE = re.compile(r"^\d{2}$")


@dataclass(frozen=True)
class Site:
    id: str
    name: str
    cms: str
    kind: str
    base_url: str
    start_urls: tuple[str, ...]
    level: str
    province: str | None = None
    agency: str | None = None
    district: str | None = None
    verified: bool = False
    since: int | None = None


class RegistryError(Exception):
    """A registry problem; str(e) is one line: "<file>: site '<id>': <problem>"."""


def default_registry_path() -> Path:
    return Path(__file__).resolve().parent / "sites.toml"


def load_registry(path: Path) -> list[Site]:
    path = Path(path)
    data = _parse_toml(path)
    extra = sorted(k for k in data if k != "site")
    if extra:
        raise RegistryError(f"{path.name}: unknown top-level key '{extra[0]}' (expected [[site]] tables)")
    tables = data.get("site", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise RegistryError(f"{path.name}: 'site' must be an array of tables ([[site]])")
    if not tables:  # a run over no site would publish an empty release as if all were well
        raise RegistryError(f"{path.name}: no sites: the registry needs at least one [[site]] table")
    sites: list[Site] = []
    seen: set[str] = set()
    for n, table in enumerate(tables, start=1):
        site = _parse_site(path.name, n, table)
        if site.id in seen:
            raise RegistryError(f"{path.name}: site '{site.id}': duplicate id")
        seen.add(site.id)
        sites.append(site)
    return sites


def find_site(sites: list[Site], site_id: str) -> Site | None:
    return next((s for s in sites if s.id == site_id), None)


def _parse_toml(path: Path) -> dict:
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise RegistryError(f"{path.name}: cannot read: {e.strerror or e}") from None
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise RegistryError(f"{path.name}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as e:
        raise RegistryError(f"{path.name}: malformed TOML: {_one_line(str(e))}") from None


def _parse_site(fname: str, n: int, table: dict) -> Site:
    label = f"site '{table['id']}'" if isinstance(table.get("id"), str) else f"site #{n}"

    def fail(msg: str) -> RegistryError:
        return RegistryError(f"{fname}: {label}: {msg}")

    for key in table:
        if key not in REQUIRED and key not in OPTIONAL and key not in TYPED_OPTIONAL:
            raise fail(f"unknown key '{key}'")
    for key in REQUIRED:
        if key not in table:
            raise fail(f"missing required key '{key}'")
    for key in (*REQUIRED, *OPTIONAL):
        if key in table and key != "start_urls" and not isinstance(table[key], str):
            raise fail(f"'{key}' must be a string")
        if isinstance(table.get(key), str) and not table[key].strip():
            raise fail(f"'{key}' is empty")
    if not _ID.match(table["id"]):
        raise fail("id must be lower-case letters, digits, '-' or '_'")
    _check_choice(fail, table, "cms", CMS_FAMILIES)
    _check_choice(fail, table, "kind", KINDS)
    _check_choice(fail, table, "level", LEVELS)
    if "province" in table and not _PROVINCE.match(table["province"]):
        raise fail(f"province must be a two-digit GSO code, got '{table['province']}'")
    verified, since = _parse_typed(fail, table)
    base_url = table["base_url"]
    if not _is_http_url(base_url):
        raise fail(f"base_url is not an http(s) URL: '{base_url}'")
    start_urls = _parse_start_urls(fail, table["start_urls"], base_url)
    return Site(
        id=table["id"], name=table["name"], cms=table["cms"], kind=table["kind"], base_url=base_url,
        start_urls=start_urls, level=table["level"], province=table.get("province"),
        agency=table.get("agency"), district=table.get("district"), verified=verified, since=since,
    )


def _parse_typed(fail, table: dict) -> tuple[bool, int | None]:
    verified = table.get("verified", False)
    if not isinstance(verified, bool):
        raise fail("'verified' must be true or false")
    since = table.get("since")
    if since is not None:
        if table["cms"] != "dichvucong":
            raise fail("'since' applies only to cms = \"dichvucong\"")
        # bool is an int in Python: `since = true` is a mistake, not the year 1.
        if isinstance(since, bool) or not isinstance(since, int) or not 2000 <= since <= 2100:
            raise fail(f"'since' must be a year (an integer such as 2022), got {since!r}")
    return verified, since


def _check_choice(fail, table: dict, key: str, allowed: tuple[str, ...]) -> None:
    if table[key] not in allowed:
        raise fail(f"{key} '{table[key]}' is not one of {', '.join(allowed)}")


def _parse_start_urls(fail, value, base_url: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(u, str) for u in value):
        raise fail("start_urls must be a non-empty list of strings")
    for url in value:
        if not _is_http_url(url):
            raise fail(f"start URL is not an http(s) URL: '{url}'")
        if not same_site(url, base_url):
            raise fail(f"start URL '{url}' is outside base_url's site")
    return tuple(value)


def _is_http_url(url: str) -> bool:
    p = urlsplit(url)
    return p.scheme in ("http", "https") and bool(p.netloc)


def _one_line(text: str) -> str:
    return " ".join(text.split())
