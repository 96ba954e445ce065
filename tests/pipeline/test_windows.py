import numpy as np
import pytest

from charseg import clean, make_strip, window
from classifier import normalize_glyph
from pipeline import SynthConfig, render_captcha
from pipeline.windows import glyph_batch, precut_glyph


@pytest.mark.parametrize("width", [None, 48])
@pytest.mark.parametrize("context", [0, 6])
@pytest.mark.parametrize("seed", [0, 1])
def test_batch_equals_one_window_at_a_time(width, context, seed):
    rng = np.random.default_rng(seed)
    image = render_captcha("ab3xy", SynthConfig(), rng).astype(np.float32) / 255
    strip = make_strip(clean(image), height=32)
    width = strip.channels.shape[1]
    lo = rng.integers(0, width - 3, 60)
    hi = np.minimum(width, lo + rng.integers(2, 60, 60))
    hi[:5] = lo[:5] + 2  # tiny windows, maybe with no ink at all
    batch = glyph_batch(strip, lo, hi, size=32, width=width, context=context)
    assert batch.shape[2] == (width or 32)
    for n in range(len(lo)):
        glyph = window(strip, int(lo[n]), int(hi[n]), context=context)
        expected = normalize_glyph(glyph, 32, width)
        np.testing.assert_allclose(batch[n], expected, atol=1e-6)


def test_empty_batch_shape():
    strip = make_strip(clean(np.ones((20, 40), np.float32)), height=16)
    assert glyph_batch(strip, np.zeros(0), np.zeros(0), size=16, context=2).shape == (0, 16, 16, 3)


def test_precut_glyph_channels():
    image = np.ones((24, 16), np.float32)
    image[4:20, 6:10] = 0.0
    glyph = precut_glyph(image, 3)
    assert glyph.shape == (24, 16, 3) and glyph[:, :, 2].min() == 1.0
    assert glyph[10, 7, 0] > 0.8 and glyph[1, 1, 0] < 0.1
    assert precut_glyph(image, 2).shape == (24, 16, 2)
    with pytest.raises(ValueError, match="channels"):
        precut_glyph(image, 4)
