"""Listing pages of an unknown CMS: which links are articles, which are the next pages.

No class names are needed. A next page is a link whose URL differs from the
listing's own URL only in a page-like query parameter or path segment
(`?page=2`, `?Page=2`, `?_cur=2&delta=10`, `/page-2`, `/trang-3.html`) and whose
text says so (a small page number, "Tiếp theo", "Sau", "Xem thêm", "»", "›"),
or that the page marks as rel="next". An article link is a same-site link with
a headline-long text that is neither a page of the listing nor the site's home.
"""
from __future__ import annotations

import copy
import re
from functools import lru_cache
from urllib.parse import parse_qsl, urljoin, urlsplit

import lxml.html

from crawlers.extraction.attachment_links import is_attachment_url
from crawlers.extraction.generic_meta import is_chrome
from crawlers.extraction.html import links_of, text_of
from transforms.text import fold
from transforms.urls import canonical_url, same_site

# Link texts that announce the following page, compared folded (no case, no tone marks).
NEXT_WORDS = frozenset({"tiep", "tiep theo", "trang tiep", "trang sau", "sau", "xem them", "xem tiep", "next",
                        "ke tiep", "trang ke", "trang ke tiep", "next page", "older posts", "older entries",
                        "bai cu hon", "tin cu hon", "cu hon", "bai truoc", "tin cu", "xem them tin"})
NEXT_SIGNS = frozenset({"»", "›", ">", ">>", "»»", "→"})
_PAGE_LABEL = re.compile(r"^(?:trang|page)\s*\d{1,3}$")  # "Trang 2", folded
# Query keys and path segments that carry a page number on CMSs we have seen; others only with a page text.
_PAGE_KEY = re.compile(r"^(?:.*[-_])?(?:page|pages|paged|pageindex|pagenum|pageno|page_no|pg|trang|cur|start|offset)$",
                       re.I)
_PAGE_SEGMENT = re.compile(r"^(?:page|trang|p|pg)[-_]?(\d{1,4})(?:\.html?|\.aspx?|\.php)?$", re.I)
_PAGE_WORD = frozenset({"page", "trang", "p", "pg"})  # "/page/2/": the word and the number in two segments
_NUMBER_SEGMENT = re.compile(r"^\d{1,4}$")
_PAGE_NUMBER = re.compile(r"^\d{1,3}$")  # a year ("2021") is not a page number
MIN_TITLE_WORDS = 5
# Elements a listing's own items never live in (menus, header with the logo, footer, side columns, search).
_OUTSIDE = ("nav", "header", "footer", "aside", "form")


def _query(parts) -> dict[str, str]:
    return {k: v for k, v in parse_qsl(parts.query, keep_blank_values=True)}


def _strip_page_segment(path: str) -> tuple[str, bool]:
    """(path without a trailing page segment, whether there was one)."""
    segs = path.rstrip("/").split("/")
    if len(segs) > 2 and segs[-2].lower() in _PAGE_WORD and _NUMBER_SEGMENT.match(segs[-1]):
        return "/".join(segs[:-2]), True
    if len(segs) > 1 and _PAGE_SEGMENT.match(segs[-1]):
        return "/".join(segs[:-1]), True
    return path.rstrip("/"), False


def _query_change(href: dict[str, str], here: dict[str, str]) -> tuple[bool, bool]:
    """(every changed key carries a number, every changed key is a page-like name) of two query dicts."""
    changed = [k for k in set(href) | set(here) if href.get(k) != here.get(k)]
    if not changed:
        return False, False
    numeric = all((href.get(k) or here.get(k) or "").isdigit() for k in changed)
    named = numeric and any(_PAGE_KEY.match(k) for k in changed)
    return numeric, named


@lru_cache(maxsize=65536)
def _url_parts(url: str) -> tuple:
    """(host, path without trailing slash, query dict, (path without page segment, had one), path segments) of a
    URL; cached: a listing's pager links are compared with every page of the listing. Callers never mutate."""
    p = urlsplit(url)
    path = p.path.rstrip("/")
    return p.netloc.lower(), path, _query(p), _strip_page_segment(p.path), path.split("/")


def page_sibling(href: str, here: str) -> str | None:
    """'named' when `href` is `here` with another value of a page-like parameter or segment; 'numeric' when
    only a number differs (a page only if the link text says so); None for any other URL."""
    (host_a, path_a, qa, (pa, page_a), sa), (host_b, path_b, qb, (pb, page_b), sb) = _url_parts(href), _url_parts(here)
    if host_a != host_b:
        return None
    if path_a == path_b:
        numeric, named = _query_change(qa, qb)
        return "named" if named else "numeric" if numeric else None
    if qa != qb and any(_PAGE_KEY.match(k) for k in set(qa) | set(qb)):
        return None
    if (page_a or page_b) and pa == pb:
        return "named"
    if len(sa) == len(sb) and sa[:-1] == sb[:-1] and _NUMBER_SEGMENT.match(sa[-1]) and _NUMBER_SEGMENT.match(sb[-1]):
        return "numeric"
    if sa[:-1] == sb and _NUMBER_SEGMENT.match(sa[-1]) or sb[:-1] == sa and _NUMBER_SEGMENT.match(sb[-1]):
        return "numeric"  # "/tin-tuc/2" from "/tin-tuc"
    return None


