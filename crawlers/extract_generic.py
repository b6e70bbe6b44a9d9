"""Extraction for a portal whose CMS is unknown: family detection, main text by density, listings.

Nothing here knows a site. The main block is the element that holds the most
paragraph text with the fewest links, after chrome (menus, sidebars, counters,
related lists, comment/rating forms, QR/share boxes) is set aside by the class
and id names such boxes carry on Vietnamese portals.
"""
from __future__ import annotations

import copy
import re
from urllib.parse import urljoin

import lxml.html

from crawlers.attachments import attachment_links, is_attachment_url
from crawlers.html import BLOCKS, links_of, paragraphs_of, tables_of, text_of
from transforms.text import clean, fold
from transforms.urls import canonical_url, same_site

# --- family signatures: (regex over the markup, weight); a family needs a total weight >= 2 ---------------------
_FAMILY_SIGNS: dict[str, list[tuple[str, int]]] = {
    "nukeviet": [(r'name="generator"[^>]*nukeviet', 3), (r'id="news-bodyhtml"', 2), (r"\bnv_base_siteurl\b", 2),
                 (r'class="[^"]*\bnews_column\b', 1), (r'class="[^"]*\bhometext\b', 1),
                 (r'class="[^"]*\bnews-download-file\b', 1)],
    "liferay": [(r"portlet_com_liferay_", 2), (r"\bLiferay\.", 2), (r'class="[^"]*\bjournal-content-article\b', 1),
                (r'class="[^"]*\basset-(?:full-content|publisher|abstract)\b', 1), (r'class="[^"]*\bportlet\b', 1),
                (r'class="[^"]*\blfr-', 1)],
    "sharepoint": [(r'id="ctl00_', 2), (r"\bms-rtestate-field\b", 2), (r"__VIEWSTATE", 1), (r"/_layouts/", 1),
                   (r'class="[^"]*\bms-(?:listviewtable|input|webpart)', 1)],
    "newspaper": [(r'class="[^"]*\barticle-sapo\b', 1), (r'class="[^"]*\barticle-(?:detail|title)\b', 1),
                  (r'class="[^"]*\b(?:related-news|article-tags)\b', 1), (r'class="[^"]*\bstory__title\b', 1),
                  (r'property="og:type"\s+content="article"', 1)],
    "cityportal": [(r'class="[^"]*\bnews-detail-page\b', 1), (r'class="[^"]*\btien-ich\b', 1),
                   (r'class="[^"]*\btin-khac\b', 1), (r'class="[^"]*\blist-news-page\b', 1)],
}
_URL_SIGNS = {"liferay": re.compile(r"/-/|[?&]p_p_id="), "sharepoint": re.compile(r"\.aspx(?:\?.*ItemID=\d+)?", re.I)}
# Table headers of the two table-page families, compared folded (no case, no tone marks).
_STATS_HEAD = ("tiep nhan", "giai quyet")
_NATIONAL_HEAD = ("xep hang", "tinh")

# Class/id tokens of chrome boxes an article's main text never lives in.
_CHROME = re.compile(
    r"^(?:.*[-_])?(?:nav|navbar|menu|sidebar|side|aside|footer|header|breadcrumbs?|comments?|binh-luan|rating|vote|"
    r"share|social|qr|qrcode|related|other|others|relate|tin-khac|tin-lien-quan|lien-quan|counter|stats|visitor|"
    r"tags?|tien-ich|banner|ads?|advert|quang-cao|print|tools|toolbar|pagination|paging|pager|widget|hot)(?:[-_].*)?$",
    re.I,
)
_SUMMARY = re.compile(r"(?:^|[-_])(?:sapo|lead|summary|hometext|tomtat|tom-tat|mo-ta|abstract|intro|chapeau|"
                      r"description|desc)(?:$|[-_])", re.I)
