"""The spider's other ways to a site's articles besides its listings (crawlers.extraction.discovery):
links inside an article's own text, the tag and date archives a page links, and the RSS/Atom feeds and
sitemaps a page declares. Each request says how it was found (`FOUND_BY`, the crawl log's `found_by`).
"""
from __future__ import annotations

from collections.abc import Iterator

from crawlers.extraction import discovery

# Request meta, logged as crawl_log.found_by: start, listing, listing_generic, pager, body_link, archive, feed,
# sitemap or attachment (CHANGELOG 1.2.0).
FOUND_BY = "cchc_found_by"


class DiscoveryMixin:
    """Requests for what an article page or a feed leads to; FamilySpider supplies make_request."""

    def discovered_requests(self, tree, rec: dict, page_url: str) -> Iterator:
        """Articles and archives linked from the article's text, then the tag/date archives it links."""
        base = self.site.base_url
        for url in discovery.text_links(tree, page_url, rec.get("paragraphs") or [], base):
            if discovery.archive_kind(url):
                req = self.make_request(url, "listing", self.parse_listing, parent=page_url, found_by="body_link")
            elif discovery.article_like(url):
                req = self.make_request(url, "article", self.parse_article, parent=page_url, found_by="body_link")
            else:
                req = None
            if req is not None:
                yield req
        for url in discovery.tag_archive_links(tree, page_url, base):
            req = self.make_request(url, "listing", self.parse_listing, parent=page_url, found_by="archive")
            if req is not None:
                yield req

    def feed_requests(self, tree, page_url: str) -> Iterator:
        for url in [u for u in discovery.offered_feeds(tree, page_url) if discovery.feed_of(page_url, u)]:
            req = self.make_request(url, "feed", self.parse_feed, parent=page_url, found_by="feed")
            if req is not None:
                yield req

    def parse_feed(self, response) -> Iterator:
        """Entries of a feed or sitemap: article-shaped URLs are articles, archives are listings, nested
        sitemaps are read the same way."""
        pages, nested = discovery.feed_entries(response.body, response.url)
        how = "sitemap" if nested or b"<urlset" in response.body[:2000] else "feed"
        for url in nested:
            req = self.make_request(url, "feed", self.parse_feed, parent=response.url, found_by="sitemap")
            if req is not None:
                yield req
        for url in pages:
            if discovery.archive_kind(url):
                req = self.make_request(url, "listing", self.parse_listing, parent=response.url, found_by=how)
            elif discovery.article_like(url):
                req = self.make_request(url, "article", self.parse_article, parent=response.url, found_by=how)
            else:
                req = None
            if req is not None:
                yield req