_SIGNS = "»›>→«‹<←… \u00a0"


@lru_cache(maxsize=4096)  # a pager's texts ("1", "2", "»") repeat on every page of the listing
def _is_page_text(text: str) -> bool:
    t = text.strip()
    if t.strip(_SIGNS):  # "Older Posts→", "« Trang sau": the words, without their arrows
        t = t.strip(_SIGNS)
    if _PAGE_NUMBER.match(t):
        return int(t) > 0
    folded = fold(t)  # "Tiếp theo »" folds to "tiep theo"; a sign alone folds to nothing
    return folded in NEXT_WORDS or bool(_PAGE_LABEL.match(folded)) or t.replace(" ", "") in NEXT_SIGNS


def next_page_links(tree, url: str, base_url: str, links: list[tuple[str, str]] | None = None) -> list[str]:
    """Links to other pages of this listing, in page order of the markup; the listing itself left out.
    `links`: the page's links_of, when the caller has read them already."""
    here = canonical_url(url)
    out: list[str] = []
    for el in tree.xpath("//a[@rel='next'][@href] | //link[@rel='next'][@href]"):
        out.append(urljoin(url, el.get("href").strip()))
    for href, text in links_of(tree, url) if links is None else links:
        if not _is_page_text(text) or not same_site(href, base_url):
            continue
        if page_sibling(href, url) is not None:
            out.append(href)
    return [u for u in dict.fromkeys(out) if canonical_url(u) != here and same_site(u, base_url)]


def _is_home(href: str) -> bool:
    parts = urlsplit(href)
    return parts.path.strip("/") == "" and not parts.query


def _listing_area(tree):
    """A copy of the page body without menus, header, footer, side columns and forms."""
    work = copy.deepcopy(tree)
    body = work.find("body") if work.find("body") is not None else work
    for el in list(body.iter(*_OUTSIDE)):
        if el.getparent() is not None and is_chrome(el):
            el.drop_tree()
    return body


def is_chrome_name(name: str) -> bool:
    """A class or id that alone says chrome (the element's tag aside)."""
    return is_chrome(lxml.html.Element("div", {"class": name}))


def _item_like(el) -> bool:
    """A listing's item whatever its other class names say (WordPress gives each post `tag-<slug>` and
    `category-<slug>` classes): an li or article, or one of several siblings of the same tag and first class,
    whose first name is not itself chrome-like."""
    names = (el.get("class") or "").split()
    if not names or is_chrome_name(names[0]):
        return False
    if el.tag in ("li", "article"):
        return True
    parent = el.getparent()
    same = [c for c in parent if c.tag == el.tag and (c.get("class") or "").split()[:1] == names[:1]]
    return len(same) >= 2


def _strip_listing_chrome(body) -> None:
    """strip_chrome for a listing: boxes named like chrome go, repeated items stay."""
    whole = len(text_of(body)) or 1
    for el in list(body.iter()):
        if not isinstance(el.tag, str) or el is body or el.getparent() is None or not is_chrome(el):
            continue
        if not _item_like(el) and len(text_of(el)) < 0.5 * whole:
            el.drop_tree()


def article_links(tree, url: str, base_url: str, next_pages: list[str] = ()) -> list[str]:
    """Same-site links with headline-long texts that are not pages of the listing, home, or files."""
    here = canonical_url(url)
    skip = {canonical_url(u) for u in next_pages}
    body = _listing_area(tree)
    _strip_listing_chrome(body)
    out: list[str] = []
    for href, text in links_of(body, url):
        if len(text.split()) < MIN_TITLE_WORDS or not same_site(href, base_url):
            continue
        key = canonical_url(href)
        if key == here or key in skip or _is_home(href) or is_attachment_url(href):
            continue
        if page_sibling(href, url) == "named" or _PAGE_SEGMENT.match(urlsplit(href).path.rstrip("/").rsplit("/")[-1]):
            continue
        out.append(href)
    return list(dict.fromkeys(out))


def generic_listing_links(tree, url: str, base_url: str,
                          links: list[tuple[str, str]] | None = None) -> tuple[list[str], list[str]]:
    """(article links, next-page links) of a listing page of an unknown CMS."""
    pages = next_page_links(tree, url, base_url, links)
    return article_links(tree, url, base_url, pages), pages
