"""The known CMS families, each a table (crawlers.extraction.family.Family) in a module of its own.

`family_of(cms)` maps a registry `cms` value to its table; "auto" has none (the family is detected per page,
crawlers.extraction.auto); an unknown value is an error, never a silent default.
"""
from __future__ import annotations

from crawlers.extraction.families import cityportal, liferay, national, newspaper, nukeviet, sharepoint, stats
from crawlers.extraction.family import Family

FAMILIES: dict[str, Family] = {m.FAMILY.name: m.FAMILY
                               for m in (nukeviet, liferay, sharepoint, newspaper, cityportal, stats, national)}
CMS_VALUES = (*FAMILIES, "auto")


def family_of(cms: str) -> Family | None:
    """The table of a registry `cms` value (None for "auto"); ValueError for an unknown one."""
    if cms == "auto":
        return None
    try:
        return FAMILIES[cms]
    except KeyError:
        raise ValueError(f"unknown cms family '{cms}' (known: {', '.join(CMS_VALUES)})") from None
