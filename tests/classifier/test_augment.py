import numpy as np
import pytest
import tensorflow as tf

from classifier import AugmentConfig, make_augmenter

OFF = AugmentConfig(rotation=0, shear=0, zoom=0, shift=0, stroke=0, noise=0, lines=0)


def test_everything_off_is_identity():
    x = np.random.default_rng(0).random((3, 16, 16, 3)).astype(np.float32)
    assert not OFF.enabled
    np.testing.assert_allclose(make_augmenter(OFF)(tf.constant(x)).numpy(), x)


@pytest.mark.parametrize("probability", [0.0, 1.0])
def test_strike_lines_touch_only_the_raw_channel(probability):
    config = AugmentConfig(
        rotation=0, shear=0, zoom=0, shift=0, stroke=0, noise=0, lines=probability
    )
    x = np.zeros((8, 32, 32, 3), np.float32)
    out = make_augmenter(config)(tf.constant(x)).numpy()
    assert out[..., 1:].sum() == 0
    drawn = out[..., 0].sum(axis=(1, 2))
    if probability == 0:
        assert drawn.sum() == 0
    else:
        # A line 1-3 px thick crosses most of the 32 columns of every glyph.
        assert np.all(drawn >= 16) and np.all(drawn <= 4 * 32)
