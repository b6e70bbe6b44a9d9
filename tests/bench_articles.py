"""Main-text benchmark on real news pages: `cchc extract`'s function against trafilatura, same pages, same run.

    python -m tests.bench_articles [--dir ../shared/benchmarks/article-extraction] [--repeat N] [--worst K]

The metric is the article-extraction benchmark's (its README): tokens `\\w+` (case kept), overlapping
4-token shingles as multisets (a text of 1-3 tokens is one shorter shingle, an empty text none); per page
precision TP/(TP+FP) and recall TP/(TP+FN); precision averaged over pages whose prediction is not empty,
recall over all pages (an empty prediction is recall 0); F1 of the two averages. Both extractors get the
same bytes; their timings are interleaved page by page so that a busy machine slows both alike. Not a test.
"""
from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

_TOKEN = re.compile(r"\w+")
SHINGLE = 4
DEFAULT_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "benchmarks" / "article-extraction"


def shingles(text: str | None) -> Counter:
    """The multiset of 4-token shingles of `text`; one shorter shingle for 1-3 tokens; empty for none."""
    toks = _TOKEN.findall(text or "")
    if not toks:
        return Counter()
    if len(toks) < SHINGLE:
        return Counter([tuple(toks)])
    return Counter(tuple(toks[i:i + SHINGLE]) for i in range(len(toks) - SHINGLE + 1))


def page_scores(pred: str | None, true: str) -> tuple[float | None, float]:
    """(precision or None for an empty prediction, recall) of one page."""
    p, t = shingles(pred), shingles(true)
    tp = sum((p & t).values())
    precision = tp / sum(p.values()) if p else None
    recall = tp / sum(t.values()) if t else (1.0 if not p else 0.0)
    return precision, recall


def score(pairs: list[tuple[str | None, str]]) -> dict:
    """P averaged over non-empty predictions, R over all pages, F1 of the two averages, empty count."""
    ps, rs = [], []
    for pred, true in pairs:
        p, r = page_scores(pred, true)
        rs.append(r)
        if p is not None:
            ps.append(p)
    precision = sum(ps) / len(ps) if ps else 0.0
    recall = sum(rs) / len(rs) if rs else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "empty": len(rs) - len(ps), "pages": len(rs)}


def ours(html: bytes, url: str | None) -> str:
    from crawlers.extraction.extract_page import extract_page

    return "\n".join(extract_page(html, url=url)["body"])


def theirs(html: bytes, url: str | None) -> str:
    import trafilatura

    return trafilatura.extract(html, include_comments=False) or ""


def load(folder: Path) -> list[tuple[str, bytes, str, str]]:
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    out = []
    for pid in sorted(truth):
        path = folder / "html" / f"{pid}.html.gz"
        out.append((pid, gzip.decompress(path.read_bytes()), truth[pid].get("url") or "", truth[pid]["articleBody"]))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    ap.add_argument("--repeat", type=int, default=1, help="passes over the pages (timing only; best pass kept)")
    ap.add_argument("--worst", type=int, default=0, help="also list our K worst pages by F1 against theirs")
    args = ap.parse_args(argv)
    if not (args.dir / "ground-truth.json").exists():
        print(f"error: no benchmark at {args.dir}", file=sys.stderr)
        return 2
    pages = load(args.dir)
    import trafilatura  # noqa: F401  (imports outside the timing)

    from crawlers.extraction import extract_page  # noqa: F401

    extractors = {"cchc extract": ours, "trafilatura": theirs}
    best = {name: float("inf") for name in extractors}
    preds: dict[str, list[str]] = {name: [] for name in extractors}
    for rep in range(max(1, args.repeat)):
        spent = {name: 0.0 for name in extractors}
        for _, html, url, _ in pages:
            for name, fn in extractors.items():
                t0 = time.perf_counter()
                got = fn(html, url)
                spent[name] += time.perf_counter() - t0
                if rep == 0:
                    preds[name].append(got)
        best = {name: min(best[name], spent[name]) for name in extractors}
    print(f"{len(pages)} pages, {sum(len(p[1]) for p in pages) / len(pages) / 1000:.0f} KB on average, "
          f"{args.dir}")
    for name in extractors:
        s = score([(pred, page[3]) for pred, page in zip(preds[name], pages, strict=True)])
        print(f"{name:13s} P={s['precision']:.4f} R={s['recall']:.4f} F1={s['f1']:.4f} "
              f"empty={s['empty']} pages/s={len(pages) / best[name]:.1f}")
    if args.worst:
        rows = []
        for i, (pid, _, url, true) in enumerate(pages):
            a = score([(preds["cchc extract"][i], true)])
            b = score([(preds["trafilatura"][i], true)])
            rows.append((a["f1"] - b["f1"], pid[:12], a["precision"], a["recall"], b["f1"], url))
        for d, pid, p, r, f, url in sorted(rows)[: args.worst]:
            print(f"  {pid} ours P={p:.2f} R={r:.2f} vs trafilatura F1={f:.2f} ({d:+.2f}) {url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
