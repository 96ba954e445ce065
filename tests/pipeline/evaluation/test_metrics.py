import numpy as np
import pytest

from pipeline import (
    ImageResult,
    confusion_matrix,
    coverage_curve,
    edit_distance,
    selective_accuracy,
)
from pipeline.evaluation import cuts_agree


@pytest.mark.parametrize(
    ("a", "b", "d"),
    [
        ("", "", 0),
        ("abc", "abc", 0),
        ("abc", "ab", 1),
        ("abc", "xbc", 1),
        ("", "abc", 3),
        ("ab", "ba", 2),
    ],
)
def test_edit_distance(a, b, d):
    assert edit_distance(a, b) == d == edit_distance(b, a)


def test_cuts_agree():
    assert cuts_agree([0, 10, 20], np.array([1, 9, 21]), 1.5)
    assert not cuts_agree([0, 10, 20], np.array([1, 14, 21]), 1.5)
    assert not cuts_agree([0, 20], np.array([0, 10, 20]), 5)
    assert not cuts_agree([0, 20], None, 5)


def test_cuts_in_the_same_blank_gap_agree_given_the_ink():
    profile = np.zeros(40)
    profile[2:10] = 1  # glyph 1
    profile[20:28] = 1  # glyph 2, after a gap of 10 blank columns
    assert not cuts_agree([0, 11, 30], np.array([0, 19, 30]), 2)
    assert cuts_agree([0, 11, 30], np.array([0, 19, 30]), 2, profile=profile)
    assert not cuts_agree([0, 24, 30], np.array([0, 19, 30]), 2, profile=profile)  # splits ink


def _result(truth, text, conf):
    return ImageResult(f"{truth}.png", truth, text, conf, True)


def test_confusion_matrix_counts_same_length_readings():
    results = [_result("ab", "ab", 0.9), _result("ab", "bb", 0.5), _result("abc", "ab", 0.4)]
    symbols, counts = confusion_matrix(results)
    assert symbols == "ab"
    assert counts.tolist() == [[1, 1], [0, 2]]


def test_coverage_curve_and_selective_accuracy():
    results = [
        _result("a", "a", 0.9),
        _result("b", "x", 0.8),
        _result("c", "c", 0.8),
        _result("d", "d", 0.1),
    ]
    thresholds, coverage, accuracy = coverage_curve(results)
    assert thresholds.tolist() == [0.1, 0.8, 0.9]
    assert coverage.tolist() == [1.0, 0.75, 0.25]
    assert np.allclose(accuracy, [0.75, 2 / 3, 1.0])
    assert selective_accuracy(results, 0.8) == (0.75, pytest.approx(2 / 3))
    answered, acc = selective_accuracy(results, 0.95)
    assert answered == 0 and np.isnan(acc)
    with pytest.raises(ValueError, match="no results"):
        coverage_curve([])
