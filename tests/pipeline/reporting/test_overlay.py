import numpy as np

from charseg import segment
from pipeline import SynthConfig, draw_overlay, render_captcha


def test_overlay_shows_cuts_and_marks_errors():
    img = render_captcha("abc", SynthConfig(), np.random.default_rng(1)).astype(np.float32) / 255
    seg = segment(img, 3)
    plain = draw_overlay(img, seg.prepared, seg.cuts)
    wrong = draw_overlay(
        img, seg.prepared, seg.cuts, text="abd", confidences=[0.9, 0.8, 0.2], truth="abc"
    )
    assert plain.dtype == np.uint8 and plain.ndim == 3 and plain.shape[1] == wrong.shape[1]
    red = (wrong[:, :, 0] > 200) & (wrong[:, :, 1] < 40) & (wrong[:, :, 2] < 40)
    assert red.sum() > 20  # the wrong glyph and caption are drawn in red
    blue = (plain[:, :, 0] < 40) & (plain[:, :, 2] > 200)
    assert blue.sum() > 50  # bold cut lines
