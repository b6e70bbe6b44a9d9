"""The benchmark's metric (tests/bench_articles.py) on tiny texts, exact values."""
import pytest

from tests.bench_articles import page_scores, score, shingles


def test_shingles_are_four_token_multisets_with_one_short_shingle_for_short_texts():
    assert shingles("a b, c d e") == {("a", "b", "c", "d"): 1, ("b", "c", "d", "e"): 1}
    assert shingles("Xin chào!") == {("Xin", "chào"): 1}
    assert shingles(" ... ") == {}
    assert shingles("a a a a a") == {("a", "a", "a", "a"): 2}


def test_page_scores_count_shared_shingles_as_multisets():
    assert page_scores("a b c d e", "a b c d f") == (0.5, 0.5)
    assert page_scores("a a a a a", "a a a a") == (0.5, 1.0)
    assert page_scores("", "x y") == (None, 0.0)


def test_precision_over_non_empty_predictions_recall_over_all_pages_f1_of_the_averages():
    s = score([("a b c d e", "a b c d f"), ("", "x y"), ("x y", "x y")])
    assert (s["precision"], s["recall"], s["empty"], s["pages"]) == (0.75, 0.5, 1, 3)
    assert s["f1"] == pytest.approx(0.6)
