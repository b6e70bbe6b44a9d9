"""What surrounds an unknown CMS's article text: chrome by name, lead, byline (the date line: date_line.py).

Names are a hint only where a page has meaningful ones (class/id tokens such
boxes carry on Vietnamese portals); every part also has a structural reading
(position against the title and the main block, text length, links, bold or
right-aligned short lines), so a page whose names are meaningless still reads.
"""
from __future__ import annotations

import re
from functools import lru_cache

from crawlers.extraction.attachment_links import is_attachment_url
from crawlers.extraction.date_line import (  # noqa: F401 (the date line's readers, re-exported)
    DATE,
    parse_date_text,
    structured_date_text,
    visible_date_text,
)
from crawlers.extraction.html import BLOCKS, forget, text_lengths, text_of
from transforms.text import clean, fold

# Class/id tokens of chrome boxes an article's main text never lives in.
_CHROME = re.compile(
    r"^(?:.*[-_])?(?:nav|navbar|menu|sidebar|side|aside|footer|header|breadcrumbs?|comments?|binh-luan|rating|vote|"
    r"share|social|qr|qrcode|related|other|others|relate|tin-khac|tin-lien-quan|lien-quan|counter|stats|visitor|"
    r"tags?|tien-ich|banner|ads?|advert|quang-cao|print|tools|toolbar|pagination|paging|pager|widget|hot)(?:[-_].*)?$",
    re.I,
)
_SUMMARY = re.compile(r"(?:^|[-_])(?:sapo|lead|summary|hometext|tomtat|tom-tat|mo-ta|abstract|intro|chapeau|"
                      r"description|desc)(?:$|[-_])", re.I)
_SUMMARY_WORDS = ("sapo", "lead", "summary", "hometext", "tomtat", "tom-tat", "mo-ta", "abstract", "intro",
                  "chapeau", "desc")
_AUTHOR_CLASS = re.compile(r"(?:^|[-_])(?:author|tac-gia|tacgia|byline|nguon|source|writer)(?:$|[-_])", re.I)
# "Tác giả: X", "Nguồn. X", "Bài và ảnh: X" need their punctuation; "Theo X" / "Nguồn X" need X to look like a name.
_LABELLED = re.compile(r"^(?:tác giả(?: bài viết)?|người viết|bài(?: và ảnh)?|nguồn(?: tin)?)\s*[:.]\s*(.{1,80})$", re.I)
_THEO = re.compile(r"^(?:theo|nguồn)\s+(.{1,60})$", re.I)
_CHROME_TAGS = ("nav", "aside", "form")
_LINK_BOX = 0.6  # share of a box's text in links that makes it a menu or a link list
_OWN_SHARE = 0.4  # share of the page's unlinked text that makes a box the article's container
_ITEM_TAGS = ("article", "section", "main", "li")  # an item's <header> holds its title and date
_MIN_LEAD = 40  # a lead is a sentence or more, not a label
_MAX_LEAD = 1200
_LEAD_SHARE = 0.6  # of the main text's length
_AUTHOR_BOX = re.compile(r"(?:^|[-_])(?:author|authors|tac-gia|tacgia|byline|writer|bio|biography|profile)(?:$|[-_])",
                         re.I)
_BYLINE_LOOKAHEAD = 12  # elements after the text that may still hold its byline
_LONG_BOX = 400  # text length (text_lengths) beyond which a box is surely over the 100 a byline line may have


def tokens(el) -> list[str]:
    return ((el.get("class") or "") + " " + (el.get("id") or "")).split()


def is_chrome(el) -> bool:
    """Menus, side columns, forms, the page's own header and footer (not an item's or article's), or a box
    whose name says chrome."""
    if el.tag in ("header", "footer"):
        return not any(a.tag in _ITEM_TAGS for a in el.iterancestors())
    return el.tag in _CHROME_TAGS or any(_chrome_token(t) for t in tokens(el))


@lru_cache(maxsize=4096)
def _chrome_token(token: str) -> bool:
    return _CHROME.match(token) is not None  # class names repeat on a page: matched once each


def strip_chrome(body, lengths: tuple[dict, dict] | None = None, links_only: bool = False) -> tuple[dict, dict]:
    """Drop chrome elements (by tag, or by a chrome-like name) from a working copy of the page; return the
    text lengths (crawlers.extraction.html.text_lengths) of what is left.

    A name is a guess: a box that holds most of the page's text, or much of its unlinked text, is the
    article's own container whatever its name says ("content-with-sidebar", WordPress's `tag-<slug>` post
    classes, Blogger's `widget Blog`), so it stays. `links_only`: only boxes that are mostly links (menus,
    link lists), which no reading of the page takes for text; `lengths` from that first pass go on."""
    lengths = lengths or text_lengths(body)
    length, links = lengths
    whole = length.get(body, 0) or 1
    prose = whole - links.get(body, 0)
    stack = [body]
    while stack:
        for el in list(stack.pop()):
            if not isinstance(el.tag, str):
                continue
            n = length.get(el, 0)
            if is_chrome(el) and n < 0.5 * whole and (n - links.get(el, 0) < _OWN_SHARE * prose
                                                       or el.tag in _CHROME_TAGS) \
                    and (not links_only or links.get(el, 0) > _LINK_BOX * n):
                forget(lengths, el)
                el.drop_tree()
            else:
                stack.append(el)
    return lengths


