"""The Scrapy glue: one spider class reads every family, through the extraction engine.

Extraction is pure (crawlers.extraction: a family table, the engine, the generic reader); this module only
fetches. The spider turns start URLs into listing requests, listing pages into article and next-page requests,
articles into PageRecords and attachment requests, attachments into records. `spider_for(cms)` maps a
registry `cms` value to its spider class; an unknown value is an error, never a silent default.
"""
from __future__ import annotations

import logging
import mimetypes
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import scrapy

from crawlers.extraction import auto, engine, listing
from crawlers.extraction.attachments import AttachmentRefused, extract_attachment, file_name_of
from crawlers.extraction.families import FAMILIES, family_of
from crawlers.extraction.html import parse_html
from crawlers.incremental import read_known
from crawlers.records import PageRecord, empty_record
from crawlers.spider_discovery import FOUND_BY, DiscoveryMixin
from transforms.urls import canonical_url, host_of, registered_domain, same_site

log = logging.getLogger(__name__)

# --- the spider --------------------------------------------------------------------------------------------------
ROLE = "cchc_role"
MAX_NEXT_PAGES = 2
PARENT = "cchc_parent"


def _header(response, name: str) -> str | None:
    v = response.headers.get(name)
    return v.decode("latin-1") if v else None


class FamilySpider(DiscoveryMixin, scrapy.Spider):
    """Listing -> article -> attachment crawl of one site, by the family table the class names."""

    name = "family"
    family = "base"  # the registry `cms` value; its table is crawlers.extraction.families.FAMILIES[family]

    @property
    def table(self):
        return FAMILIES.get(self.family)

    @property
    def record_kind(self) -> str:
        return self.table.kind if self.table is not None else "article"

    def extract_article(self, tree, url: str) -> dict:
        return engine.extract_article(self.table, tree, url)

    def listing_links(self, tree, url: str) -> tuple[list[str], list[str], str]:
        return listing.listing_links(self.table, tree, url, self.site.base_url)

    def __init__(self, site, max_pages: int = 20000, max_idle_listings: int = 3, **kw):
        super().__init__(name=site.id, **kw)
        self.site = site
        self.max_pages = int(max_pages)
        self.max_idle_listings = int(max_idle_listings)
        self.allowed_domains = [registered_domain(host_of(site.base_url))]
        self.scheduled = 0
        self.budget_reached = False  # the crawl stopped short: the next run must not take it as complete
        self.idle = 0
        self.seen: set[str] = set()
        self.known_articles: set[str] = set()
        self._archived: set[str] | None = None

    # --- requests ---
    async def start(self):
        for req in self.initial_requests():
            yield req

    def initial_requests(self) -> list[scrapy.Request]:
        reqs = [self.make_request(u, "listing", self.parse_listing, found_by="start") for u in self.site.start_urls]
        return [r for r in reqs if r is not None]

    def make_request(self, url: str, role: str, callback, parent: str | None = None,
                     found_by: str | None = None) -> scrapy.Request | None:
        """A request inside the site, once per canonical URL, within the page budget; else None."""
        key = canonical_url(url)
        if key in self.seen or not same_site(url, self.site.base_url):
            return None
        if self.scheduled >= self.max_pages:
            self.budget_reached = True
            log.info("%s: page budget %d reached, not following %s", self.site.id, self.max_pages, url)
            return None
        self.seen.add(key)
        self.scheduled += 1
        meta = {ROLE: role, FOUND_BY: found_by}
        if parent:
            meta[PARENT] = parent
        return scrapy.Request(url, callback=callback, meta=meta)

    # --- records ---
    def base_record(self, response, kind: str) -> PageRecord:
        req_url = (response.meta.get("redirect_urls") or [response.request.url if response.request else response.url])[0]
        ctype = (_header(response, "Content-Type") or "").split(";")[0].strip().lower()
        return empty_record(
            site_id=self.site.id, url=response.url, requested_url=req_url, status=response.status,
            media_type=ctype or None, family=self.family, kind=kind,
            last_modified=_header(response, "Last-Modified"), etag=_header(response, "ETag"))

    def tree_of(self, response):
        return parse_html(response.body, response.url, getattr(response, "encoding", None))

    def archived(self) -> set[str]:
        """Article URLs the lake already holds (the run's known file); empty on a first or --full run."""
        if self._archived is None:
            settings = getattr(self, "settings", None)
            path = settings.get("CCHC_KNOWN_PATH") if settings is not None else ""
            self._archived = set(read_known(Path(path))) if path else set()
        return self._archived

    # --- callbacks ---
    def parse_listing(self, response) -> Iterator:
        """Article links, then at most MAX_NEXT_PAGES unseen pager links: paging stays a chain (page 1 of a
        pager that lists all 600 pages must not queue them all), so the idle guard can stop it."""
        tree = self.tree_of(response)
        articles, next_pages, path = self.listing_links(tree, response.url)
        if response.meta.get(FOUND_BY) == "start":
            yield from self.feed_requests(tree, response.url)
        archived, new = self.archived(), 0
        found_by = "listing" if path == "family" else "listing_generic"
        for url in articles:
            key = canonical_url(url)
            self.known_articles.add(key)
            req = self.make_request(url, "article", self.parse_article, parent=response.url, found_by=found_by)
            if req is not None:
                new += key not in archived  # an article the lake holds is no news: older pages hold no more
                yield req
        self.idle = 0 if new else self.idle + 1
        if self.idle >= self.max_idle_listings:
            log.info("%s: %d listing pages without new articles, stop paging at %s",
                     self.site.id, self.idle, response.url)
            return
        followed = 0
        for url in next_pages:
            if followed >= MAX_NEXT_PAGES:
                break
            req = self.make_request(url, "listing", self.parse_listing, parent=response.url, found_by="pager")
            if req is not None:
                followed += 1
                yield req

    def parse_article(self, response) -> Iterator:
        if not is_html(response):
            yield from self.parse_attachment(response)
            return
        tree = self.tree_of(response)
        rec = self.base_record(response, self.record_kind)
        got = self.extract_article(tree, response.url)
        if got.get("fallback"):
            log.warning("%s: %s selectors failed (%s) on %s; generic extraction used",
                        self.site.id, self.family, got.get("fallback"), response.url)
        rec.update(got)  # type: ignore[typeddict-item]
        yield rec
        yield from self.attachment_requests(rec, response.url)
        if rec.get("kind") == "article":
            yield from self.discovered_requests(tree, rec, response.url)

    def attachment_requests(self, rec: PageRecord, page_url: str) -> Iterator[scrapy.Request]:
        for att in rec.get("attachments") or []:
            req = self.make_request(att["url"], "attachment", self.parse_attachment, parent=page_url,
                                    found_by="attachment")
            if req is not None:
                yield req

    def _cap(self, name: str, default: int) -> int:
        """A size cap from the crawl's settings (absent when a test drives the callbacks without a crawler)."""
        settings = getattr(self, "settings", None)
        return settings.getint(name, default) if settings is not None else default

    def parse_attachment(self, response) -> Iterator[PageRecord]:
        rec = self.base_record(response, "attachment")
        rec["parent_url"] = response.meta.get(PARENT)
        media_type = rec.get("media_type") or ""
        file_name = file_name_of(_header(response, "Content-Disposition"))
        if not media_type or media_type == "application/octet-stream":
            guess = mimetypes.guess_type("x/" + file_name)[0] if file_name else None
            media_type = guess or mimetypes.guess_type(urlsplit(response.url).path)[0] or media_type
            rec["media_type"] = media_type or None
        try:
            got = extract_attachment(response.body, media_type, response.url,
                                     max_bytes=self._cap("CCHC_MAX_ATTACHMENT_BYTES", 20_000_000),
                                     max_uncompressed=self._cap("CCHC_MAX_UNCOMPRESSED_BYTES", 200_000_000),
                                     max_pages=self._cap("CCHC_MAX_PDF_PAGES", 200), file_name=file_name)
        except AttachmentRefused as e:
            log.warning("%s: attachment refused %s: %s", self.site.id, response.url, e)
            rec["missing"] = ["body"]
            rec["error"] = f"refused: {e}"  # type: ignore[typeddict-unknown-key]
            yield rec
            return
        rec["title"] = got.get("title") or file_name
        rec["paragraphs"] = got.get("paragraphs") or []
        rec["tables"] = got.get("tables") or []
        rec["missing"] = list(got.get("missing") or [])
        yield rec


