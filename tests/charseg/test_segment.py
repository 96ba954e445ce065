import numpy as np
import pytest

from charseg import (
    CleanConfig,
    SegmentConfig,
    StripConfig,
    clean,
    guess_count,
    ink_extents,
    make_strip,
    model_free_cuts,
    prepare,
    segment,
    tighten,
)
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
    assert all(g.shape[0] == SegmentConfig().strip.height and g.shape[2] == 2 for g in seg.glyphs)


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
    strip = make_strip(clean(text_image(90, 40, rows=(10, 30))), StripConfig(height=24))
    assert strip.channels.shape[0] == 24 and strip.channels.shape[2] == 2
    assert strip.start < strip.end
    # The band is the text rows plus the margin: 20 rows, 2 more on each side, scaled to 24.
    assert (strip.top, strip.bottom) == (8, 32)
    wide = make_strip(clean(text_image(90, 40, rows=(10, 30))), StripConfig(margin=0.25))
    assert (wide.top, wide.bottom) == (5, 35)
    with pytest.raises(ValueError, match="height"):
        StripConfig(height=4)
    with pytest.raises(ValueError, match="tall_fraction"):
        StripConfig(tall_fraction=1.0)


def test_ink_extents_equal_tighten_window_by_window():
    rng = np.random.default_rng(0)
    profile = (rng.random(60) > 0.6).astype(np.float32)
    lo = rng.integers(0, 58, 200)
    hi = np.minimum(60, lo + rng.integers(1, 20, 200))
    a, b = ink_extents(profile, lo, hi)
    assert [tighten(profile, int(x), int(y)) for x, y in zip(lo, hi, strict=True)] == list(
        zip(a.tolist(), b.tolist(), strict=True)
    )


def test_guess_count_follows_the_aspect_setting():
    img = text_image(120, 30, columns=((10, 60),), rows=(5, 25))  # one 50x20 component
    flat = SegmentConfig(clean=CleanConfig(background_window=0.0))  # a plain white background
    prep = prepare(img, flat)
    assert guess_count(prep, flat) == 3  # 50 / (0.9 * 20) + 0.25 rounds to 3
    assert guess_count(prep, SegmentConfig(guess_aspect=2.5)) == 1


def test_model_free_cuts_count_and_blank():
    img = text_image(80, 24, columns=((5, 12), (20, 27), (35, 42)), rows=(5, 19))
    config = SegmentConfig()
    cuts = model_free_cuts(prepare(img, config), 3, config)
    assert cuts is not None and len(cuts) == 4 and np.all(np.diff(cuts) > 0)
    assert model_free_cuts(prepare(np.ones((20, 40), np.float32), config), 3, config) is None