def in_subtree(el, root) -> bool:
    return el is root or any(a is root for a in el.iterancestors())


def link_density(el, lengths: tuple[dict, dict] | None = None) -> float:
    """Share of `el`'s text inside links; `lengths` (crawlers.extraction.html.text_lengths of a tree holding `el`)
    spares re-reading the subtree."""
    if lengths is not None and el in lengths[0]:
        return min(lengths[1][el] / (lengths[0][el] or 1), 1.0)
    text = len(text_of(el)) or 1
    return min(sum(len(text_of(a)) for a in el.iter("a")) / text, 1.0)


# --- lead -----------------------------------------------------------------------------------------------------------
def _about_author(el) -> bool:
    """Inside a box named for the author (a bio under "about the author" is no lead)."""
    return any(_AUTHOR_BOX.search(t) for a in (el, *el.iterancestors()) for t in tokens(a))


def _lead_sized(text: str, main_len: int) -> bool:
    """A lead is a sentence or a few, never the article again: short beside the main text."""
    return _MIN_LEAD // 2 <= len(text) <= _MAX_LEAD and (not main_len or len(text) <= _LEAD_SHARE * main_len)


@lru_cache(maxsize=4096)
def _summary_token(token: str) -> bool:
    return _SUMMARY.search(token) is not None


def named(root, words: tuple[str, ...]):
    """Elements under `root` whose class or id contains one of `words` (case folded), in document order."""
    out = []
    for el in root.xpath(".//*[@class or @id]"):
        name = _name_of(el)
        if name and any(w in name for w in words):
            out.append(el)
    return out


def _name_of(el) -> str:
    return ((el.get("class") or "") + " " + (el.get("id") or "")).lower()


def _named_summary(work, main) -> str | None:
    main_len = len(text_of(main)) if main is not None else 0
    for el in named(work, _SUMMARY_WORDS):
        if el.tag not in ("meta", "body", "html") and any(_summary_token(t) for t in tokens(el)):
            if main is not None and (in_subtree(el, main) or in_subtree(main, el)):
                continue  # inside the text, or a box around it whose name says "description"
            text = text_of(el)
            if _lead_sized(text, main_len) and not _about_author(el):
                return text
    return None


def _between(title_el, main):
    """Block elements after the title and before the main text, outside both (meta lines, lead)."""
    started = False
    for el in title_el.getroottree().iter():
        if el is title_el:
            started = True
            continue
        if el is main:
            return
        if started and isinstance(el.tag, str) and el.tag in BLOCKS and not in_subtree(el, title_el) \
                and not in_subtree(main, el):
            yield el


def _lead_between(title_el, main) -> str | None:
    """The first sentence-long block after the title and before the main text (the sapo of most themes)."""
    main_len = len(text_of(main))
    for el in _between(title_el, main):
        text = text_of(el)
        if len(text) < _MIN_LEAD or link_density(el) >= 0.3 or byline_of(text) or _about_author(el) \
                or not _lead_sized(text, main_len):
            continue
        if not (len(text) <= 80 and DATE.search(text)):  # a meta line states the date, a lead does not
            return text
    return None


def parse_summary(work, main, title_el) -> str | None:
    """The lead outside the main text: a lead-like name, else the block between the title and the text."""
    found = _named_summary(work, main)
    if found or title_el is None or main is None or in_subtree(title_el, main):
        return found
    return _lead_between(title_el, main)


# --- byline -----------------------------------------------------------------------------------------------------------
def looks_like_byline(text: str) -> bool:
    """A person's name or an outlet: a few capitalised words ("Thanh Quang - VPS", "PV"), no sentence end."""
    words = text.split()
    return 0 < len(words) <= 8 and len(text) <= 60 and not text.endswith((".", ":", ";", "?", "!")) and all(
        w[:1].isupper() or w[:1].isdigit() or w in ("-", "–", "&") or w.startswith("(") for w in words)


def name_like(text: str) -> bool:
    """A short capitalised line with no sentence end or label colon: a name or an office ("Sở Nội vụ")
    once its setting (bold, right-aligned) marks it as a byline."""
    words = text.split()
    return 0 < len(words) <= 8 and len(text) <= 60 and text[:1].isupper() and ":" not in text \
        and not text.endswith((".", ";", "?", "!", "…")) and not DATE.search(text)


def byline_of(text: str) -> str | None:
    """'Tác giả: X' / 'Nguồn. X' -> X; 'Theo X' -> X when X looks like a name; None otherwise."""
    m = _LABELLED.match(text)
    if m:
        return clean(m.group(1)).rstrip(".") or None
    m = _THEO.match(text)
    return clean(m.group(1)).rstrip(".") if m and looks_like_byline(m.group(1).rstrip(".")) else None