def is_html(response) -> bool:
    """A page to read as HTML: not a file by its Content-Type, nor by a Content-Disposition naming a file."""
    ctype = (_header(response, "Content-Type") or "").lower()
    name = file_name_of(_header(response, "Content-Disposition")) or ""
    if name and not name.lower().endswith((".htm", ".html")):
        return False
    return not ctype or "html" in ctype or "xml" in ctype


class PageSpider(FamilySpider):
    """Sites of pages rather than articles (statistics, ranking tables): every page is recorded, then the
    other pages it links (periods, years, indices) are followed."""

    def initial_requests(self):
        reqs = [self.make_request(u, "page", self.parse_page, found_by="start") for u in self.site.start_urls]
        return [r for r in reqs if r is not None]

    def parse_page(self, response):
        yield from self.parse_article(response)
        if not is_html(response):
            return
        _, pages, _path = self.listing_links(self.tree_of(response), response.url)
        for url in pages:
            req = self.make_request(url, "page", self.parse_page, parent=response.url, found_by="pager")
            if req is not None:
                yield req


class GenericSpider(FamilySpider):
    """cms = "auto": each page's family is detected (crawlers.extraction.auto), else it is read generically."""

    family = "generic"

    def extract_article(self, tree, url: str) -> dict:
        return auto.extract_article(tree, url)

    def listing_links(self, tree, url: str):
        return auto.listing_links(tree, url, self.site.base_url)

    def parse_listing(self, response):
        """A statistics or ranking page is a record itself, with sibling pages to follow.

        The page's markup says so, or else the registry's `kind` for the site (stats, national)."""
        tree = self.tree_of(response)
        fam = FAMILIES.get(auto.detect_family(tree, response.url) or "")
        if fam is None or fam.read_page is None:
            fam = FAMILIES.get(self.site.kind)
        if fam is None or fam.read_page is None:
            yield from super().parse_listing(response)
            return
        rec = self.base_record(response, fam.kind)
        rec.update({**fam.read_page(tree, response.url), "family": fam.name,  # type: ignore[typeddict-item]
                    "extraction": "family"})
        yield rec
        for url in fam.read_links(tree, response.url)[1]:
            req = self.make_request(url, "page", self.parse_listing, parent=response.url, found_by="pager")
            if req is not None:
                yield req


def _spider_class(cms: str) -> type:
    fam = family_of(cms)
    if fam is None:
        return GenericSpider
    base = PageSpider if fam.read_page is not None else FamilySpider
    return type(f"{cms.title()}Spider", (base,), {"family": cms, "__module__": __name__})


def _api_spiders() -> dict[str, type]:
    """Families that are not pages: an API read by a spider of its own."""
    from crawlers.dichvucong import DichVuCongSpider

    return {"dichvucong": DichVuCongSpider}


SPIDERS: dict[str, type] = {**{cms: _spider_class(cms) for cms in (*FAMILIES, "auto")}, **_api_spiders()}


def spider_for(cms: str) -> type:
    """The spider class of a registry `cms` value; ValueError for an unknown one."""
    try:
        return SPIDERS[cms]
    except KeyError:
        raise ValueError(f"unknown cms family '{cms}' (known: {', '.join(SPIDERS)})") from None
