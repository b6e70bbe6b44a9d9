"""Crawl one site in this process (Twisted's reactor cannot restart: one process per site).

python -m crawlers.run_site --sites FILE --site-id ID --run-id RUN --out DIR --raw FILE.warc.gz
    [--replay PATH ...] [--known FILE] [--full] [--max-pages N] [--set KEY=VALUE ...] [--spider MOD:CLASS]

Writes DIR/records.jsonl (PageRecords), DIR/crawl_log.jsonl and DIR/summary.json, and the raw
responses to --raw. Exit 0 when the crawl ran (page errors included), 2 with one line on stderr
for a configuration error.
"""
from __future__ import annotations

import argparse
import importlib
import json
import logging
import sys
from collections import Counter
from pathlib import Path

from crawlers.crawl_log import ERROR_OUTCOMES, LOG_NAME, read_log, utc_now
from crawlers.registry import RegistryError, find_site, load_registry
from crawlers.settings import build_settings, parse_overrides, parse_pins

RECORDS_NAME = "records.jsonl"
SUMMARY_NAME = "summary.json"


class ConfigError(Exception):
    """A user mistake in the command line or the files it names: one line, exit 2."""


class RecordsPipeline:
    """Writes each item as one JSON line to DIR/records.jsonl, flushed per record."""

    def __init__(self, out_dir: Path, site_id: str):
        out_dir.mkdir(parents=True, exist_ok=True)
        self.site_id = site_id
        self.count = 0
        self._fh = (out_dir / RECORDS_NAME).open("a", encoding="utf-8")

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        return cls(Path(s.get("CCHC_OUT_DIR")), s.get("CCHC_SITE_ID"))

    def process_item(self, item, spider=None):
        rec = dict(item)
        rec.setdefault("fetched_at", utc_now())
        rec.setdefault("site_id", self.site_id)
        self._fh.write(json.dumps(rec, ensure_ascii=False, default=str) + "\n")
        self._fh.flush()
        self.count += 1
        return item

    def close_spider(self, spider=None):
        self._fh.close()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m crawlers.run_site", description="Crawl one registered site.")
    p.add_argument("--sites", required=True, type=Path, help="site registry (TOML)")
    p.add_argument("--site-id", required=True)
    p.add_argument("--run-id", required=True)
    p.add_argument("--out", required=True, type=Path, help="folder for records, crawl log and summary")
    p.add_argument("--raw", required=True, type=Path, help="WARC file for every response received")
    p.add_argument("--replay", nargs="+", default=[], metavar="PATH", help="WARC/WACZ files or folders")
    p.add_argument("--known", type=Path, help="URLs fetched by earlier runs (URL[\\tLast-Modified[\\tETag]])")
    p.add_argument("--full", action="store_true", help="fetch known URLs again")
    p.add_argument("--max-pages", type=int, help="page budget of the spider")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                   help="override a Scrapy/cchc setting (tests, operations)")
    p.add_argument("--spider", help="spider class as module:Class instead of the site's family")
    return p.parse_args(argv)


def spider_class(cms: str, dotted: str | None):
    if dotted:
        module, _, name = dotted.partition(":")
        try:
            return getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError) as e:
            raise ConfigError(f"cannot load spider '{dotted}': {e}") from None
    try:
        from crawlers.spiders import spider_for
    except ImportError as e:
        raise ConfigError(f"spider families unavailable: {e}") from None
    try:
        return spider_for(cms)
    except (KeyError, ValueError) as e:
        raise ConfigError(f"no spider for cms '{cms}': {e}") from None


