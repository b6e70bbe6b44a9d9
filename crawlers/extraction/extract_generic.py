"""Extraction for a portal whose CMS is unknown: family detection, main text by density.

Nothing here knows a site. The main block is the element that holds the most
paragraph text with the fewest links, after chrome (menus, sidebars, forms, and
boxes whose names say chrome, where names mean anything) is set aside. Title,
date line, lead and byline are read around it by crawlers.extraction.generic_meta; listing
pages by crawlers.extraction.generic_listing.
"""
from __future__ import annotations

import copy
import re

import lxml.etree
import lxml.html

from crawlers.extraction.attachment_links import attachment_links
from crawlers.extraction.date_line import is_date_line, structured_date_text, visible_date_text
from crawlers.extraction.detect import detect_family  # noqa: F401 (re-exported)
from crawlers.extraction.generic_listing import generic_listing_links
from crawlers.extraction.generic_meta import (
    in_subtree,
    is_chrome,
    link_density,
    parse_author,
    parse_summary,
    starts_with_link,
    strip_chrome,
)
from crawlers.extraction.html import BLOCKS, paragraphs_of, text_lengths, text_of
from crawlers.extraction.html_tables import tables_of
from crawlers.extraction.main_text import choose, library_paragraphs, read_by_library
from crawlers.extraction.structured_meta import date_conflict, marked_author
from transforms.text import clean, fold

__all__ = ["detect_family", "extract_generic", "generic_listing_links"]


_NEVER_TEXT = ("script", "style", "noscript", "template", "svg", "iframe", "object", "embed", "video", "audio",
               "canvas", "map", "select", "textarea", "button", "input")
_EMPTY_LEAVES = ("//body//*[not(*)][not(normalize-space())][not(self::br or self::hr or self::td or self::th "
                 "or self::a or self::tr or self::li)]")
_CLIMB = 2.0  # a parent must hold this many times the block's paragraph text
_TEASERS = 3  # linked items that make a block a teaser list
_TEASER_DISCOUNT = 0.2
_SPLIT_SHARE = 0.15  # text in like sibling blocks, against the block's, that makes the parent the body
_HEADER_SLACK = 60  # characters beside the title in a header block (section, byline, date) taken for a lead
_BEFORE_TITLE = 300  # characters of labels and breadcrumbs a heading may follow inside the main block


# --- main block ----------------------------------------------------------------------------------------------------
def _own_text(el, lengths) -> tuple[int, int]:
    """(text length, link text length) of text directly in `el` and its inline children: its lengths less
    its block children's."""
    length, links = lengths
    total, inline = length.get(el, 0), links.get(el, 0)
    for child in el:
        if isinstance(child.tag, str) and child.tag in BLOCKS:
            total -= length.get(child, 0)
            inline -= links.get(child, 0)
    return total, inline


def _scores(work, lengths) -> tuple[dict, dict]:
    """Readability-style: paragraph text scores its parent (and grandparent); `good` is the paragraph text
    inside each element."""
    scores: dict = {}
    good: dict = {}
    for el in work.iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style", "table", "a"):
            continue
        n, links = _own_text(el, lengths)
        if n - links < 25:
            continue
        container = el.tag in ("div", "td", "article", "section", "main", "body")
        parent = el.getparent()
        targets = [(el, 1.0), (parent, 0.5)] if container else [(parent, 1.0)]
        if not container and parent is not None:
            targets.append((parent.getparent(), 0.5))
        for t, w in targets:
            if t is not None:
                scores[t] = scores.get(t, 0.0) + w * (n - links)
        for anc in [el, *el.iterancestors()]:
            good[anc] = good.get(anc, 0) + n - links
    return scores, good


def _teaser_list(el, lengths: dict | None = None) -> bool:
    """A list of story teasers: most of its blocks start with a link (each item's linked title)."""
    items = [c for c in el if isinstance(c.tag, str) and c.tag in BLOCKS
             and (lengths.get(c, 0) if lengths is not None else text_of(c))]
    if len(items) < _TEASERS:
        return False
    linked = sum(1 for c in items if starts_with_link(c))
    return linked >= _TEASERS and linked >= 0.6 * len(items)