_AUTHOR_CLASS = re.compile(r"(?:^|[-_])(?:author|tac-gia|tacgia|byline|nguon|source|writer)(?:$|[-_])", re.I)
# "Tác giả: X", "Nguồn. X", "Bài và ảnh: X" need their punctuation; "Theo X" / "Nguồn X" need X to look like a name.
_LABELLED = re.compile(r"^(?:tác giả(?: bài viết)?|người viết|bài(?: và ảnh)?|nguồn(?: tin)?)\s*[:.]\s*(.{1,80})$", re.I)
_THEO = re.compile(r"^(?:theo|nguồn)\s+(.{1,60})$", re.I)
_DATE = re.compile(r"(?<!\d)\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{4}(?!\d)")
_TIME_AFTER = re.compile(r"^\s*[|,\-–]?\s*\d{1,2}\s*[:hg]\s*\d{2}")
_NEXT_TEXT = {"tiep", "tiep theo", "sau", "trang sau", "xem them", "next", "»", "›", ">", ">>", "»»"}
_PAGE_URL = re.compile(r"(?:[?&](?:page|p|trang|_cur|cur|Page|pageindex|PageIndex)=\d+|/page-\d+|/trang-\d+)", re.I)


def _tokens(el) -> list[str]:
    return ((el.get("class") or "") + " " + (el.get("id") or "")).split()


def _is_chrome(el) -> bool:
    return el.tag in ("nav", "aside", "footer", "header", "form") or any(_CHROME.match(t) for t in _tokens(el))


# --- family --------------------------------------------------------------------------------------------------------
def _table_heads(tree) -> list[str]:
    heads = []
    for t in tables_of(tree):
        if len(t["rows"]) > 3:
            heads.append(fold(" ".join(" ".join(r) for r in t["rows"][: max(1, t["header_rows"])])))
    return heads


def detect_family(tree, url: str) -> str | None:
    """The CMS family whose markup signatures the page carries, or None when unsure."""
    markup = lxml.html.tostring(tree, encoding="unicode")[:300_000]
    scores = {fam: sum(w for pat, w in signs if re.search(pat, markup, re.I)) for fam, signs in _FAMILY_SIGNS.items()}
    for fam, pat in _URL_SIGNS.items():
        if pat.search(url):
            scores[fam] += 1
    best = max(scores, key=lambda f: scores[f])
    if scores[best] >= 2 and list(scores.values()).count(scores[best]) == 1:
        return best
    for head in _table_heads(tree):
        if all(k in head for k in _STATS_HEAD):
            return "stats"
        if all(k in head for k in _NATIONAL_HEAD):
            return "national"
    return None


# --- main block ----------------------------------------------------------------------------------------------------
def _own_text(el) -> tuple[int, int]:
    """(text length, link text length) of text directly in `el` and its inline children."""
    total = len(clean(el.text))
    links = 0
    for child in el:
        if isinstance(child.tag, str) and child.tag not in BLOCKS and child.tag not in ("script", "style"):
            n = len(text_of(child))
            total += n
            links += n if child.tag == "a" else sum(len(text_of(a)) for a in child.iter("a"))
        total += len(clean(child.tail))
    return total, links


def _strip_chrome(body) -> None:
    whole = len(text_of(body)) or 1
    for el in list(body.iter()):
        if isinstance(el.tag, str) and el is not body and el.getparent() is not None and _is_chrome(el):
            if len(text_of(el)) < 0.5 * whole:  # never throw away most of the page on a name guess
                el.drop_tree()


def _main_block(work):
    """Readability-style: paragraph text scores its parent (and grandparent), discounted by link density;
    then climb while the block holds less than half of the page's paragraph text (one wrapper per paragraph)."""
    scores: dict = {}
    good: dict = {}  # paragraph text inside each element
    for el in work.iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style", "table", "a"):
            continue
        n, links = _own_text(el)
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
    best, best_score = None, 0.0
    for el, s in scores.items():
        text = len(text_of(el)) or 1
        link = sum(len(text_of(a)) for a in el.iter("a"))
        s *= 1 - min(link / text, 1)
        if s > best_score:
            best, best_score = el, s
    total = good.get(work, 0)
    while best is not None and best is not work and good.get(best, 0) < 0.5 * total:
        best = best.getparent()
    return best


