"""Canonical URLs and the stable ids derived from them."""
from __future__ import annotations

import hashlib
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Parameters that only track where a click came from; they never change the page.
TRACKING_PREFIXES = ("utm_",)
TRACKING_KEYS = {"fbclid", "gclid", "zarsrc", "zalo_source", "mc_cid", "mc_eid", "_ga", "ref", "source"}


@lru_cache(maxsize=65536)
def canonical_url(url: str) -> str:
    """Lower-case host, no fragment, no tracking parameters, default path '/'."""
    p = urlsplit(url.strip())
    q = [(k, v) for k, v in parse_qsl(p.query, keep_blank_values=True)
         if not k.lower().startswith(TRACKING_PREFIXES) and k.lower() not in TRACKING_KEYS]
    netloc = p.netloc.lower()
    if netloc.endswith(":80") and p.scheme == "http":
        netloc = netloc[:-3]
    if netloc.endswith(":443") and p.scheme == "https":
        netloc = netloc[:-4]
    return urlunsplit((p.scheme.lower(), netloc, p.path or "/", urlencode(q), ""))


def doc_id(url: str) -> str:
    """Stable id: first 16 hex digits of the SHA-256 of the canonical URL."""
    return hashlib.sha256(canonical_url(url).encode("utf-8")).hexdigest()[:16]


def host_of(url: str) -> str:
    """Host name, lower case, without port; IPv6 literals without brackets."""
    return (urlsplit(url).hostname or "").lower()


def registered_domain(host: str) -> str:
    """The site's own domain for 'stay inside the site': drops a leading 'www.'."""
    host = host.lower().split(":")[0]
    return host[4:] if host.startswith("www.") else host


@lru_cache(maxsize=65536)
def _site_host(url: str) -> str:
    # Cached: a listing page asks this of each of its hundreds of pager links, and the next page asks again.
    return registered_domain(host_of(url))


def same_site(url: str, base_url: str) -> bool:
    """True when url's host is the base host or one of its subdomains (www. ignored)."""
    h, b = _site_host(url), _site_host(base_url)
    return h == b or h.endswith("." + b)
