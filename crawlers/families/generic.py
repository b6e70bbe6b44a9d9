"""Sites whose registry entry says cms = "auto": detect the family per page, else extract generically.

A page whose markup carries a known family's signature goes through that
family's pure functions; anything else goes through crawlers.extract_generic.
Start URLs are listings; a page reached from a listing is an article.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from crawlers.extract_generic import detect_family, extract_generic, generic_listing_links
from crawlers.families import cityportal, liferay, national, newspaper, nukeviet, sharepoint, stats
from crawlers.families.base import FamilySpider, dedupe
from crawlers.generic_listing import next_page_links

ARTICLE_FAMILIES = {m.__name__.rsplit(".", 1)[-1]: m for m in (nukeviet, liferay, sharepoint, newspaper, cityportal)}
# Table-page families: their pages are records of another kind.
PAGE_FAMILIES = {"stats": (stats.extract_page, "stats"), "national": (national.extract_page, "table")}
PAGE_LINKS = {"stats": stats.listing_links, "national": national.listing_links}


def _site_root(url: str) -> str:
    p = urlsplit(url)
    return f"{p.scheme}://{p.netloc}/"


def extract_article(tree, url: str) -> dict:
    """The article dict plus `family` (the detected family, or "generic") and `kind`."""
    family = detect_family(tree, url)
    if family in ARTICLE_FAMILIES:
        out = ARTICLE_FAMILIES[family].extract_article(tree, url)
        if out.get("title") and (out.get("paragraphs") or out.get("tables")):
            return {**out, "family": family, "kind": "article"}
    elif family in PAGE_FAMILIES:
        extract, kind = PAGE_FAMILIES[family]
        return {**extract(tree, url), "family": family, "kind": kind}
    # Unknown markup, or a family signature whose selectors found nothing: read it by density.
    return {**extract_generic(tree, url), "family": "generic", "kind": "article"}


def listing_links(tree, url: str, base_url: str | None = None) -> tuple[list[str], list[str]]:
    """A detected family's listing selectors first (its pager, else the generic one); generic link scoring
    when they find no article."""
    base_url = base_url or _site_root(url)
    family = detect_family(tree, url)
    if family in ARTICLE_FAMILIES:
        articles, pages = ARTICLE_FAMILIES[family].listing_links(tree, url)
        if articles:  # a pager the family's selectors miss is still read by its structure
            return articles, dedupe(pages or next_page_links(tree, url, base_url), exclude=[url])
    articles, pages = generic_listing_links(tree, url, base_url)
    return dedupe(articles), dedupe(pages, exclude=[url])


class GenericSpider(FamilySpider):
    family = "generic"
    extract_article = staticmethod(extract_article)

    def listing_links(self, tree, url: str):  # type: ignore[override]
        return listing_links(tree, url, self.site.base_url)

    def parse_listing(self, response):
        """A statistics or ranking page is a record itself, with sibling pages to follow.

        The page's markup says so, or else the registry's `kind` for the site (stats, national)."""
        tree = self.tree_of(response)
        family = detect_family(tree, response.url)
        if family not in PAGE_LINKS:
            family = self.site.kind if self.site.kind in PAGE_LINKS else None
        if family is None:
            yield from super().parse_listing(response)
            return
        extract, kind = PAGE_FAMILIES[family]
        rec = self.base_record(response, kind)
        rec.update({**extract(tree, response.url), "family": family})  # type: ignore[typeddict-item]
        yield rec
        for url in PAGE_LINKS[family](tree, response.url)[1]:
            req = self.make_request(url, "page", self.parse_listing, parent=response.url)
            if req is not None:
                yield req
