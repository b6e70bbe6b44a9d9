"""What every family shares: small pure helpers over lxml trees, and the Spider glue.

A family module holds pure functions of (tree, url) (`extract_article`,
`listing_links`); its Spider subclass only names them. The spider turns start
URLs into listing requests, listing pages into article and next-page requests,
articles into PageRecords and attachment requests, attachments into records.
"""
from __future__ import annotations

import logging
import mimetypes
import re
from collections.abc import Callable, Iterable, Iterator
from urllib.parse import urlsplit

import scrapy

from crawlers.html import links_of, parse_html, text_of
from crawlers.records import AttachmentLink, PageRecord, empty_record
from transforms.text import clean, fold
from transforms.urls import canonical_url, host_of, registered_domain, same_site

log = logging.getLogger(__name__)

# --- pure helpers --------------------------------------------------------------------------------------------
ATTACHMENT_EXTS = ("pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "rtf", "zip", "rar", "7z")
# Link text that announces a file even when the URL has no extension ("Tải về", "File đính kèm").
_ATTACHMENT_WORDS = ("tai ve", "dinh kem", "download")
_WEEKDAY = r"(?:th[ứu]\s*(?:hai|ba|t[ưu]|n[ăa]m|s[áa]u|b[ảa]y|[2-7])|ch[ủu]\s*nh[ậa]t|cn)"
_DATE_LABEL = r"(?:ng[àa]y\s*(?:c[ậa]p\s*nh[ậa]t|đ[ăa]ng|xu[ấa]t\s*b[ảa]n|ban\s*h[àa]nh)|c[ậa]p\s*nh[ậa]t|đ[ăa]ng\s*ng[àa]y)"
# A stated date with what belongs to it: an optional label or weekday before, a time after.
DATE_PHRASE = re.compile(
    rf"(?:(?:{_DATE_LABEL})\s*:?\s*)?(?:{_WEEKDAY}\s*[,\-–]?\s*)?"
    r"(?:\d{1,2}\s*[:hg]\s*\d{2}\s*[,\-–|]?\s*)?"
    r"\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{4}"
    r"(?:\s*(?:[|,\-–]|lúc)?\s*\d{1,2}\s*[:hg]\s*\d{2}(?:\s*:\s*\d{2})?)?",
    re.IGNORECASE,
)
# "Theo X" is left alone: it is also how a sentence starts ("Theo Quyết định số ...").
AUTHOR_LABELS = ("Tác giả bài viết", "Tác giả", "Người viết", "Nguồn tin", "Nguồn")


def first(root, selectors: Iterable[str]):
    """The first element matching the first selector that matches anything; None when none does."""
    if root is None:
        return None
    for sel in selectors:
        found = root.cssselect(sel)
        if found:
            return found[0]
    return None


def all_of(root, selectors: Iterable[str]) -> list:
    """Every element of the first selector that matches anything (alternative markup variants)."""
    if root is None:
        return []
    for sel in selectors:
        found = root.cssselect(sel)
        if found:
            return found
    return []


def text_at(root, selectors: Iterable[str]) -> str | None:
    el = first(root, selectors)
    text = text_of(el) if el is not None else ""
    return text or None


def date_phrase(text: str | None) -> str | None:
    """The date a meta line states, with its label/weekday and time, cut from counters around it."""
    m = DATE_PHRASE.search(clean(text))
    return clean(m.group(0)) if m else None


def strip_label(text: str, labels: Iterable[str] = AUTHOR_LABELS) -> str | None:
    """'Tác giả bài viết: X' -> 'X'; None when the text does not start with one of the labels."""
    t = clean(text)
    for label in labels:
        m = re.match(rf"{re.escape(label)}\s*[:.\-–]?\s*(.+)$", t, re.IGNORECASE)
        if m and (t[len(label):len(label) + 1] in (":", ".", " ", "-", "–")):
            return clean(m.group(1)) or None
    return None


def split_byline(paragraphs: list[str], labels: Iterable[str] = AUTHOR_LABELS) -> tuple[list[str], str | None]:
    """Remove a labelled byline/source line at the end of the text; return (paragraphs, author)."""
    labels = tuple(labels)
    for i in range(len(paragraphs) - 1, max(len(paragraphs) - 3, -1), -1):
        who = strip_label(paragraphs[i], labels)
        if who and len(who) <= 80:
            return paragraphs[:i] + paragraphs[i + 1:], who
    return paragraphs, None


def _ext_of(url: str) -> str:
    path = urlsplit(url).path.lower()
    return path.rsplit(".", 1)[-1] if "." in path.rsplit("/", 1)[-1] else ""


def is_attachment_url(url: str) -> bool:
    return _ext_of(url) in ATTACHMENT_EXTS


def attachment_links(root, url: str, strict: bool = False) -> list[AttachmentLink]:
    """Links to files under `root`: by extension, or by 'Tải về'/'đính kèm' text unless `strict`."""
    out: list[AttachmentLink] = []
    seen: set[str] = set()
    for href, text in links_of(root, url) if root is not None else []:
        by_word = not strict and any(w in fold(text) for w in _ATTACHMENT_WORDS)
        if not (is_attachment_url(href) or by_word):
            continue
        key = canonical_url(href)
        if key in seen:
            continue
        seen.add(key)
        title = strip_label(text, ("Tải về", "Download")) or clean(text) or None
        mt = mimetypes.guess_type(urlsplit(href).path)[0] if _ext_of(href) else None
        out.append(AttachmentLink(url=href, title=title, media_type=mt))
    return out


def outside(elements: list, root, selectors: Iterable[str]) -> list:
    """The elements that are not inside any element of `root` matching `selectors` (related-news boxes)."""
    boxes = [b for sel in selectors for b in (root.cssselect(sel) if root is not None else [])]
    if not boxes:
        return elements
    return [el for el in elements if not any(b is el or b in el.iterancestors() for b in boxes)]


def link_urls(root, url: str, selectors: Iterable[str]) -> list[str]:
    """Absolute URLs of the anchors matched by the first matching selector, deduplicated, in order."""
    out: list[str] = []
    for el in all_of(root, selectors):
        for href, _ in links_of(el, url):
            out.append(href)
    return dedupe(out)


def dedupe(urls: Iterable[str], exclude: Iterable[str] = ()) -> list[str]:
    seen = {canonical_url(u) for u in exclude}
    out: list[str] = []
    for u in urls:
        key = canonical_url(u)
        if key not in seen:
            seen.add(key)
            out.append(u)
    return out


def article(title, date_text, author, summary, paragraphs, tables, attachments,
            expect: tuple[str, ...] = ("title", "date", "body", "author")) -> dict:
    """An article dict; `missing` names each expected part that was not found."""
    out = {"title": clean(title) or None, "date_text": date_text or None, "author": clean(author) or None,
           "summary": clean(summary) or None, "paragraphs": [p for p in paragraphs if p],
           "tables": tables, "attachments": attachments}
    found = {"title": out["title"], "date": out["date_text"], "author": out["author"],
             "body": out["paragraphs"] or out["tables"]}  # a lead alone is not the text
    out["missing"] = [k for k in expect if not found.get(k)]
    return out


def container_of(el, heading: str = "h1, h2"):
    """The nearest ancestor of `el` that also holds the page heading (the article's own panel)."""
    node = el
    while node is not None:
        if node.cssselect(heading):
            return node
        node = node.getparent()
    return el


def table_block(tree):
    """The block of a table page: the nearest ancestor of the largest table that also holds a heading."""
    table = max(tree.xpath("//table"), key=lambda t: len(t.xpath(".//tr")), default=None)
    if table is None:
        return first(tree, ("main", "article", "#content", "body"))
    node = table.getparent()
    while node is not None and node.tag != "body":
        if node.cssselect("h1, h2, h3"):
            return node
        node = node.getparent()
    return table.getparent()


def date_before(panel, stop) -> str | None:
    """The first short text in `panel`, before `stop` (the body), that states a date."""
    if panel is None:
        return None
    for el in panel.iter():
        if el is stop:
            break
        if not isinstance(el.tag, str) or el.tag in ("script", "style"):
            continue
        if el.xpath("ancestor-or-self::*[self::h1 or self::h2 or self::h3 or self::h4]"):
            continue  # a title may quote a date; the meta line is what states it
        text = text_of(el)
        if text and len(text) <= 160:
            found = date_phrase(text)
            if found:
                return found
    return None


def labelled_line(root, selectors: Iterable[str], labels: Iterable[str] = AUTHOR_LABELS, skip=None) -> str | None:
    """Text after a byline label ('Tác giả: X') in the first matching element outside `skip`."""
    labels = tuple(labels)
    for sel in selectors:
        for el in root.cssselect(sel) if root is not None else []:
            if skip is not None and (el is skip or skip in el.iterancestors()):
                continue
            who = strip_label(text_of(el), labels)
            if who and len(who) <= 80:
                return who
    return None


# --- the spider --------------------------------------------------------------------------------------------------
ROLE = "cchc_role"
PARENT = "cchc_parent"


def _header(response, name: str) -> str | None:
    v = response.headers.get(name)
    return v.decode("latin-1") if v else None


class FamilySpider(scrapy.Spider):
    """Listing -> article -> attachment crawl of one site; subclasses name their pure functions."""

    name = "family"
    family = "base"
    record_kind = "article"
    # Pure functions, set by each family as staticmethods.
    extract_article: Callable[..., dict]
    listing_links: Callable[..., tuple[list[str], list[str]]]

    def __init__(self, site, max_pages: int = 2000, max_idle_listings: int = 3, **kw):
        super().__init__(name=site.id, **kw)
        self.site = site
        self.max_pages = int(max_pages)
        self.max_idle_listings = int(max_idle_listings)
        self.allowed_domains = [registered_domain(host_of(site.base_url))]
        self.scheduled = 0
        self.idle = 0
        self.seen: set[str] = set()
        self.known_articles: set[str] = set()

    # --- requests ---
    async def start(self):
        for req in self.initial_requests():
            yield req

    def initial_requests(self) -> list[scrapy.Request]:
        reqs = [self.make_request(u, "listing", self.parse_listing) for u in self.site.start_urls]
        return [r for r in reqs if r is not None]

    def make_request(self, url: str, role: str, callback, parent: str | None = None) -> scrapy.Request | None:
        """A request inside the site, once per canonical URL, within the page budget; else None."""
        key = canonical_url(url)
        if key in self.seen or not same_site(url, self.site.base_url):
            return None
        if self.scheduled >= self.max_pages:
            log.info("%s: page budget %d reached, not following %s", self.site.id, self.max_pages, url)
            return None
        self.seen.add(key)
        self.scheduled += 1
        meta = {ROLE: role}
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

    # --- callbacks ---
    def parse_listing(self, response) -> Iterator:
        tree = self.tree_of(response)
        articles, next_pages = self.listing_links(tree, response.url)
        new = 0
        for url in articles:
            self.known_articles.add(canonical_url(url))
            req = self.make_request(url, "article", self.parse_article, parent=response.url)
            if req is not None:
                new += 1
                yield req
        self.idle = 0 if new else self.idle + 1
        if self.idle >= self.max_idle_listings:
            log.info("%s: %d listing pages without new articles, stop paging at %s",
                     self.site.id, self.idle, response.url)
            return
        for url in next_pages:
            req = self.make_request(url, "listing", self.parse_listing, parent=response.url)
            if req is not None:
                yield req

    def parse_article(self, response) -> Iterator:
        if not is_html(response):
            yield from self.parse_attachment(response)
            return
        tree = self.tree_of(response)
        rec = self.base_record(response, self.record_kind)
        rec.update(self.extract_article(tree, response.url))  # type: ignore[typeddict-item]
        if self.family != "generic" and {"title", "body"} & set(rec.get("missing") or []):
            self._fill_from_generic(rec, tree, response.url)
        yield rec
        yield from self.attachment_requests(rec, response.url)

    def _fill_from_generic(self, rec: PageRecord, tree, url: str) -> None:
        """A theme variant the family selectors miss: read the missing parts by text density instead.
        What is still not found stays in `missing`."""
        from crawlers.extract_generic import extract_generic

        got = extract_generic(tree, url)
        log.warning("%s: %s selectors missed %s on %s; generic extraction used",
                    self.site.id, self.family, rec["missing"], url)
        fields = {"title": ("title",), "date": ("date_text",), "author": ("author",),
                  "body": ("paragraphs", "tables")}
        for part in [p for p in rec["missing"] if p in fields]:
            if any(got.get(k) for k in fields[part]):
                for k in fields[part]:
                    rec[k] = got.get(k)  # type: ignore[literal-required]
                rec["missing"].remove(part)
        if rec.get("summary"):  # the family's lead stays the lead, not repeated in the text
            rec["paragraphs"] = [p for p in rec["paragraphs"] if p != rec["summary"]]

    def attachment_requests(self, rec: PageRecord, page_url: str) -> Iterator[scrapy.Request]:
        for att in rec.get("attachments") or []:
            req = self.make_request(att["url"], "attachment", self.parse_attachment, parent=page_url)
            if req is not None:
                yield req

    def parse_attachment(self, response) -> Iterator[PageRecord]:
        from crawlers.attachments import AttachmentRefused, extract_attachment

        rec = self.base_record(response, "attachment")
        rec["parent_url"] = response.meta.get(PARENT)
        media_type = rec.get("media_type") or ""
        if not media_type or media_type == "application/octet-stream":
            media_type = mimetypes.guess_type(urlsplit(response.url).path)[0] or media_type
            rec["media_type"] = media_type or None
        try:
            got = extract_attachment(response.body, media_type, response.url)
        except AttachmentRefused as e:
            log.warning("%s: attachment refused %s: %s", self.site.id, response.url, e)
            rec["missing"] = ["body"]
            rec["error"] = f"refused: {e}"  # type: ignore[typeddict-unknown-key]
            yield rec
            return
        rec["title"] = got.get("title")
        rec["paragraphs"] = got.get("paragraphs") or []
        rec["tables"] = got.get("tables") or []
        rec["missing"] = list(got.get("missing") or [])
        yield rec


def is_html(response) -> bool:
    ctype = (_header(response, "Content-Type") or "").lower()
    return not ctype or "html" in ctype or "xml" in ctype