def _emphasised(el) -> bool:
    """Bold, or right-aligned, as a byline line is set apart from the text."""
    style = fold((el.get("style") or "") + " " + (el.get("align") or "")).replace(" ", "")
    if "right" in style:
        return True
    text = text_of(el)
    return any(text_of(b) == text for b in el.iter("b", "strong"))


def _has_attachment(el) -> bool:
    return any(is_attachment_url(a.get("href") or "") for a in el.iter("a"))


def _after(main):
    """Elements after `main` in document order (not inside it)."""
    node = main
    while node is not None:
        for sib in node.itersiblings():
            if isinstance(sib.tag, str):
                yield sib
                yield from (d for d in sib.iterdescendants() if isinstance(d.tag, str))
        node = node.getparent()


def _leafish(el) -> bool:
    return not any(isinstance(c.tag, str) and c.tag in BLOCKS for c in el)


def starts_with_link(el) -> bool:
    """The first visible text under `el` is a link's (a list of titles, not a box that starts with a label)."""
    for node in el.iter():
        if isinstance(node.tag, str) and node.tag not in ("script", "style") and clean(node.text):
            return node.tag == "a" or any(a.tag == "a" for a in node.iterancestors())
    return False


def _heads_a_list(el) -> bool:
    """A bold line followed by links ("Tin khác", "Những tin cũ hơn") is the heading of a related list."""
    node = el
    while node is not None:
        nxt = next((s for s in node.itersiblings() if isinstance(s.tag, str)), None)
        if nxt is not None:
            return starts_with_link(nxt)
        parent = node.getparent()  # "<p><strong>Tin khác</strong></p><ul>": the wrapper of the line only
        if parent is None or len([c for c in parent if isinstance(c.tag, str)]) > 1:
            return False
        node = parent
    return False


def _emphasised_line(main, text: str) -> bool:
    return any(text_of(el) == text and _emphasised(el) for el in main.iter()
               if isinstance(el.tag, str) and (el.tag in BLOCKS or el.tag in ("b", "strong")))


def _byline_after(main, lengths: dict | None = None) -> str | None:
    """A labelled line, a byline-named box, or a bold/right-aligned name right after the text; stops at the
    first long text or list of links (related news). Attachment boxes are passed over. `lengths` (text
    lengths of the tree, crawlers.extraction.html.text_lengths) lets a long box be passed without reading its text."""
    skip, seen = None, 0
    for el in _after(main):
        if skip is not None and in_subtree(el, skip):
            continue
        if el.tag not in BLOCKS and el.tag not in ("b", "strong"):
            continue
        long_box = lengths is not None and lengths.get(el, 0) > _LONG_BOX
        text = "" if long_box else text_of(el)
        if not text and not long_box:
            continue
        if _has_attachment(el):
            skip = el
            continue
        leaf = _leafish(el) or el.tag in ("ul", "ol")
        if long_box:  # no byline: a leaf this long ends the search, a container is one more look
            if leaf:
                return None
            seen += 1
            if seen >= _BYLINE_LOOKAHEAD:
                return None
            continue
        if leaf and (len(text) > 100 or len(el.xpath(".//a")) >= 2):
            return None
        found = byline_of(text) if len(text) <= 100 else None
        if found:
            return found
        if link_density(el) < 0.5 and (
                _emphasised(el) and name_like(text) and not _heads_a_list(el)
                or name_like(text) and any(_AUTHOR_CLASS.search(t) for t in tokens(el))):  # an office too
            return text
        seen += 1
        if seen >= _BYLINE_LOOKAHEAD:
            return None
    return None


def _byline_before(title_el, main) -> str | None:
    """A labelled byline on a meta line between the title and the text ("Tác giả: X | 05/03/2024")."""
    for el in _between(title_el, main):
        text = text_of(el)
        found = byline_of(text) if len(text) <= 120 and _leafish(el) else None
        if found:
            found = clean(DATE.split(re.split(r"\s+[|–]\s+", found)[0])[0]).rstrip(" -,") or None
            if found and looks_like_byline(found):
                return found
    return None


def parse_author(main, paras: list[str], title_el=None, lengths: dict | None = None) -> tuple[str | None, list[str]]:
    """The byline among the last paragraphs (removed from them), else a byline right after the block,
    else a labelled one on the meta lines under the title (`title_el`, in the same tree as `main`)."""
    for i in range(len(paras) - 1, max(len(paras) - 3, -1), -1):
        found = byline_of(paras[i])
        if found:
            return found, paras[:i] + paras[i + 1:]
    if paras and (looks_like_byline(paras[-1]) or main is not None and name_like(paras[-1])
                  and _emphasised_line(main, paras[-1])):
        return paras[-1], paras[:-1]
    found = _byline_after(main, lengths) if main is not None else None
    if found is None and main is not None and title_el is not None and not in_subtree(title_el, main):
        found = _byline_before(title_el, main)
    return found, paras
