import numpy as np
import pytest

from classifier import normalize_glyph, normalize_glyphs


@pytest.mark.parametrize("shape", [(32, 8, 2), (10, 40), (64, 64, 1), (5, 5, 3)])
def test_normalized_glyphs_are_square(shape):
    out = normalize_glyph(np.ones(shape, np.float32), 16)
    assert out.shape == (16, 16, shape[2] if len(shape) == 3 else 1) and out.dtype == np.float32


def test_aspect_is_kept_by_padding():
    out = normalize_glyph(np.ones((32, 8), np.float32), 32)[:, :, 0]
    cols = np.flatnonzero(out.max(axis=0) > 0.5)
    assert 6 <= len(cols) <= 10 and 10 <= cols[0] <= 14


def test_batch_and_errors():
    assert normalize_glyphs([np.ones((4, 3)), np.ones((9, 2))], 8).shape == (2, 8, 8, 1)
    with pytest.raises(ValueError, match="glyph must have shape"):
        normalize_glyph(np.ones((0, 3)), 8)
