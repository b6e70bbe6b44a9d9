"""Which CMS family a page's markup says it is: weighted signatures, else the headers of its tables.

Nothing here knows a site: a signature is a family's own markup (generator meta, ids, class names, script
globals), matched over the decoded page; a family needs a total weight of 2, and a tie means unsure.
"""
from __future__ import annotations

import re

import lxml.html

from crawlers.extraction.html_tables import tables_of
from transforms.text import fold

# --- family signatures: (regex over the markup, weight); a family needs a total weight >= 2 ---------------------
_FAMILY_SIGNS: dict[str, list[tuple[str, float]]] = {
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
                  (r'property="og:type"\s+content="article"', 0.5)],  # every CMS's article pages say so
    "cityportal": [(r'class="[^"]*\bnews-detail-page\b', 1), (r'class="[^"]*\btien-ich\b', 1),
                   (r'class="[^"]*\btin-khac\b', 1), (r'class="[^"]*\blist-news-page\b', 1)],
}
_CLASS_SIGN = 'class="[^"]*'
# (pattern, weight, over class names only): a class sign is matched over the page's class values joined,
# not over the markup, where `[^"]*` backtracks through every attribute.
# A leading \b is checked by hand after the match: it too would turn off the literal-prefix scan.
_SIGNS = {fam: [(re.compile(pat.lower().removeprefix(_CLASS_SIGN).removeprefix(r"\b")), w,
                 pat.startswith(_CLASS_SIGN)) for pat, w in signs] for fam, signs in _FAMILY_SIGNS.items()}


def _needle(pattern: str) -> str:
    """The longest plain run of a pattern: a substring every match contains, found by str's fast search."""
    runs = re.split(r"\\.|[\[\](){}?*+|^$.]", re.sub(r"\[[^\]]*\]|\(\?:[^)]*\)[?*]?", "|", pattern))
    return max(runs, key=len)


_NEEDLES = {pat: _needle(pat.pattern) for signs in _SIGNS.values() for pat, _, _ in signs}


def _found(pat: re.Pattern, text: str) -> bool:
    if _NEEDLES.get(pat, "") not in text:  # most signatures are absent: skip the regex then
        return False
    for m in pat.finditer(text):
        if m.start() == 0 or not (text[m.start() - 1].isalnum() or text[m.start() - 1] == "_"):
            return True
    return False
_URL_SIGNS = {"liferay": re.compile(r"/-/|[?&]p_p_id="), "sharepoint": re.compile(r"\.aspx(?:\?.*ItemID=\d+)?", re.I)}
# Table headers of the two table-page families, compared folded (no case, no tone marks).
_STATS_HEAD = ("tiep nhan", "giai quyet")
_NATIONAL_HEAD = ("xep hang", "tinh")

# --- family --------------------------------------------------------------------------------------------------------
def _table_heads(tree) -> list[str]:
    heads = []
    for t in tables_of(tree):
        if len(t["rows"]) > 3:
            heads.append(fold(" ".join(" ".join(r) for r in t["rows"][: max(1, t["header_rows"])])))
    return heads


def detect_family(tree, url: str, markup: str | None = None) -> str | None:
    """The CMS family whose markup signatures the page carries, or None when unsure. `markup`: the page's
    text as decoded (crawlers.extraction.html.parse_document), else the tree is serialised."""
    # Lower-cased once and matched case-sensitively: an IGNORECASE pattern loses its literal-prefix scan,
    # which made detection cost more than the whole extraction on 200 KB pages.
    if markup is None:
        markup = lxml.html.tostring(tree, encoding="unicode")
    markup = markup[:300_000].lower()
    classes = " ".join(tree.xpath("//@class", smart_strings=False)).lower()
    scores = {fam: sum(w for pat, w, cls in signs if _found(pat, classes if cls else markup))
              for fam, signs in _SIGNS.items()}
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