# --- title, date, summary, author --------------------------------------------------------------------------------
def _title(tree, main) -> tuple[str | None, object]:
    page_title = text_of(tree.find(".//title"))
    heads = tree.xpath("//h1|//h2|//h3|//h4|//*[contains(@class,'title')]")
    if page_title:
        for h in sorted(heads, key=lambda h: -len(text_of(h))):
            t = text_of(h)
            if len(t) > 8 and fold(page_title).startswith(fold(t)) or fold(page_title).endswith(" " + fold(t)):
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


def _element_with_text(tree, text: str):
    """The innermost element whose whole text is `text` (the title's element when no heading carries it)."""
    key = fold(text)
    body = tree.find("body") if tree.find("body") is not None else tree
    found = [el for el in body.iter() if isinstance(el.tag, str) and fold(text_of(el)) == key]
    el = found[0] if found else None
    while el is not None:  # go down to the innermost element of the first match
        inner = next((c for c in found if c.getparent() is el), None)
        if inner is None:
            return el
        el = inner
    return None


def _text_nodes(root):
    """(element, text) for every visible text and tail string, in document order."""
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style", "title", "head"):
            continue
        if el.text and clean(el.text):
            yield el, clean(el.text)
        if el.tail and clean(el.tail) and el.getparent() is not None:
            yield el.getparent(), clean(el.tail)


def _date_near(tree, anchor, within: bool = False) -> str | None:
    if anchor is None:
        return None
    nodes = list(_text_nodes(tree.find("body") if tree.find("body") is not None else tree))
    inside = [i for i, (el, _) in enumerate(nodes) if el is anchor or anchor in el.iterancestors()]
    if not inside:
        return None
    start, end = inside[0], (inside[0] if within else inside[-1] + 1)
    after, before = [], []
    for i in range(end, len(nodes)):
        text = nodes[i][1]
        if len(text) >= 100:
            break
        after.append(i)
    seen = 0
    for i in range(start - 1, -1, -1):
        seen += len(nodes[i][1])
        if seen > 300:
            break
        before.append(i)
    for i in after + before:
        text = nodes[i][1]
        if len(text) <= 80 and _DATE.search(text):
            if not _TIME_AFTER.search(text[_DATE.search(text).end():]) and i + 1 < len(nodes):
                nxt = nodes[i + 1][1]
                if _TIME_AFTER.match(nxt) and len(nxt) <= 12:
                    text = f"{text} {nxt}"
            return text
    return None


def _date_text(tree, anchor, work, main) -> str | None:
    found = _date_near(tree, anchor) or (_date_near(work, main, within=True) if main is not None else None)
    if found:
        return found
    for xp in ("//time/@datetime", "//meta[@property='article:published_time']/@content",
               "//meta[@itemprop='datePublished']/@content", "//*[@itemprop='datePublished']/@datetime"):
        vals = [clean(v) for v in tree.xpath(xp) if clean(v)]
        if vals:
            return vals[0]
    return None


def _summary(tree, main) -> str | None:
    for el in tree.iter():
        if isinstance(el.tag, str) and el.tag not in ("meta", "body", "html") and any(
                _SUMMARY.search(t) for t in _tokens(el)):
            if main is not None and (el is main or main in el.iterancestors()):
                continue
            text = text_of(el)
            if len(text) >= 20:
                return text
    return None


def _looks_like_byline(text: str) -> bool:
    """A person's name or an outlet: a few capitalised words ("Thanh Quang - VPS", "PV"), no sentence end."""
    words = text.split()
    return 0 < len(words) <= 8 and len(text) <= 60 and not text.endswith((".", ":", ";", "?", "!")) and all(
        w[:1].isupper() or w[:1].isdigit() or w in ("-", "–", "&") or w.startswith("(") for w in words)


def _byline(text: str) -> str | None:
    m = _LABELLED.match(text)
    if m:
        return clean(m.group(1)).rstrip(".") or None
    m = _THEO.match(text)
    return clean(m.group(1)).rstrip(".") if m and _looks_like_byline(m.group(1).rstrip(".")) else None


