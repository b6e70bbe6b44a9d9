"""A POST body as the canonical JSON it is matched and published on (CONTRACT.md `request`).

Canonical JSON: parsed, keys sorted, no whitespace, text in UTF-8. A form body whose one field
holds a JSON text (the `params=...` of a legacy gateway) is that JSON; other form bodies are the
object of their fields. Key order, spacing and form encoding do not matter; types and values do.
"""
from __future__ import annotations

import json
from urllib.parse import parse_qsl


def canonical_json(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def canonical_body(body: bytes | str | None, content_type: str | None = None) -> str | None:
    """The canonical JSON of a request body; None for an empty body. A body that is neither JSON nor a
    form is kept as its text with whitespace collapsed (still compared exactly)."""
    if body is None:
        return None
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
    text = text.strip()
    if not text:
        return None
    ctype = (content_type or "").lower()
    if "x-www-form-urlencoded" not in ctype:
        try:
            return canonical_json(json.loads(text))
        except ValueError:
            if "json" in ctype:
                return " ".join(text.split())
    fields = parse_qsl(text, keep_blank_values=True)
    if not fields:
        return " ".join(text.split())
    if len(fields) == 1:
        try:
            inner = json.loads(fields[0][1])
        except ValueError:
            inner = None
        if isinstance(inner, (dict, list)):
            return canonical_json(inner)
    return canonical_json(dict(fields))
