"""Crawl batches (transforms/batches.py) and the politeness helpers that need no crawl."""
import pytest

from crawlers.settings import pinned_address
from transforms.batches import plan_batches


def test_batches_by_count():
    sites = {f"s{i:02d}": 0 for i in range(5)}
    assert plan_batches(sites, max_sites=2, max_pages=100) == [["s00", "s03"], ["s01", "s04"], ["s02"]]


def test_batches_by_expected_pages_biggest_spread_first():
    sites = {"big": 900, "mid": 500, "a": 300, "b": 200, "c": 100}
    # 2,000 pages at most 1,000 a batch: two batches, each new site into the one expecting fewest pages.
    assert plan_batches(sites, max_sites=10, max_pages=1000) == [["big", "c"], ["mid", "a", "b"]]


def test_a_site_bigger_than_a_batch_is_a_batch_of_its_own():
    assert plan_batches({"huge": 5000, "x": 10, "y": 10}, max_sites=10, max_pages=1000) == [["huge"], ["x", "y"]]


def test_one_batch_per_worker_at_least():
    assert plan_batches({"a": 0, "b": 0, "c": 0}, max_sites=100, max_pages=100, min_batches=2) == [["a", "c"], ["b"]]
    assert plan_batches({"a": 0}, min_batches=4) == [["a"]]
    assert plan_batches({}, min_batches=2) == []
    with pytest.raises(ValueError):
        plan_batches({"a": 1}, max_sites=0)


def test_wildcard_pins():
    pins = {"portal.test": "10.0.0.1", "*.farm.test": "127.0.0.1"}
    assert pinned_address(pins, "Portal.Test") == "10.0.0.1"
    assert pinned_address(pins, "s0001.farm.test") == "127.0.0.1"
    assert pinned_address(pins, "a.b.farm.test") == "127.0.0.1"
    assert pinned_address(pins, "farm.test") is None
    assert pinned_address(pins, "other.test") is None


def test_default_batch_sizes():
    from transforms.batches import BATCH_SITES, default_batch_sites

    assert default_batch_sites(1000, 2, replay=False) == BATCH_SITES == 500
    # A replay is CPU-bound: four batches per worker, so that the workers keep busy to the end.
    assert default_batch_sites(8, 2, replay=True) == 1
    assert default_batch_sites(1000, 2, replay=True) == 125
