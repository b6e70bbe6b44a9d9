"""What a page says about itself in markup rather than in its text: JSON-LD, OpenGraph, microdata, <time>,
author links and boxes.

Structured data can lie (real NukeViet 4.5 writes the last edit time into JSON-LD `datePublished`), so the
visible date line stays what the page states; `date_conflict` tells when the two disagree. Bylines marked as
such (`rel="author"`, `itemprop="author"`, an author-named box, JSON-LD `author`) name the article's author
better than a "Nguồn" line in the text, which names a source.
"""
from __future__ import annotations

import json
import re

from crawlers.extraction.generic_meta import byline_of, named
from crawlers.extraction.html import text_of
from transforms.dates import parse_date
from transforms.text import clean

_ARTICLE_TYPES = {"article", "newsarticle", "blogposting", "reportagenews", "analysisnewsarticle",
                  "opinionnewsarticle", "backgroundnewsarticle", "liveblogposting", "report", "techarticle",
                  "scholarlyarticle", "posting", "socialmediaposting"}
# "By X", "Bởi X", "Đăng bởi: X", "Người viết: X", "Tác giả: X", "Viết bởi X": the label goes, the name stays.
_BY = re.compile(r"^(?:by|bởi|đăng bởi|viết bởi|người viết|người đăng|tác giả|posted by|written by)\s*[:.\-–]?\s*",
                 re.I)
_AUTHOR_NAME_CLASS = re.compile(r"(?:^|[-_])(?:author|byline|tac-?gia|writer)(?:[-_]+(?:name|title|link))?$", re.I)
_AUTHOR_WORDS = ("author", "byline", "tac-gia", "tacgia", "writer")
_MAX_NAME = 80


def _json_items(tree):
    """Every JSON-LD object on the page, @graph members and list items included."""
    for raw in tree.xpath("//script[@type='application/ld+json']/text()"):
        try:
            data = json.loads(raw.strip().removeprefix("<!--").removesuffix("-->"))
        except ValueError:
            continue  # a broken block is ignored, like a browser does
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                yield item
                if isinstance(item.get("@graph"), list):
                    stack.extend(reversed(item["@graph"]))


def _types(item: dict) -> set[str]:
    t = item.get("@type")
    return {str(x).lower() for x in (t if isinstance(t, list) else [t]) if x}


_LAST: list = [None, []]  # (tree, its JSON-LD articles): a page's metadata is read by several functions


def _articles(tree) -> list[dict]:
    if _LAST[0] is not tree:
        _LAST[:] = [tree, [item for item in _json_items(tree) if _types(item) & _ARTICLE_TYPES]]
    return _LAST[1]


def _names(value) -> list[str]:
    """A JSON-LD author: a string, an object with a name, or a list of either."""
    if isinstance(value, str):
        return [clean(value)] if clean(value) else []
    if isinstance(value, dict):
        return _names(value.get("name"))
    if isinstance(value, list):
        return [n for v in value for n in _names(v)]
    return []


def _join(names: list[str]) -> str | None:
    seen = list(dict.fromkeys(n for n in names if n and len(n) <= _MAX_NAME))
    return ", ".join(seen) or None


_DATE_PATHS = ("//meta[@property='article:published_time']/@content", "//*[@itemprop='datePublished']/@content",
               "//*[@itemprop='datePublished']/@datetime", "//time[@pubdate]/@datetime", "//time/@datetime")


def _dates(tree):
    """Publication dates the markup states, best source first, lazily (the first is usually enough)."""
    for a in _articles(tree):
        if a.get("datePublished"):
            yield str(a["datePublished"])
    for xp in _DATE_PATHS:
        yield from (clean(v) for v in tree.xpath(xp) if clean(v))
    for el in tree.xpath("//*[@itemprop='datePublished'][not(@content) and not(@datetime)]"):
        yield text_of(el)


def structured_dates(tree) -> list[str]:
    """Publication dates the markup states, best source first: JSON-LD datePublished of an article,
    OpenGraph article:published_time, itemprop datePublished, <time datetime>."""
    return [d for d in dict.fromkeys(_dates(tree)) if d and parse_date(d)[0] is not None]


def date_conflict(date_text: str | None, tree, visible: bool = False) -> str | None:
    """The structured date when it names another day than the visible date line (which stays the date).
    `visible`: the line was read from the page's text (else it may be a structured value itself)."""
    stated = parse_date(date_text)[0]
    if stated is None:
        return None
    best = next((d for d in _dates(tree) if d and parse_date(d)[0] is not None), None)
    if best is None or best == date_text or not visible and date_text in structured_dates(tree):
        return None  # none, or the line is a structured value itself (no visible line was found)
    return best if parse_date(best)[0] != stated else None


def strip_by(text: str) -> str:
    """"By Nguyễn An" -> "Nguyễn An"; "Đăng bởi: Minh Châu" -> "Minh Châu"."""
    return clean(_BY.sub("", clean(text), count=1)).strip(" ,;|-–")


def _name_like(text: str) -> bool:
    return 0 < len(text) <= _MAX_NAME and not text.endswith((".", ":", ";", "?", "!")) and len(text.split()) <= 10


def marked_author(tree, visible=None) -> str | None:
    """The author the markup marks as such: JSON-LD author of the article, itemprop author, rel=author
    links, an author-named box ("byline", "author-name", WordPress's post-author name); None otherwise.
    `visible`: where to look for the marked elements (a working copy without the page's chrome)."""
    found = _join([n for a in _articles(tree) for n in _names(a.get("author"))])
    if found:
        return found
    tree = tree if visible is None else visible
    names = []
    for el in tree.xpath("//*[@itemprop='author']"):
        inner = el.xpath(".//*[@itemprop='name']")
        value = el.get("content") or (text_of(inner[0]) if inner else text_of(el))
        names.append(strip_by(value or ""))
    names += [strip_by(text_of(a)) for a in tree.xpath("//a[contains(concat(' ', @rel, ' '), ' author ')]")]
    found = _join([n for n in names if _name_like(n)])
    if found:
        return found
    body = tree.find("body")
    for el in named(body if body is not None else tree, _AUTHOR_WORDS):
        if any(_AUTHOR_NAME_CLASS.search(t) for t in (el.get("class") or "").split()):
            text = text_of(el)
            text = byline_of(text) or strip_by(text)
            if _name_like(text) and not el.xpath(".//a[@href][count(../a) > 1]"):
                return text
    return None
