"""Crawl batches: which sites share a crawl process. Pure: sites in, groups out."""
from __future__ import annotations

BATCH_SITES = 500       # sites per crawl process at most, live: a live crawl mostly waits on its hosts' delays
BATCH_PAGES = 50_000    # expected pages per crawl process at most (what the lake holds of its sites)
REPLAY_BATCHES_PER_WORKER = 4


def default_batch_sites(n_sites: int, workers: int, replay: bool) -> int:
    """Live, sites share a process up to BATCH_SITES (they wait on politeness, not on the CPU). A replay is
    CPU-bound: small batches, several per worker, so that a worker done early takes the next one."""
    if not replay:
        return BATCH_SITES
    return max(1, -(-n_sites // (REPLAY_BATCHES_PER_WORKER * max(1, workers))))


def plan_batches(expected: dict[str, int], max_sites: int = BATCH_SITES, max_pages: int = BATCH_PAGES,
                 min_batches: int = 1) -> list[list[str]]:
    """Site ids grouped into batches of at most `max_sites` sites and `max_pages` expected pages (a site
    bigger than that is a batch of its own), at least `min_batches` of them when there are sites enough
    (one per worker: the workers start together). Biggest first: each new site goes to the batch that
    expects the fewest pages and still has room, so the batches end together."""
    if max_sites < 1 or max_pages < 1:
        raise ValueError("a batch holds at least one site and one page")
    order = sorted(expected, key=lambda sid: (-expected[sid], sid))
    oversize = sum(1 for s in order if expected[s] >= max_pages)
    rest = sum(max(1, expected[s]) for s in order if expected[s] < max_pages)
    n = max(min(min_batches, len(order)), -(-len(order) // max_sites), oversize + -(-rest // max_pages))
    batches: list[list[str]] = [[] for _ in range(n)]
    pages = [0] * n
    for sid in order:
        size = max(1, expected[sid])
        room = [i for i in range(len(batches)) if len(batches[i]) < max_sites and pages[i] + size <= max_pages]
        if not room:
            room = [i for i in range(len(batches)) if not batches[i]] or [len(batches)]
            if room[0] == len(batches):
                batches.append([])
                pages.append(0)
        i = min(room, key=lambda j: (pages[j], len(batches[j]), j))
        batches[i].append(sid)
        pages[i] += size
    return [b for b in batches if b]
