import numpy as np
import pytest

from charseg import SegmentConfig, clean, make_strip, model_free_cuts, prepare, segment
from tests.conftest import text_image


def test_separated_glyphs_get_one_box_each():
    img = text_image(80, 24, columns=((5, 12), (20, 27), (35, 42), (50, 57)), rows=(5, 19))
    seg = segment(img, 4)
    assert len(seg.boxes) == 4 and len(seg.glyphs) == 4
    for (top, left, bottom, right), (lo, hi) in zip(
        seg.boxes, ((5, 12), (20, 27), (35, 42), (50, 57)), strict=True
    ):
        assert abs(left - lo) <= 1 and abs(right - hi) <= 1
        assert 4 <= top <= 6 and 18 <= bottom <= 20
    assert all(g.shape[0] == SegmentConfig().strip_height and g.shape[2] == 2 for g in seg.glyphs)


def test_count_is_guessed_without_n_chars():
    img = text_image(120, 30, columns=((10, 20), (30, 40), (50, 60), (70, 80)), rows=(5, 25))
    assert 3 <= len(segment(img).boxes) <= 5


def test_touching_pair_is_split_at_its_waist():
    img = text_image(60, 24, columns=((10, 30),), rows=(4, 20))
    img[4:9, 19:21] = 1.0  # a notch: the glyphs touch only in the lower part
    img[15:20, 19:21] = 1.0
    seg = segment(img, 2)
    assert abs(seg.boxes[0][3] - 20) <= 2


def test_blank_image_gives_no_boxes_and_bad_count_raises():
    assert segment(np.ones((20, 40), np.float32), 3).boxes == []
    with pytest.raises(ValueError, match="n_chars"):
        segment(text_image(), 0)


def test_strip_has_fixed_height():
    strip = make_strip(clean(text_image(90, 40, rows=(10, 30))), height=24)
    assert strip.channels.shape[0] == 24 and strip.channels.shape[2] == 2
    assert strip.start < strip.end
    with pytest.raises(ValueError, match="height"):
        make_strip(clean(text_image()), height=4)


def test_model_free_cuts_count_and_blank():
    img = text_image(80, 24, columns=((5, 12), (20, 27), (35, 42)), rows=(5, 19))
    config = SegmentConfig()
    cuts = model_free_cuts(prepare(img, config), 3, config)
    assert cuts is not None and len(cuts) == 4 and np.all(np.diff(cuts) > 0)
    assert model_free_cuts(prepare(np.ones((20, 40), np.float32), config), 3, config) is None
