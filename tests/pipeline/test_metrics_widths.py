import numpy as np
import pytest

from pipeline import WidthModel, edit_distance
from pipeline.metrics import cuts_agree


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


def test_width_model_learns_wide_and_narrow_classes():
    rng = np.random.default_rng(0)
    labels = [rng.integers(0, 2, 5) for _ in range(200)]
    rel = [np.where(lab == 1, 1.4, 0.7) + rng.normal(0, 0.05, 5) for lab in labels]
    model = WidthModel.fit(rel + [None], labels + [np.array([0])], 3)
    assert 1.3 < model.mean[1] < 1.5 and 0.6 < model.mean[0] < 0.8
    assert 0.8 < model.mean[2] < 1.2  # unseen class falls back to the pooled estimate
    prior = model.log_prior(np.array([0.7, 1.4]))
    assert prior[0, 0] > prior[0, 1] and prior[1, 1] > prior[1, 0]
    again = WidthModel.from_dict(model.to_dict())
    np.testing.assert_allclose(again.sigma, model.sigma)


def test_cuts_in_the_same_blank_gap_agree_given_the_ink():
    profile = np.zeros(40)
    profile[2:10] = 1  # glyph 1
    profile[20:28] = 1  # glyph 2, after a gap of 10 blank columns
    assert not cuts_agree([0, 11, 30], np.array([0, 19, 30]), 2)
    assert cuts_agree([0, 11, 30], np.array([0, 19, 30]), 2, profile=profile)
    assert not cuts_agree([0, 24, 30], np.array([0, 19, 30]), 2, profile=profile)  # splits ink
