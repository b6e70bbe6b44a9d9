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

from crawlers.extraction.generic_meta import byline_of
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


def _articles(tree) -> list[dict]:
    return [item for item in _json_items(tree) if _types(item) & _ARTICLE_TYPES]


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


def structured_dates(tree) -> list[str]:
    """Publication dates the markup states, best source first: JSON-LD datePublished of an article,
    OpenGraph article:published_time, itemprop datePublished, <time datetime>."""
    out = [str(a["datePublished"]) for a in _articles(tree) if a.get("datePublished")]
    for xp in ("//meta[@property='article:published_time']/@content",
               "//*[@itemprop='datePublished']/@content", "//*[@itemprop='datePublished']/@datetime",
               "//time[@pubdate]/@datetime", "//time/@datetime"):
        out += [clean(v) for v in tree.xpath(xp) if clean(v)]
    for el in tree.xpath("//*[@itemprop='datePublished'][not(@content) and not(@datetime)]"):
        if text_of(el):
            out.append(text_of(el))
    return [d for d in dict.fromkeys(out) if parse_date(d)[0] is not None]


def date_conflict(date_text: str | None, tree) -> str | None:
    """The structured date when it names another day than the visible date line (which stays the date)."""
    stated = parse_date(date_text)[0]
    found = structured_dates(tree)
    if stated is None or not found or date_text in found:
        return None  # no visible line, or the line is the structured value itself
    best = found[0]
    return best if parse_date(best)[0] != stated else None


def strip_by(text: str) -> str:
    """"By Nguyễn An" -> "Nguyễn An"; "Đăng bởi: Minh Châu" -> "Minh Châu"."""
    return clean(_BY.sub("", clean(text), count=1)).strip(" ,;|-–")


def _name_like(text: str) -> bool:
    return 0 < len(text) <= _MAX_NAME and not text.endswith((".", ":", ";", "?", "!")) and len(text.split()) <= 10


def marked_author(tree) -> str | None:
    """The author the markup marks as such: JSON-LD author of the article, itemprop author, rel=author
    links, an author-named box ("byline", "author-name", WordPress's post-author name); None otherwise."""
    found = _join([n for a in _articles(tree) for n in _names(a.get("author"))])
    if found:
        return found
    names = []
    for el in tree.xpath("//*[@itemprop='author']"):
        inner = el.xpath(".//*[@itemprop='name']")
        value = el.get("content") or (text_of(inner[0]) if inner else text_of(el))
        names.append(strip_by(value or ""))
    names += [strip_by(text_of(a)) for a in tree.xpath("//a[contains(concat(' ', @rel, ' '), ' author ')]")]
    found = _join([n for n in names if _name_like(n)])
    if found:
        return found
    for el in tree.xpath("//body//*[@class]"):
        if any(_AUTHOR_NAME_CLASS.search(t) for t in el.get("class").split()):
            text = text_of(el)
            text = byline_of(text) or strip_by(text)
            if _name_like(text) and not el.xpath(".//a[@href][count(../a) > 1]"):
                return text
    return None
