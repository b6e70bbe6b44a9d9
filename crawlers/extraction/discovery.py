"""Where else a site links its articles: inside article texts, tag and date archives, RSS/Atom feeds, sitemaps.

URL shapes only, no site names: an archive is a path with a taxonomy word and a slug (`/tag/x/`, `/chu-de/x`,
`/category/x/`) or a bare date (`/2023/`, `/2023/05/`); an article link has a slug of several words or a
numbered page name (`…-26.html`, `tin-chi-tiet.aspx?ItemID=5`). Feeds and sitemaps are read when a page offers
them in their head (`<link rel="alternate" type="application/rss+xml">`, `<link rel="sitemap">`), never
guessed.
"""
from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import lxml.etree

from crawlers.extraction.attachment_links import asks_download, is_attachment_url
from crawlers.extraction.html import BLOCKS, links_of, text_of
from transforms.text import fold
from transforms.urls import same_site

TAXONOMY = frozenset({"tag", "tags", "chu-de", "tu-khoa", "topic", "topics", "category", "categories",
                      "chuyen-muc", "danh-muc", "archive", "archives", "luu-tru"})
TAG_WORDS = TAXONOMY - {"category", "categories", "chuyen-muc", "danh-muc"}
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_MONTH_DAY = re.compile(r"^\d{1,2}$")
_PAGED = re.compile(r"^(?:page|trang)$", re.I)
_PAGE_NAME = re.compile(r"^(?:page|trang|p|pg)[-_]?\d+(?:\.\w+)?$", re.I)  # "page-2", "trang-3.html"
_NUMBERED_PAGE = re.compile(r"\d+\.(?:html?|aspx?|php)$|\.(?:html?|aspx?|php)$", re.I)
_ID_QUERY = re.compile(r"(?:^|&)(?:\w*id|p|news|article|tin)=\d+", re.I)
_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json")


def _segments(url: str) -> list[str]:
    segs = [s for s in urlsplit(url).path.split("/") if s]
    if len(segs) >= 2 and _PAGED.match(segs[-2]) and segs[-1].isdigit():
        segs = segs[:-2]  # "/tag/x/page/2/" is the tag archive too
    return segs


def archive_kind(url: str) -> str | None:
    """'tag', 'category' or 'date' for an archive URL; None for anything else."""
    segs = _segments(url)
    if not segs:
        return None
    if len(segs) >= 2 and segs[-2].lower() in TAXONOMY:
        return "tag" if segs[-2].lower() in TAG_WORDS else "category"
    if _YEAR.match(segs[0]) and len(segs) <= 3 and all(_MONTH_DAY.match(s) for s in segs[1:]):
        return "date"
    return None


def article_like(url: str) -> bool:
    """A URL shaped like one article's page: a slug of three or more words, or a numbered page name."""
    if is_attachment_url(url) or asks_download(url) or archive_kind(url):
        return False
    parts = urlsplit(url)
    segs = [s for s in parts.path.split("/") if s]
    if not segs:
        return False
    last = segs[-1]
    stem = re.sub(r"\.(?:html?|aspx?|php)$", "", last, flags=re.I)
    return len([w for w in re.split(r"[-_]", stem) if w]) >= 3 or bool(
        _NUMBERED_PAGE.search(last) and (re.search(r"\d", last) or _ID_QUERY.search(parts.query)))


def _block_of(a):
    node = a.getparent()
    while node is not None and node.tag not in BLOCKS:
        node = node.getparent()
    return node


def text_links(tree, url: str, paragraphs: list[str], base_url: str) -> list[str]:
    """Same-site links that sit inside the article's own text (a paragraph of `paragraphs`), in order."""
    if not paragraphs:
        return []
    text = "\n".join(paragraphs)
    keys = set(paragraphs)
    out: list[str] = []
    body = tree.find("body") if tree.find("body") is not None else tree
    for a in body.iter("a"):
        label = text_of(a)
        if not a.get("href") or not label or label not in text:
            continue
        block = _block_of(a)
        if block is None or text_of(block) not in keys:
            continue
        out.extend(u for u, _ in links_of(a, url) if same_site(u, base_url))
    return list(dict.fromkeys(out))


def tag_archive_links(tree, url: str, base_url: str) -> list[str]:
    """Tag and date archives a page links (its tags line, an archives box); categories are the registry's."""
    return list(dict.fromkeys(u for u, _ in links_of(tree, url)
                              if same_site(u, base_url) and archive_kind(u) in ("tag", "date")))


def offered_feeds(tree, url: str) -> list[str]:
    """RSS/Atom feeds and sitemaps the page declares in its head."""
    out = []
    for link in tree.xpath("//link[@href]"):
        rel, kind = fold(link.get("rel") or ""), (link.get("type") or "").lower()
        href = urljoin(url, link.get("href").strip())
        if "comment" in fold(href + " " + (link.get("title") or "")) or "binh luan" in fold(link.get("title") or ""):
            continue  # a feed of readers' comments lists no articles
        if ("alternate" in rel and kind in _FEED_TYPES) or rel == "sitemap":
            out.append(href)
    return list(dict.fromkeys(out))


def feed_of(listing_url: str, feed_url: str) -> bool:
    """A feed of the listing itself (its category's slug in the feed's path: `/category/x/feed/`, `/rss/x/`),
    not the site's whole news or another category's: the registry's start pages set the crawl's scope."""
    segs = [x for x in urlsplit(listing_url).path.split("/")
            if x and not _PAGED.match(x) and not x.isdigit() and not _PAGE_NAME.match(x)]
    slug = re.sub(r"\.(?:html?|aspx?|php)$", "", segs[-1], flags=re.I).lower() if segs else ""
    return bool(slug) and slug in [x.lower() for x in urlsplit(feed_url).path.split("/")] + [
        re.sub(r"\.(?:rss|xml|atom)$", "", x.lower()) for x in urlsplit(feed_url).path.split("/")]


def feed_entries(body: bytes, url: str) -> tuple[list[str], list[str]]:
    """(page links, nested sitemaps) of an RSS/Atom feed, a sitemap or a sitemap index; ([], []) for anything else."""
    try:
        root = lxml.etree.fromstring(body, parser=lxml.etree.XMLParser(recover=True, resolve_entities=False,
                                                                         no_network=True, huge_tree=False))
    except (lxml.etree.XMLSyntaxError, ValueError):
        return [], []
    if root is None:
        return [], []
    name = lxml.etree.QName(root).localname.lower()
    locs = [urljoin(url, (x.text or "").strip()) for x in root.iter("{*}loc") if (x.text or "").strip()]
    if name == "sitemapindex":
        return [], locs
    if name == "urlset":
        return locs, []
    if name == "rss" or name == "rdf":
        return [urljoin(url, (x.text or "").strip()) for x in root.iter("{*}link")
                if (x.text or "").strip() and x.getparent() is not None
                and lxml.etree.QName(x.getparent()).localname == "item"], []
    if name == "feed":
        return [urljoin(url, x.get("href")) for x in root.iter("{*}link") if x.get("href")
                and (x.get("rel") or "alternate") == "alternate"
                and x.getparent() is not None and lxml.etree.QName(x.getparent()).localname == "entry"], []
    return [], []
