"""Crawl a batch of sites in one process: one Scrapy crawler per site, all on one reactor.

python -m crawlers.run_batch PLAN.json

PLAN.json: {"sites_file": FILE, "run_id": RUN, "replay": [PATH, ...], "overrides": {KEY: VALUE},
            "sites": [{"site_id": ID, "out": DIR, "raw": FILE.warc.gz, "known": FILE|null, "full": bool,
                       "max_pages": N|null}, ...]}

Each site keeps what a crawl of its own has: its settings, its download slots (politeness per host, see
crawlers/politeness.py), its page and time budget, its WARC file, records, crawl log and summary. When a
site's spider closes, DIR/crawl_done.json is written (the flow transforms the site as soon as it appears)
and one JSON line {"site_id": ..., "ok": ...} goes to stdout. A site whose configuration is wrong gets
its one-line error in crawl_done.json; the others are crawled. Exit 0 when every site was attempted.
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

from crawlers.crawl_log import LOG_NAME
from crawlers.registry import RegistryError, load_registry
from crawlers.run_site import (
    RECORDS_NAME,
    SUMMARY_NAME,
    ConfigError,
    _drop_download_errors,
    _lines,
    prepare,
    summarize,
)

DONE_NAME = "crawl_done.json"


def site_args(plan: dict, entry: dict) -> argparse.Namespace:
    """The run_site arguments of one site of the plan (the same checks apply)."""
    overrides = [f"{k}={v}" for k, v in (plan.get("overrides") or {}).items()]
    return argparse.Namespace(
        sites=Path(plan["sites_file"]), site_id=entry["site_id"], run_id=plan["run_id"], out=Path(entry["out"]),
        raw=Path(entry["raw"]), replay=list(plan.get("replay") or []),
        known=Path(entry["known"]) if entry.get("known") else None, full=bool(entry.get("full")),
        max_pages=entry.get("max_pages"), overrides=overrides, spider=plan.get("spider"))


def write_done(out: Path, result: dict) -> None:
    """The site's done marker, written whole (a reader never sees half of it)."""
    tmp = out / (DONE_NAME + ".tmp")
    tmp.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    tmp.replace(out / DONE_NAME)
    print(json.dumps({"site_id": result["site_id"], "ok": result["ok"]}), flush=True)


def _failed(site_id: str, error: str, seconds: float = 0.0) -> dict:
    return {"site_id": site_id, "ok": False, "seconds": round(seconds, 3), "returncode": None, "error": error,
            "summary": {}}


class SiteCrawl:
    """One site's crawler in the batch and what happens when it closes."""

    def __init__(self, site, spider_cls, settings: dict, max_pages: int | None, init_reactor: bool = False):
        from scrapy import signals
        from scrapy.crawler import Crawler

        self.site, self.out = site, Path(settings["CCHC_OUT_DIR"])
        self.crawler = Crawler(spider_cls, settings, init_reactor=init_reactor)
        self.budget = max_pages if max_pages is not None else int(settings["CCHC_MAX_PAGES"])
        self.t0 = time.monotonic()
        self.done = False
        self.crawler.signals.connect(self.closed, signal=signals.spider_closed)

    def kwargs(self) -> dict:
        return {"site": self.site, "max_idle_listings": 3, "max_pages": self.budget}

    def closed(self, spider, reason):
        reason = "page_budget" if reason == "finished" and getattr(spider, "budget_reached", False) else reason
        records = sum(1 for _ in _lines(self.out / RECORDS_NAME))
        summary = summarize(self.out, self.site.id, records, reason)
        (self.out / SUMMARY_NAME).write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
        self.done = True
        write_done(self.out, {"site_id": self.site.id, "ok": True, "seconds": round(time.monotonic() - self.t0, 3),
                              "returncode": 0, "error": None, "summary": summary})


def prepared(plan: dict) -> tuple[list, dict | None]:
    """(the sites ready to crawl as (site, class, settings, max_pages), the settings of the process)."""
    ready, process_settings = [], None
    try:
        registry = load_registry(Path(plan["sites_file"]))
    except RegistryError as e:
        registry, error = None, str(e)
    for entry in plan["sites"]:
        args = site_args(plan, entry)
        try:
            if registry is None:
                raise ConfigError(error)
            site, cls, settings = prepare(args, registry)
            args.out.mkdir(parents=True, exist_ok=True)
            args.raw.parent.mkdir(parents=True, exist_ok=True)
        except (ConfigError, OSError) as e:
            args.out.mkdir(parents=True, exist_ok=True)
            write_done(args.out, _failed(entry["site_id"], str(e)))
            continue
        for name in (LOG_NAME, RECORDS_NAME, SUMMARY_NAME):  # this run's files, not an earlier run's leftovers
            (args.out / name).unlink(missing_ok=True)
        ready.append((site, cls, settings, args.max_pages))
        process_settings = process_settings or settings
    return ready, process_settings


def run(plan: dict) -> int:
    ready, process_settings = prepared(plan)
    if not ready:
        return 0
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    # The reactor, the DNS resolver (pins) and logging are the process's: the same for every site. At the
    # lowest priority: CrawlerProcess.crawl merges its settings into each crawler's, which must keep its own.
    process = CrawlerProcess(Settings(process_settings, priority="default"))
    logging.getLogger("scrapy.downloadermiddlewares.robotstxt").setLevel(logging.CRITICAL)
    logging.getLogger("scrapy.core.scraper").addFilter(_drop_download_errors)
    crawls = []
    for site, cls, settings, max_pages in ready:
        c = SiteCrawl(site, cls, settings, max_pages, init_reactor=not crawls)  # the first installs the reactor
        crawls.append(c)
        process.crawl(c.crawler, **c.kwargs())
    process.start()
    for c in crawls:
        if not c.done:  # the spider never opened: Scrapy said why on stderr
            write_done(c.out, _failed(c.site.id, f"crawl of '{c.site.id}' did not start", time.monotonic() - c.t0))
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m crawlers.run_batch", description="Crawl a batch of sites.")
    p.add_argument("plan", type=Path)
    args = p.parse_args(argv)
    try:
        plan = json.loads(args.plan.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        print(f"run_batch: cannot read plan {args.plan}: {e}", file=sys.stderr)
        return 2
    return run(plan)


if __name__ == "__main__":
    sys.exit(main())
