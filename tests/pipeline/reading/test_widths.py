import numpy as np

from pipeline import WidthModel


def test_width_model_learns_wide_and_narrow_classes():
    rng = np.random.default_rng(0)
    labels = [rng.integers(0, 2, 5) for _ in range(200)]
    rel = [np.where(lab == 1, 1.4, 0.7) + rng.normal(0, 0.05, 5) for lab in labels]
    model = WidthModel.fit(
        rel + [None], labels + [np.array([0])], 3, sigma=0.35, min_sigma=0.06, prior_count=5.0
    )
    assert 1.3 < model.mean[1] < 1.5 and 0.6 < model.mean[0] < 0.8
    assert 0.8 < model.mean[2] < 1.2  # unseen class falls back to the pooled estimate
    prior = model.log_prior(np.array([0.7, 1.4]))
    assert prior[0, 0] > prior[0, 1] and prior[1, 1] > prior[1, 0]
    again = WidthModel.from_dict(model.to_dict())
    np.testing.assert_allclose(again.sigma, model.sigma)


def test_without_aligned_glyphs_the_prior_is_uniform():
    model = WidthModel.fit([None], [np.array([0])], 2, sigma=0.4, min_sigma=0.06, prior_count=5.0)
    np.testing.assert_array_equal(model.mean, [1.0, 1.0])
    np.testing.assert_array_equal(model.sigma, [0.4, 0.4])
