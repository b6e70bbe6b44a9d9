"""HTML helpers every spider shares: robust decoding, visible text, paragraphs, links (tables: html_tables).

Portals lie about their charset (a page declared UTF-8 but saved in windows-1258,
or the reverse), some are saved in decomposed Unicode (NFD), and some responses
are garbage. `parse_html` never raises: it picks the encoding that decodes
cleanly and returns an empty document when nothing usable is left.
"""
from __future__ import annotations

import codecs
import copy
import re
import unicodedata
from functools import lru_cache
from urllib.parse import urldefrag, urljoin

import lxml.etree
import lxml.html
from lxml.cssselect import CSSSelector

from transforms.text import clean

FALLBACK_ENCODINGS = ("utf-8", "cp1258", "cp1252")
# Comments and processing instructions are no text: dropped at parse time (as trafilatura's own parser does,
# which reads the same tree).
_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True)

# Elements whose content is never visible text.
INVISIBLE = frozenset({"script", "style", "noscript", "template", "head", "title", "meta", "link"})
# Elements dropped before paragraphs are read (chrome and interactive parts).
NON_TEXT = INVISIBLE | {"form", "nav", "iframe", "select", "option", "button", "input", "textarea",
                        "object", "embed", "svg", "video", "audio", "canvas", "map"}
# Elements that start a new line of text: paragraph boundaries.
BLOCKS = frozenset({
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "blockquote",
    "pre", "section", "article", "header", "footer", "main", "aside", "figure", "figcaption", "address",
    "center", "table", "tr", "td", "th", "thead", "tbody", "tfoot", "caption", "hr", "br", "body", "html",
    "fieldset", "details", "summary",
})
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_BINARY_SHARE = 0.01
_SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "data:", "about:", "callto:", "sms:")


@lru_cache(maxsize=512)
def _css(selector: str) -> CSSSelector:
    return CSSSelector(selector)


def select(root, selector: str) -> list:
    """root.cssselect(selector), with the CSS-to-XPath translation done once per selector (it costs more than
    the match)."""
    return _css(selector)(root)


