"""The names of the published tables, without importing pyarrow (the query command starts faster)."""

TABLE_NAMES = ("documents", "doc_refs", "indicators", "rankings", "crawl_log", "units", "sources")