def teaser_texts(body, lengths: dict) -> list[str]:
    """The text of every outermost teaser list on the page (set aside, not the article's)."""
    out, stack = [], [body]
    while stack:
        for el in stack.pop():
            if not isinstance(el.tag, str) or lengths.get(el, 0) < 100:
                continue
            if _teaser_list(el, lengths):
                out.append(text_of(el))
            else:
                stack.append(el)
    return out


def _same_kind(a, b) -> bool:
    return a.tag == b.tag and (a.get("class") or "") == (b.get("class") or "")


def _split_body(best, parent, good) -> bool:
    """The parent holds more of the text in siblings built like `best` (one article body written as a
    series of like blocks, with ads or images between them)."""
    more = sum(good.get(sib, 0) for sib in parent if sib is not best and isinstance(sib.tag, str)
               and _same_kind(sib, best))
    return more >= _SPLIT_SHARE * good.get(best, 0)


def _main_block(work, lengths: tuple[dict, dict] | None = None):
    """The best-scoring block, discounted by link density and when it is a list of teasers; a parent
    replaces it when the parent holds much more paragraph text at a low link density, or more text in
    blocks built like it (text split over sibling wrappers), so related lists, footers and side boxes
    around a short article stay out."""
    lengths = lengths or text_lengths(work)
    scores, good = _scores(work, lengths)
    best, best_score = None, 0.0
    for el, s in scores.items():
        s *= 1 - link_density(el, lengths)
        if s > best_score and _teaser_list(el, lengths[0]):
            s *= _TEASER_DISCOUNT
        if s > best_score:
            best, best_score = el, s
    while best is not None and best is not work:
        parent = best.getparent()
        if parent is None or link_density(parent, lengths) > 0.2 or _teaser_list(parent, lengths[0]):
            break
        if good.get(parent, 0) < _CLIMB * good.get(best, 0) and not _split_body(best, parent, good):
            break
        best = parent
    return best


def _text_after_title(main, title_el):
    """A copy of `main` without the title and what comes before it inside `main` (breadcrumbs, category
    labels). When much text comes before it, the element is not the article's heading (a later repeat of
    the title's text: a caption, a share box) and only the element itself is dropped."""
    root = copy.deepcopy(main)
    if title_el is None or not in_subtree(title_el, main):
        return root
    path = main.getroottree().getpath(title_el)[len(main.getroottree().getpath(main)):]
    found = root.xpath("." + path) if path else []
    if not found:
        return root
    node, before = found[0], []
    while node is not None and node is not root:
        before.extend(node.itersiblings(preceding=True))
        node = node.getparent()
    if sum(len(text_of(sib)) for sib in before) <= _BEFORE_TITLE:
        node = found[0]
        while node is not root:
            parent = node.getparent()
            parent.text = None
            node = parent
        for sib in before:
            sib.getparent().remove(sib)
    found[0].drop_tree()
    return root


def _paragraphs(main, title_el, title, summary, date_text) -> list[str]:
    paras = paragraphs_of(_text_after_title(main, title_el), in_place=True) if main is not None else []
    drop = {fold(x) for x in (title, summary) if x}
    return [p for p in paras if fold(p) not in drop and not (len(p) <= 80 and date_text and date_text in p)]


# --- title -------------------------------------------------------------------------------------------------------
def parse_title(tree, main) -> tuple[str | None, object]:
    """The article's heading: the heading the <title> starts or ends with, else the h1, og:title, <title>."""
    page_title = text_of(tree.find(".//title"))
    if page_title:
        key = fold(page_title)
        # The string length (lxml, in C, script text included) bounds the visible text's from above only
        # loosely, so the bound is generous: it spares reading every teaser's title box in Python.
        bound = 2 * len(page_title) + 40
        heads = [(h, text_of(h)) for h in tree.xpath(
            f"(//h1|//h2|//h3|//h4|//*[contains(@class,'title')])[string-length(normalize-space(.)) <= {bound}]")]
        site = {fold(x) for x in tree.xpath("//meta[@property='og:site_name']/@content")}
        for h, t in sorted(heads, key=lambda ht: -len(ht[1])):
            if len(t) > len(page_title) or fold(t) in site or _names_the_site(h):
                continue  # a box named "title" around more than the title, or the site's own name
            ft = fold(t)
            if len(t) > 8 and key.startswith(ft) or key.endswith(" " + ft):
                return t, h
    if main is not None:
        h1 = main.xpath(".//h1") or main.xpath("preceding::h1[1]")
        if h1 and text_of(h1[0]):
            return text_of(h1[0]), h1[0]
    og = tree.xpath("//meta[@property='og:title']/@content")
    if og and clean(og[0]):
        return clean(og[0]), None
    if page_title:
        parts = re.split(r"\s+[-|–]\s+", page_title)  # "<article> - <site>" or "<site> | <article>"
        if len(parts) > 1:
            return (" - ".join(parts[:-1]) if len(parts[0]) >= len(parts[-1]) else " - ".join(parts[1:])), None
        return page_title, None
    return None, None