def prepare(args: argparse.Namespace, sites: list | None = None):
    """Everything checked before Scrapy starts: (site, spider class, settings). `sites`: the registry, when
    the caller has read it already (a batch of sites)."""
    try:
        sites = load_registry(args.sites) if sites is None else sites
    except RegistryError as e:
        raise ConfigError(str(e)) from None
    site = find_site(sites, args.site_id)
    if site is None:
        raise ConfigError(f"{args.sites.name}: unknown site id '{args.site_id}'")
    for path in args.replay:
        if not Path(path).exists():
            raise ConfigError(f"replay archive not found: {path}")
    if args.known and not args.known.is_file():
        raise ConfigError(f"known-URL file not found: {args.known}")
    if args.max_pages is not None and args.max_pages < 1:
        raise ConfigError("--max-pages must be at least 1")
    try:
        overrides = parse_overrides(args.overrides)
    except ValueError as e:
        raise ConfigError(str(e)) from None
    cls = spider_class(site.cms, args.spider)
    settings = build_settings(
        site_id=site.id, base_url=site.base_url, run_id=args.run_id, out_dir=args.out, raw_path=args.raw,
        replay_paths=[str(p) for p in args.replay], known_path=args.known, full=args.full, overrides=overrides)
    try:
        parse_pins(settings["CCHC_RESOLVE"])
        if int(settings["CCHC_MAX_PAGES"]) < 1:
            raise ValueError("CCHC_MAX_PAGES must be at least 1")
    except ValueError as e:
        raise ConfigError(str(e)) from None
    return site, cls, settings


def summarize(out_dir: Path, site_id: str, records: int, exit_reason: str | None) -> dict:
    rows = read_log(out_dir / LOG_NAME)
    outcomes = Counter(r["outcome"] for r in rows)
    return {
        "site_id": site_id,
        "requests": len(rows),
        "pages": outcomes.get("ok", 0),
        "records": records,
        "errors": {k: outcomes[k] for k in ERROR_OUTCOMES if outcomes.get(k)},
        "outcomes": dict(sorted(outcomes.items())),
        "finished": True,
        "exit_reason": exit_reason,
    }


def crawl(site, spider_cls, settings: dict, max_pages: int | None) -> tuple[str | None, int]:
    """Run the crawl to the end; returns (Scrapy's close reason, records written)."""
    from scrapy import signals
    from scrapy.crawler import CrawlerProcess

    process = CrawlerProcess(settings)
    # The crawl log records robots.txt failures; Scrapy would add a traceback to stderr.
    logging.getLogger("scrapy.downloadermiddlewares.robotstxt").setLevel(logging.CRITICAL)
    logging.getLogger("scrapy.core.scraper").addFilter(_drop_download_errors)
    crawler = process.create_crawler(spider_cls)
    state: dict = {"reason": None}

    def closed(spider, reason):
        state["reason"] = "page_budget" if reason == "finished" and getattr(spider, "budget_reached", False) else reason

    crawler.signals.connect(closed, signal=signals.spider_closed)
    # The page budget: --max-pages, else the CCHC_MAX_PAGES setting.
    budget = max_pages if max_pages is not None else int(settings["CCHC_MAX_PAGES"])
    kwargs = {"site": site, "max_idle_listings": 3, "max_pages": budget}
    process.crawl(crawler, **kwargs)
    process.start()
    records = sum(1 for _ in _lines(Path(settings["CCHC_OUT_DIR"]) / RECORDS_NAME))
    return state["reason"], records


def _drop_download_errors(record: logging.LogRecord) -> bool:
    """Download failures are rows of the crawl log; a traceback each on stderr only hides real errors."""
    return not str(record.msg).startswith("Error downloading")


def _lines(path: Path):
    if path.exists():
        with path.open(encoding="utf-8") as fh:
            yield from (line for line in fh if line.strip())


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        site, cls, settings = prepare(args)
        args.out.mkdir(parents=True, exist_ok=True)
        args.raw.parent.mkdir(parents=True, exist_ok=True)
    except (ConfigError, OSError) as e:
        print(f"run_site: {e}", file=sys.stderr)
        return 2
    for name in (LOG_NAME, RECORDS_NAME):  # this run's files, not an earlier run's leftovers
        (args.out / name).unlink(missing_ok=True)
    reason, records = crawl(site, cls, settings, args.max_pages)
    if reason is None:  # the spider never opened: Scrapy already said why on stderr
        print(f"run_site: crawl of '{site.id}' did not start", file=sys.stderr)
        return 1
    summary = summarize(args.out, site.id, records, reason)
    (args.out / SUMMARY_NAME).write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