def _author(main, paras: list[str]) -> tuple[str | None, list[str]]:
    """The byline among the last paragraphs (removed from them), else an author box right after the block."""
    for i in range(len(paras) - 1, max(len(paras) - 3, -1), -1):
        found = _byline(paras[i])
        if found:
            return found, paras[:i] + paras[i + 1:]
    if paras and _looks_like_byline(paras[-1]):
        return paras[-1], paras[:-1]
    for el in main.itersiblings() if main is not None else []:
        if not isinstance(el.tag, str):
            continue
        text = text_of(el)
        found = _byline(text)
        if found:
            return found, paras
        if any(_AUTHOR_CLASS.search(t) for t in _tokens(el)) and _looks_like_byline(text):
            return text, paras
    return None, paras


# --- article ---------------------------------------------------------------------------------------------------------
def extract_generic(tree, url: str) -> dict:
    """Title, date text, author, summary, paragraphs, tables and attachments of an unknown CMS's article."""
    work = copy.deepcopy(tree)
    body = work.find("body")
    if body is None:
        body = work
    _strip_chrome(body)
    main = _main_block(body)
    title, title_el = _title(tree, main)
    if title_el is not None and title_el.getroottree().getroot() is not tree.getroottree().getroot():
        title_el = None  # found in the working copy: look the same text up in the page itself
    if title_el is None and title:
        title_el = _element_with_text(tree, title)
    date_text = _date_text(tree, title_el, work, main)
    summary = _summary(work, main)
    paras = paragraphs_of(main) if main is not None else []
    drop = {fold(x) for x in (title, summary) if x}
    paras = [p for p in paras if fold(p) not in drop and not (len(p) <= 80 and date_text and date_text in p)]
    author, paras = _author(main, paras)
    container = main.getparent() if main is not None and main.getparent() is not None else main
    out = {
        "title": title, "date_text": date_text, "author": author, "summary": summary, "paragraphs": paras,
        "tables": tables_of(main) if main is not None else [],
        "attachments": attachment_links(container, url) if container is not None else [],
    }
    out["missing"] = [k for k in ("title", "date_text", "author", "paragraphs") if not out[k]]
    return out


# --- listings --------------------------------------------------------------------------------------------------------
def _pagination_blocks(tree) -> list:
    return [el for el in tree.iter() if isinstance(el.tag, str) and any(
        re.search(r"pag|pager|paging|phan-trang|page-nav|iterator", t, re.I) for t in _tokens(el))]


def generic_listing_links(tree, url: str, base_url: str) -> tuple[list[str], list[str]]:
    """(article links, next-page links) of a listing page of an unknown CMS."""
    here = canonical_url(url)
    pagers = _pagination_blocks(tree)
    next_links: list[str] = []
    for a in tree.xpath("//a[@rel='next'] | //link[@rel='next']"):
        next_links += [u for u, _ in links_of(a, url)] if a.tag == "a" else [urljoin(url, a.get("href") or "")]
    for href, text in links_of(tree, url):
        t = fold(text) or text.strip()
        if (t in _NEXT_TEXT or text.strip() in _NEXT_TEXT) and same_site(href, base_url):
            next_links.append(href)
    for block in pagers:
        next_links += [h for h, t in links_of(block, url) if t.strip().isdigit() and same_site(h, base_url)]
    next_links = list(dict.fromkeys(u for u in next_links if u and canonical_url(u) != here))

    work = copy.deepcopy(tree)
    body = work.find("body") if work.find("body") is not None else work
    _strip_chrome(body)
    articles: list[str] = []
    for href, text in links_of(body, url):
        if len(text.split()) < 5 or not same_site(href, base_url) or _PAGE_URL.search(href):
            continue
        if href in next_links or canonical_url(href) == here or is_attachment_url(href):
            continue
        articles.append(href)
    return list(dict.fromkeys(articles)), next_links