def _names_the_site(el) -> bool:
    """A link home (rel="home", or to the site's root) is the site's name, which <title> also carries."""
    for a in [*el.iter("a"), *(x for x in el.iterancestors() if x.tag == "a")]:
        href = (a.get("href") or "").strip()
        if "home" in (a.get("rel") or "").split() or href in ("/", "./") or \
                re.fullmatch(r"https?://[^/]+/?", href):
            return True
    return False


def element_with_text(tree, text: str):
    """The innermost element whose whole text is `text` (the title's element when no heading carries it),
    the first in document order. Climbs from each text string that starts `text`, so that the page's text
    is not re-read once per element."""
    key = fold(text)
    if not key:
        return None
    body = tree.find("body") if tree.find("body") is not None else tree
    for el in body.iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style"):
            continue
        own = fold(el.text) if el.text and el.text.strip() else ""
        if not own or not key.startswith(own):
            continue
        node = el
        while node is not None:
            whole = fold(text_of(node))
            if whole == key:
                return node
            if not key.startswith(whole):
                break
            node = node.getparent()
    return None


# --- article ---------------------------------------------------------------------------------------------------------
def extract_generic(tree, url: str) -> dict:
    """Title, date text, author, summary, paragraphs, tables and attachments of an unknown CMS's article."""
    work = copy.deepcopy(tree)
    # What is never text goes before either reading: the library works on a copy of this one.
    lxml.etree.strip_elements(work, *_NEVER_TEXT, "nav", "aside", "menu", with_tail=False)
    for el in list(work.iter("footer", "header")):
        if is_chrome(el):  # the page's own header and footer, not an article's
            el.drop_tree()
    for el in work.xpath(_EMPTY_LEAVES):  # no text, no children: nothing to read, only elements to visit
        el.drop_tree()
    body = work.find("body")
    if body is None:
        body = work
    lengths = strip_chrome(body, links_only=True)  # menus and link lists: the library's work shrinks
    library = library_paragraphs(work)
    lengths = strip_chrome(body, lengths)
    main = _main_block(body, lengths)
    title, title_el = parse_title(tree, main)
    if title_el is not None and title_el.getroottree().getroot() is not tree.getroottree().getroot():
        title_el = None  # found in the working copy: look the same text up in the page itself
    if title_el is None and title:
        title_el = element_with_text(tree, title)
    date_text = visible_date_text(tree, title_el, work, main)
    conflict = date_conflict(date_text, tree, visible=True) if date_text else None
    date_text = date_text or structured_date_text(tree)
    work_title = element_with_text(work, title) if title else None
    summary = parse_summary(work, main, work_title)
    if summary and (is_date_line(summary, date_text) or title and fold(title) in fold(summary)
                    and len(summary) < len(title) + _HEADER_SLACK):
        summary = None  # the date line, or the header block around the title: no lead
    paras = _paragraphs(main, work_title, title, summary, date_text)
    author, paras = parse_author(main, paras, work_title, lengths[0])
    author = marked_author(tree, work) or author  # a marked byline names the author; a "Nguồn" line, a source
    paras, source = choose(paras, library, title, summary, date_text, author, teaser_texts(body, lengths[0]))
    if source == "library" and summary and not read_by_library(summary, library):
        summary = None
    container = main.getparent() if main is not None and main.getparent() is not None else main
    out = {
        "title": title, "date_text": date_text, "date_conflict": conflict,
        "author": author, "summary": summary, "paragraphs": paras,
        "tables": tables_of(main) if main is not None else [],
        "attachments": attachment_links(container, url) if container is not None else [],
    }
    out["missing"] = [k for k in ("title", "date_text", "author", "paragraphs") if not out[k]]
    return out
