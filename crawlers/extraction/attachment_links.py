"""Which links of a page lead to attached files, recognised by more than the URL's extension.

A link is a file when its URL path ends in a document extension, when the anchor carries the HTML `download`
attribute, when its text (or title) names a file with such an extension ("Tập tin: ket-qua.xlsx"), or when its
query asks for a download (`?download=1`, `?attachment=...`, `?file=x.pdf`). Outside such signs, a link whose text
announces a file ("Tải về", "File đính kèm") counts only in a box the caller knows is an attachment box
(`strict=False`). Until the file is fetched its media type is a guess from the extension of the URL or of the
file name in the text; the response's Content-Type and Content-Disposition decide after that
(`crawlers.extraction.attachments.media_type_of`, `file_name_of`).
"""
from __future__ import annotations

import mimetypes
import re
from urllib.parse import parse_qsl, urlsplit

from crawlers.extraction.html import hrefs_of, links_of
from crawlers.records import AttachmentLink
from transforms.text import clean, fold
from transforms.urls import canonical_url

ATTACHMENT_EXTS = ("pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "rtf", "zip", "rar", "7z",
                   "csv")
# Link text that announces a file even when nothing else does; trusted only inside an attachment box.
_ATTACHMENT_WORDS = ("tai ve", "dinh kem", "download", "tai file", "tai tep")
_FILE_NAME = re.compile(r"([\w().,\-–]+\.(" + "|".join(ATTACHMENT_EXTS) + r"))\b", re.IGNORECASE)
# Query keys that ask a CMS to send a file rather than a page.
_DOWNLOAD_KEYS = re.compile(r"^(?:download|dl|attachment|attach|getfile|file|filename|tai-?ve)$", re.IGNORECASE)
_TEXT_LABELS = ("Tập tin", "Tệp tin", "Tệp", "File đính kèm", "File", "Tải về", "Download", "Đính kèm")


def _ext_of(url: str) -> str:
    last = urlsplit(url).path.lower().rsplit("/", 1)[-1]
    return last.rsplit(".", 1)[-1] if "." in last else ""


def is_attachment_url(url: str) -> bool:
    """The URL's own path ends in a document extension."""
    return _ext_of(url) in ATTACHMENT_EXTS


def file_name_in(text: str | None) -> str | None:
    """The file name a link text or title states ("Tập tin : ket-qua.xlsx" -> "ket-qua.xlsx")."""
    m = _FILE_NAME.search(clean(text))
    return m.group(1) if m else None


def asks_download(url: str) -> bool:
    """A query that asks for a file: `?download=1`, `?attachment=3`, `?file=ke-hoach.pdf`."""
    for k, v in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        if _DOWNLOAD_KEYS.match(k) and (k.lower() not in ("file", "filename") or "." in v):
            return True
    return False


def _download_hrefs(root, url: str) -> set[str]:
    return {u for a in root.xpath(".//a[@href][@download]") for u in hrefs_of(a, url)}


def _title_of(text: str) -> str | None:
    """The link text without a leading label ("Tập tin: x.xlsx" -> "x.xlsx"); None for a label alone."""
    t = clean(text)
    if fold(t) in {fold(x) for x in _TEXT_LABELS}:
        return None
    for label in _TEXT_LABELS:
        m = re.match(rf"{re.escape(label)}\s*[:.\-–]?\s*(.+)$", t, re.IGNORECASE)
        if m and len(t) > len(label) and t[len(label):len(label) + 1] in (":", ".", " ", "-", "–"):
            return clean(m.group(1)) or None
    return t or None


def attachment_links(root, url: str, strict: bool = True) -> list[AttachmentLink]:
    """Links under `root` that lead to files, in order, once per canonical URL. `strict=False` (an attachment
    box) also trusts a link whose text only announces a file."""
    if root is None:
        return []
    out: list[AttachmentLink] = []
    seen: set[str] = set()
    marked = _download_hrefs(root, url)
    titles = {u: clean(a.get("title")) for a in root.xpath(".//a[@href][@title]") for u in hrefs_of(a, url)}
    for href, text in links_of(root, url):
        named = file_name_in(text) or file_name_in(titles.get(href))
        by_word = not strict and any(w in fold(text) for w in _ATTACHMENT_WORDS)
        if not (is_attachment_url(href) or href in marked or named or asks_download(href) or by_word):
            continue
        key = canonical_url(href)
        if key in seen:
            continue
        seen.add(key)
        guess = href if is_attachment_url(href) else (named or "")
        mt = mimetypes.guess_type("x/" + guess.rsplit("/", 1)[-1])[0] if guess and "." in guess else None
        out.append(AttachmentLink(url=href, title=_title_of(text), media_type=mt))
    return out
