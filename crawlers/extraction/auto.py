"""Sites whose registry entry says cms = "auto": the family is detected per page, else the page is generic.

A page whose markup carries a known family's signature is read by that family's table through the engine (with
its generic fallback); anything else by crawlers.extraction.extract_generic. The result names the family and the
record kind; statistics and ranking pages keep theirs.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from crawlers.extraction import engine, listing
from crawlers.extraction.extract_generic import detect_family, extract_generic
from crawlers.extraction.families import FAMILIES


def _site_root(url: str) -> str:
    p = urlsplit(url)
    return f"{p.scheme}://{p.netloc}/"


def extract_article(tree, url: str) -> dict:
    """The page's fields plus `family` (the detected family, or "generic"), `kind` and `extraction`."""
    fam = FAMILIES.get(detect_family(tree, url) or "")
    if fam is None:
        return {**extract_generic(tree, url), "family": "generic", "kind": "article", "extraction": "generic"}
    out = engine.extract_article(fam, tree, url)
    return {**out, "family": fam.name, "kind": fam.kind}


def listing_links(tree, url: str, base_url: str | None = None) -> tuple[list[str], list[str], str]:
    """A detected family's listing table first, generic discovery where it finds no article."""
    fam = FAMILIES.get(detect_family(tree, url) or "")
    return listing.listing_links(fam, tree, url, base_url or _site_root(url))