# --- decoding --------------------------------------------------------------------------------------------------
def _norm_encoding(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'").lower()).name
    except LookupError:
        return None


def _declared_meta(body: bytes) -> str | None:
    m = _META_CHARSET.search(body[:4096])
    return _norm_encoding(m.group(1).decode("ascii", "ignore")) if m else None


def decode_html(body: bytes, encoding: str | None = None) -> str:
    """Text of an HTML body, NFC. Valid UTF-8 with non-ASCII bytes wins over any declaration
    (a legacy single-byte charset decodes almost any bytes without error, so it cannot prove itself)."""
    if body.startswith(codecs.BOM_UTF8):
        return unicodedata.normalize("NFC", body[3:].decode("utf-8", "replace"))
    if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return unicodedata.normalize("NFC", body.decode("utf-16", "replace"))
    declared = [e for e in (_norm_encoding(encoding), _declared_meta(body)) if e]
    try:
        text = body.decode("utf-8")
        if not body.isascii() or not declared:
            return unicodedata.normalize("NFC", text)
    except UnicodeDecodeError:
        declared = [e for e in declared if e != "utf-8"]
    for enc in [*declared, *FALLBACK_ENCODINGS]:
        try:
            return unicodedata.normalize("NFC", body.decode(enc))
        except (UnicodeDecodeError, LookupError):
            continue
    return unicodedata.normalize("NFC", body.decode("utf-8", "replace"))


def _empty_document(url: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring("<html><head></head><body></body></html>", base_url=url)


def _binary(body: bytes) -> bool:
    """Bytes that are not text: control bytes (NUL, C0 other than tab and line ends) in more than
    _BINARY_SHARE of the first 4 KB. A legacy charset would decode them into lines of noise."""
    head = body[:4096]
    return len(head) - len(head.translate(None, _CONTROL_BYTES)) > _BINARY_SHARE * len(head)


def parse_document(body: bytes, url: str, encoding: str | None = None) -> tuple[str, lxml.html.HtmlElement]:
    """(decoded markup, tree) of a response body: the markup for whoever searches it as text (family
    signatures), so that the tree need not be serialised again."""
    body = body or b""
    if _binary(body):
        return "", _empty_document(url)
    try:
        text = _XML_DECL.sub("", decode_html(body, encoding), count=1)
        if len(body.translate(None, _CONTROL_BYTES)) != len(body):  # rare: a byte scan first
            text = _CONTROL.sub("", text)
        if not text.strip():
            return "", _empty_document(url)
        return text, lxml.html.document_fromstring(text, parser=_PARSER, base_url=url)
    except (lxml.etree.ParserError, ValueError, TypeError):
        return "", _empty_document(url)


def parse_html(body: bytes, url: str, encoding: str | None = None) -> lxml.html.HtmlElement:
    """Parse a response body into an lxml tree (NFC text); an empty document for garbage."""
    return parse_document(body, url, encoding)[1]


# --- text ----------------------------------------------------------------------------------------------------
def is_element(node) -> bool:
    return isinstance(node.tag, str)


def _walk_text(el, out: list[str], skip: frozenset[str]) -> None:
    tag = el.tag.lower() if is_element(el) else None
    if tag is not None and tag not in skip:
        block = tag in BLOCKS
        if block:
            out.append(" ")
        if el.text:
            out.append(el.text)
        for child in el:
            _walk_text(child, out, skip)
        if block:
            out.append(" ")
    if el.tail:
        out.append(el.tail)


def text_of(el) -> str:
    """Visible text of an element: no script/style/comments, blocks separated by a space, NFC, collapsed."""
    if el is None:
        return ""
    out: list[str] = []
    if is_element(el):
        tag = el.tag.lower()
        if tag in INVISIBLE and tag not in ("title",):
            return ""
        if tag == "title":
            return clean(el.text)
        if el.text:
            out.append(el.text)
        for child in el:
            _walk_text(child, out, INVISIBLE)
    return clean("".join(out))


def _piece(s: str | None) -> int:
    return len(s.strip()) + 1 if s and not s.isspace() else 0


def text_lengths(root) -> tuple[dict, dict]:
    """({element: visible text length}, {element: length of its link text}) for every element under `root`,
    in one pass (children before parents). Lengths count stripped text pieces plus one separator each, close
    to len(text_of(el)); thresholds over many elements use these instead of re-reading each subtree."""
    length: dict = {}
    links: dict = {}
    get_len, get_links = length.get, links.get
    for el in reversed(list(root.iter(lxml.etree.Element))):
        tag = el.tag
        if tag in INVISIBLE:
            length[el] = links[el] = 0
            continue
        t = el.text
        n = len(t.strip()) + 1 if t and not t.isspace() else 0
        k = 0
        for child in el:  # a comment child has no entry: its tail counts, nothing else
            t = child.tail
            if t and not t.isspace():
                n += len(t.strip()) + 1
            n += get_len(child, 0)
            k += get_links(child, 0)
        length[el] = n
        links[el] = n if tag == "a" else k
    return length, links


def forget(lengths: tuple[dict, dict], el) -> None:
    """Take a dropped element's text out of its ancestors' lengths (its tail stays in the page)."""
    length, links = lengths
    n, k = length.get(el, 0), links.get(el, 0)
    for anc in el.iterancestors():
        length[anc] = length.get(anc, 0) - n
        links[anc] = links.get(anc, 0) - k


def _drop(root, selectors: tuple[str, ...]) -> None:
    for sel in selectors:
        try:
            found = select(root, sel)
        except Exception:  # an invalid selector from a registry is skipped, not fatal
            continue
        for node in found:
            if node is not root and node.getparent() is not None:
                node.drop_tree()


def paragraphs_of(el, drop: tuple[str, ...] = (), in_place: bool = False) -> list[str]:
    """Block-level paragraphs of `el` in reading order; tables and non-text elements left out.

    `drop` are CSS selectors removed first (the element itself is not modified: a copy is read, unless
    `in_place` says `el` is a working copy already). A <br> ends a paragraph, as many portals write
    paragraphs as lines of one <div>.
    """
    if el is None or not is_element(el):
        return []
    root = el if in_place else copy.deepcopy(el)
    root.tail = None
    _drop(root, drop)
    for node in list(root.iter()):
        if node is not root and is_element(node) and (node.tag.lower() in NON_TEXT or node.tag.lower() == "table"):
            node.drop_tree()
    paras: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        text = clean("".join(buf))
        if text:
            paras.append(text)
        buf.clear()

    def walk(node) -> None:
        block = node.tag.lower() in BLOCKS
        if block:
            flush()
        if node.text:
            buf.append(node.text)
        for child in node:
            if is_element(child):
                walk(child)
            if child.tail:
                buf.append(child.tail)
        if block:
            flush()

    walk(root)
    flush()
    return paras


# --- links ---------------------------------------------------------------------------------------------------
def _base_of(el, base_url: str) -> str:
    try:
        base = el.getroottree().getroot().xpath("//base/@href")
    except (AttributeError, lxml.etree.XPathError):
        base = []
    if base and base[0].strip():
        try:
            return urljoin(base_url, base[0].strip())
        except ValueError:
            return base_url
    return base_url


def _anchors(el, base_url: str):
    """(anchor, absolute URL without fragment) for every <a href> under el that leads to a web page."""
    if el is None or not is_element(el):
        return
    base = _base_of(el, base_url)
    for a in ([el] if el.tag.lower() == "a" else []) + el.xpath(".//a[@href]"):
        href = re.sub(r"\s+", "", a.get("href") or "")
        if not href or href.startswith("#") or href.lower().startswith(_SKIP_SCHEMES):
            continue
        if href.lower().startswith(("http://", "https://")):
            url = href.split("#", 1)[0]  # urljoin returns an absolute href unchanged; skip its parsing (pagers have 100s)
        else:
            try:
                url = urldefrag(urljoin(base, href))[0]
            except ValueError:
                continue
        if url.lower().startswith(("http://", "https://")):
            yield a, url


def hrefs_of(el, base_url: str) -> list[str]:
    """The absolute URLs of links_of, without reading each anchor's text (pagers have hundreds)."""
    return [url for _, url in _anchors(el, base_url)]


def links_of(el, base_url: str) -> list[tuple[str, str]]:
    """(absolute URL without fragment, link text) for every <a href> in order.
    The text falls back to the title attribute, then an image's alt, when the anchor has no text."""
    out: list[tuple[str, str]] = []
    for a, url in _anchors(el, base_url):
        text = text_of(a) or clean(a.get("title"))
        if not text:
            alts = a.xpath(".//img/@alt")
            text = clean(alts[0]) if alts else ""
        out.append((url, text))
    return out
