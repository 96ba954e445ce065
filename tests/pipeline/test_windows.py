import numpy as np
import pytest

from charseg import clean, make_strip, window
from classifier import normalize_glyph
from pipeline import SynthConfig, render_captcha
from pipeline.windows import glyph_batch, glyph_batches, precut_glyph


@pytest.mark.parametrize("width", [None, 48])
@pytest.mark.parametrize("context", [0, 6])
@pytest.mark.parametrize("seed", [0, 1])
def test_batch_equals_one_window_at_a_time(width, context, seed):
    rng = np.random.default_rng(seed)
    image = render_captcha("ab3xy", SynthConfig(), rng).astype(np.float32) / 255
    strip = make_strip(clean(image), height=32)
    strip_width = strip.channels.shape[1]
    lo = rng.integers(0, strip_width - 3, 60)
    hi = np.minimum(strip_width, lo + rng.integers(2, 90, 60))
    hi[:5] = lo[:5] + 2  # tiny windows, maybe with no ink at all
    batch = glyph_batch(strip, lo, hi, size=32, width=width, context=context)
    assert batch.shape[2] == (width or 32)
    spans = np.array(
        [
            window(strip, int(a), int(b), context=context).shape[1]
            for a, b in zip(lo, hi, strict=True)
        ]
    )
    assert (spans > (width or 32)).sum() >= 5  # both paths are exercised: gathered and resized
    for n in range(len(lo)):
        glyph = window(strip, int(lo[n]), int(hi[n]), context=context)
        expected = normalize_glyph(glyph, 32, width)
        np.testing.assert_allclose(batch[n], expected, atol=1e-6)


@pytest.mark.parametrize("context", [0, 6])
def test_many_strips_in_one_batch_equal_each_alone(context):
    rng = np.random.default_rng(3)
    strips, los, his = [], [], []
    for text in ("ab3xy", "mw", "q7k2pz"):
        image = render_captcha(text, SynthConfig(), rng).astype(np.float32) / 255
        strip = make_strip(clean(image), height=32)
        width = strip.channels.shape[1]
        lo = rng.integers(0, width - 3, 40)
        strips.append(strip)
        los.append(lo)
        his.append(np.minimum(width, lo + rng.integers(2, 70, 40)))
    los[1] = los[1][:0]  # a strip without windows
    his[1] = his[1][:0]
    batch = glyph_batches(strips, los, his, size=32, context=context)
    alone = [
        glyph_batch(s, a, b, size=32, context=context)
        for s, a, b in zip(strips, los, his, strict=True)
    ]
    np.testing.assert_allclose(batch, np.concatenate(alone), atol=1e-6)
    assert len(batch) == 80


def test_strip_of_another_height_is_refused():
    strip = make_strip(clean(np.ones((20, 40), np.float32)), height=16)
    with pytest.raises(ValueError, match="height 32"):
        glyph_batch(strip, np.array([0]), np.array([4]), size=32)


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
