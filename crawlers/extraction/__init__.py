"""Extraction: pure functions of a parsed page (no Scrapy, no I/O).

A CMS family is a table of selectors (family.py, families/); engine.py reads an article by a table and
listing.py a listing, each with the generic reader (extract_generic.py, generic_meta.py, date_line.py,
main_text.py checked against trafilatura, structured_meta.py, generic_listing.py) as every field's last resort;
detect.py names the family a page's markup signs, auto.py uses it for cms = "auto"; extract_page.py is what
`cchc extract` prints for a page. attachment_links.py tells
which links are files, attachments.py reads the files. Fetching (the spider, replay, archive, probe, crawl log)
is the rest of `crawlers/` and imports from here, never the other way round.
"""
