"""Test helper: the markup changes a portal's redesign makes, applied to a saved page (HTML text -> HTML text).

Each mutation keeps the page's content (title, date, text, links) and changes only how it is marked up, the
way a new theme of the same CMS would: names, nesting, HTML5 elements, paragraph markup, where the date line
sits, the pager, a featured first listing item, layout tables. tests/mangle.py renames every class and id.
"""
from __future__ import annotations

import re

import lxml.html

from tests.mangle import mangle_html

_DATE = re.compile(r"\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{4}")


def _tree(text: str):
    return lxml.html.document_fromstring(text)


def _out(tree) -> str:
    return lxml.html.tostring(tree, encoding="unicode", doctype="<!DOCTYPE html>")


def _text_block(tree):
    """The element with the most <p> children (the article's text, a listing's teasers)."""
    return max(tree.iter("div", "td", "section", "article"), key=lambda e: len(e.findall("p")), default=None)


def rename(text: str) -> str:
    return mangle_html(text)


def wrap(text: str) -> str:
    """Every block holding paragraphs gets two more wrappers inside it; the body gets one outside its content."""
    tree = _tree(text)
    for el in [e for e in tree.iter("div") if len(e.findall("p")) >= 2]:
        outer = lxml.html.Element("div", {"class": "row-fluid"})
        inner = lxml.html.Element("div", {"class": "col-inner"})
        outer.append(inner)
        inner.text, el.text = el.text, None
        for child in list(el):
            inner.append(child)
        el.append(outer)
    body = tree.find("body")
    shell = lxml.html.Element("div", {"id": "page-shell"})
    shell.text, body.text = body.text, None
    for child in list(body):
        shell.append(child)
    body.append(shell)
    return _out(tree)


def html5(text: str) -> str:
    """The heading's block becomes <article>, the text block <section>, the date line <time datetime>."""
    tree = _tree(text)
    h1 = next(iter(tree.iter("h1")), None)
    if h1 is not None:
        box = next((a for a in h1.iterancestors() if a.tag == "div"), None)
        if box is not None:
            box.tag = "article"
    block = _text_block(tree)
    if block is not None and block.tag == "div":
        block.tag = "section"
    for el in tree.iter("span", "div", "p"):
        own = (el.text or "").strip()
        if len(el) == 0 and _DATE.search(own) and len(own) < 80:
            el.tag = "time"
            d, m, y = re.split(r"\s*[/.\-]\s*", _DATE.search(own).group(0))
            el.set("datetime", f"{y}-{int(m):02d}-{int(d):02d}")
            break
    return _out(tree)


def div_paragraphs(text: str) -> str:
    tree = _tree(text)
    for p in list(tree.iter("p")):
        p.tag = "div"
    return _out(tree)


def br_paragraphs(text: str) -> str:
    """The text block's paragraphs become one run of text with <br><br> between them."""
    tree = _tree(text)
    block = _text_block(tree)
    if block is None:
        return text
    for p in block.findall("p"):
        if len(p) and any(c.tag in ("table", "div", "ul", "ol", "img") for c in p):
            continue
        br1, br2 = lxml.html.Element("br"), lxml.html.Element("br")
        p.addnext(br1)
        br1.addnext(br2)
        br2.tail = br1.tail
        br1.tail = None
        p.drop_tag()
    return _out(tree)


def date_moved(text: str) -> str:
    """The short element stating the date goes to the end of the article's block."""
    tree = _tree(text)
    h1 = next(iter(tree.iter("h1")), None)
    box = next((a for a in h1.iterancestors() if a.tag in ("div", "article")), None) if h1 is not None else None
    if box is None:
        return text
    for el in box.iter("span", "div", "p", "time"):
        t = el.text_content().strip()
        if el is not box and _DATE.search(t) and len(t) < 80 and not el.findall(".//p"):
            el.drop_tree()
            box.append(el)
            el.tail = None
            break
    return _out(tree)


def pager(text: str) -> str:
    """Pager boxes renamed and their "next" signs spelled out ("Trang sau")."""
    tree = _tree(text)
    for el in tree.iter():
        names = (el.get("class") or "").lower().split()
        if isinstance(el.tag, str) and any(re.search(r"pagina|paging|pager|generate_page|page-iterator", n)
                                           for n in names):
            el.set("class", "nav-links")
            for a in el.iter("a"):
                if a.text_content().strip() in ("»", "›", ">", "Tiếp", "Sau"):
                    for c in list(a):
                        a.remove(c)
                    a.text = "Trang sau"
    return _out(tree)


def featured(text: str, first_link: str | None) -> str:
    """The listing's first item re-rendered as a featured block above the list: its own heading and teaser."""
    if not first_link:
        return text
    tree = _tree(text)
    anchors = [a for a in tree.iter("a") if a.get("href") and first_link.endswith(a.get("href").split("#")[0])
               and a.text_content().strip()]
    if not anchors:
        return text
    a = anchors[0]
    title, href = a.text_content().strip(), a.get("href")
    item = next((x for x in a.iterancestors() if x.tag in ("li", "article", "div", "tr")), a.getparent())
    host = item.getparent()
    block = lxml.html.fragment_fromstring(
        f'<div class="hero-item"><h2 class="hero-title"><a href="{href}">{title}</a></h2>'
        f'<p class="hero-teaser">{title}</p></div>')
    for other in anchors:  # every link of the old item goes with it
        other.set("href", href)
    host.addprevious(block) if host is not None and host.tag in ("ul", "ol", "tbody", "table") else item.addprevious(block)
    item.drop_tree()
    return _out(tree)


def layout_table(text: str) -> str:
    """The whole page inside a two-column layout table (an old theme)."""
    tree = _tree(text)
    body = tree.find("body")
    table = lxml.html.fragment_fromstring('<table class="layout" width="100%"><tr><td class="left" width="20%">'
                                          '</td><td class="main"></td></tr></table>')
    main = table.find(".//td[@class='main']")
    main.text, body.text = body.text, None
    for child in list(body):
        main.append(child)
    body.append(table)
    return _out(tree)


ARTICLE_MUTATIONS = {"rename": rename, "wrap": wrap, "html5": html5, "div_paragraphs": div_paragraphs,
                     "br_paragraphs": br_paragraphs, "date_moved": date_moved, "layout_table": layout_table}
LISTING_MUTATIONS = {"rename": rename, "wrap": wrap, "pager": pager, "layout_table": layout_table}
