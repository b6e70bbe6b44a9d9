"""A CMS family as data: where each field of its articles and listings is, as CSS selector tuples.

Every selector tuple is tried in order and the first that matches anything wins (alternative theme markup).
`crawlers.extraction.engine` reads a table; what the table's selectors do not find, the generic extractor
reads (crawlers.extraction.extract_generic, crawlers.extraction.generic_listing). A family adds a hook only
where markup alone cannot say it (Liferay's lead is a bold first paragraph; table-page families read a page
their own way).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from crawlers.extraction.common import AUTHOR_LABELS

Sel = tuple[str, ...]


@dataclass(frozen=True)
class Family:
    name: str
    kind: str = "article"            # the record kind its pages become (article, table, stats)
    # --- article ---
    panel: Sel = ()                  # the article's own block (title, meta line, text, byline)
    panel_from_body: bool = False    # the panel is the body's nearest ancestor holding the h1 (`panel` if no body)
    body: Sel = ()                   # the main text
    title: Sel = ()
    title_anywhere: bool = False     # a title outside the panel still counts
    date: Sel = ()                   # elements holding the stated date (else the first date line before the body)
    summary: Sel = ()                # the lead / sapo
    author: Sel = ()                 # elements whose whole text is the byline (last one in the body, else the panel)
    byline_lines: Sel = ()           # elements outside the body holding a labelled line ("Tác giả: X")
    byline_labels: tuple[str, ...] = AUTHOR_LABELS
    body_byline_first: bool = False  # a labelled line ending the text wins over `author`
    right_byline: bool = False       # a short right-aligned last paragraph of the text is the byline
    drop: Sel = ()                   # never text (tags, related boxes, the byline element)
    panel_drop: Sel = ()             # dropped too when the text is read from the whole panel
    files: Sel = ()                  # attachment boxes in the panel; the text's links are then read strictly
    lead: Callable | None = None     # hook: the text element -> its lead, when markup does not mark it
    expect: tuple[str, ...] = ("title", "date", "body", "author")
    # --- listings ---
    list_box: Sel = ()               # the block holding the items (none: the whole page)
    list_items: Sel = ()             # item links; every selector counts (a featured first item has its own)
    related: Sel = ()                # boxes whose links are not items (related news, side columns)
    pager: Sel = ()
    page_keys: tuple[str, ...] = ()  # query keys (or key suffixes) carrying the page number on the same path
    more_words: tuple[str, ...] = () # folded texts of "more" links that page the listing ("xem them")
    # --- table-page families (national rankings, statistics): a page is a record of its own ---
    read_page: Callable | None = None    # (tree, url) -> record fields
    read_links: Callable | None = None   # (tree, url) -> (articles, pages)
