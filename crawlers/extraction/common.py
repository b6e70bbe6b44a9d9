"""Small pure helpers over lxml trees that the extraction engine reads family tables with (selectors, bylines,
dates, links)."""
from __future__ import annotations

import re
from collections.abc import Iterable

from crawlers.extraction.html import hrefs_of, links_of, select, text_of
from transforms.text import clean
from transforms.urls import canonical_url

# --- pure helpers --------------------------------------------------------------------------------------------
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
        found = select(root, sel)
        if found:
            return found[0]
    return None


def all_of(root, selectors: Iterable[str]) -> list:
    """Every element of the first selector that matches anything (alternative markup variants)."""
    if root is None:
        return []
    for sel in selectors:
        found = select(root, sel)
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


def outside(elements: list, root, selectors: Iterable[str]) -> list:
    """The elements that are not inside any element of `root` matching `selectors` (related-news boxes)."""
    boxes = [b for sel in selectors for b in (select(root, sel) if root is not None else [])]
    if not boxes:
        return elements
    # By identity: lxml hands out one proxy per node while a reference (here `boxes`) keeps it alive.
    inside = {id(b) for b in boxes}
    return [el for el in elements if id(el) not in inside and not any(id(a) in inside for a in el.iterancestors())]


def link_urls(root, url: str, selectors: Iterable[str]) -> list[str]:
    """Absolute URLs of the anchors matched by the first matching selector, deduplicated, in order."""
    out: list[str] = []
    for el in all_of(root, selectors):
        out.extend(hrefs_of(el, url))
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
        if select(node, heading):
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
        if select(node, "h1, h2, h3"):
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
        for el in select(root, sel) if root is not None else []:
            if skip is not None and (el is skip or skip in el.iterancestors()):
                continue
            who = strip_label(text_of(el), labels)
            if who and len(who) <= 80:
                return who
    return None




def item_links(box, url: str, item_selectors: Iterable[str], skip: Iterable[str], skip_root=None) -> list[str]:
    """Links of the first item selector that matches inside `box`, leaving out those inside `skip` boxes."""
    if box is None:
        return []
    for sel in item_selectors:
        anchors = outside(select(box, sel), box if skip_root is None else skip_root, skip)
        if anchors:
            return dedupe(u for a in anchors for u, _ in links_of(a, url))
    return []


def date_in(panel, selectors: Iterable[str], body) -> str | None:
    """The first date phrase in the elements `selectors` match inside `panel`, else the date line before `body`."""
    for el in all_of(panel, selectors):
        found = date_phrase(text_of(el))
        if found:
            return found
    return date_before(panel, body)
