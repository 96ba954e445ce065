import cv2
import numpy as np
import pytest

from charseg import (
    CleanConfig,
    binarize,
    clean,
    ink_map,
    keep_substantial,
    remove_specks,
    remove_thin_lines,
    stroke_width,
)
from charseg.clean import _ink_levels, _otsu_of_levels


def _bar_image(fg: float, bg: float, colour: bool = False) -> np.ndarray:
    img = np.full((30, 60, 3), bg, np.float32)
    img[8:22, 10:16] = fg
    if colour:
        img[8:22, 10:16] = (0.9, 0.1, 0.1)
    return img


@pytest.mark.parametrize(
    ("fg", "bg", "colour"), [(0.0, 1.0, False), (1.0, 0.1, False), (0.5, 0.5, True)]
)
def test_ink_is_high_on_glyphs_for_any_polarity(fg, bg, colour):
    ink = ink_map(_bar_image(fg, bg, colour))
    assert ink.dtype == np.float32 and ink.shape == (30, 60)
    assert ink[15, 12] > 0.8 and ink[2, 40] < 0.1


def test_gradient_background_is_flattened():
    img = np.repeat(np.linspace(0.2, 1.0, 80)[None, :, None], 3, axis=2).repeat(30, axis=0)
    img = img.astype(np.float32)
    img[8:22, 40:45] = 0.0
    mask = binarize(ink_map(img))
    assert mask[15, 42] and mask[:, :20].sum() == 0
    flat = binarize(ink_map(img, CleanConfig(background_window=0.0)))
    assert flat[:, :20].sum() > 0  # without flattening, the dark end of the gradient is ink


@pytest.mark.parametrize("window", [0.0, 0.8])
def test_ink_levels_match_float_distances_and_otsu(window):
    """The 8-bit level path gives the ink of float distances and the mask of `binarize`."""
    rng = np.random.default_rng(0)
    for n in range(40):
        shape = (int(rng.integers(4, 60)), int(rng.integers(4, 90)), 3 if n % 2 else 1)
        img = (rng.random(shape) ** rng.uniform(0.3, 3.0)).astype(np.float32)
        if n % 5 == 0:
            img[:] = 0.5  # flat
        config = CleanConfig(background_window=window, denoise=3 * (n % 3 == 0))
        levels, scale, counts = _ink_levels(img, config)
        img8 = np.clip(img * 255 + 0.5, 0, 255).astype(np.uint8)
        ink = cv2.LUT(levels, scale)
        if scale.any():
            assert np.allclose(ink * np.float32(1 / scale[1]), np.minimum(levels, 1 / scale[1]))
        assert counts.sum() == levels.size and levels.max() <= img8.max()
        assert np.array_equal(_otsu_of_levels(ink, scale, counts, 0.1), binarize(ink))


def test_uint8_and_float_images_clean_alike():
    img = _bar_image(0.2, 0.9, colour=True)
    img8 = np.clip(img * 255 + 0.5, 0, 255).astype(np.uint8)
    a, b = clean(img), clean(img8)
    assert np.array_equal(a.ink, b.ink) and np.array_equal(a.text, b.text)


@pytest.mark.parametrize("channels", [2, 4])
def test_gray_alpha_and_rgba_arrays_have_ink(channels):
    img = np.full((30, 60, channels), 255, np.uint8)
    img[8:22, 10:16] = 0  # equal channels: the gray-as-RGB check must not index a third
    ink = ink_map(img)
    assert ink[15, 12] > 0.8 and ink[2, 40] < 0.1


def test_blank_image_has_no_ink():
    assert ink_map(np.ones((20, 20), np.float32)).max() == 0.0


def test_faint_contrast_is_blank_below_min_contrast():
    img = np.full((20, 40), 200, np.uint8)
    img[5:15, 10:20] = 190  # a distance of 10 levels
    assert ink_map(img).max() > 0.9
    assert ink_map(img, CleanConfig(min_contrast=11)).max() == 0.0


@pytest.mark.parametrize("method", ["otsu", "sauvola"])
def test_binarizers(method):
    mask = binarize(ink_map(_bar_image(0.0, 1.0)), CleanConfig(binarizer=method))
    assert mask.dtype == bool and mask[15, 12] and not mask[2, 40]


def test_ink_floor_bounds_the_threshold():
    ink = np.array([[0.0, 0.05, 0.2, 0.3]], np.float32)
    assert binarize(ink, CleanConfig(ink_floor=0.25)).tolist() == [[False, False, False, True]]
    assert binarize(ink, CleanConfig(ink_floor=0.01)).sum() >= 2


def test_unknown_binarizer_lists_names():
    with pytest.raises(ValueError, match="valid names"):
        CleanConfig(binarizer="magic")


def test_remove_specks_keeps_large_components():
    m = np.zeros((20, 20), bool)
    m[1, 1] = True
    m[5:15, 5:8] = True
    out = remove_specks(m, min_area=5)
    assert not out[1, 1] and out[10, 6]


def test_thin_long_line_removed_thick_stroke_kept():
    m = np.zeros((40, 100), bool)
    m[20:22, :] = True  # a 2-px strike line across everything
    m[5:35, 30:37] = True  # a 7-px thick stroke
    assert 5.0 < stroke_width(m) < 9.0
    out = remove_thin_lines(m, max_width=4, min_length=12)
    assert not out[20, 80] and not out[21, 5]
    assert out[10, 33] and out[20, 33]


def test_clean_skips_line_removal_that_would_erase_the_text():
    m_img = np.ones((40, 100, 3), np.float32)
    m_img[20:22, 10:90] = 0.0  # only a thin line: it is the text
    cleaned = clean(m_img)
    assert cleaned.text.sum() == cleaned.mask.sum() > 0


def test_hollow_glyph_outlines_are_not_taken_for_lines():
    def glyphs(stroke: int) -> np.ndarray:
        """Three hollow boxes with sides `stroke` pixels wide, a 2-pixel line across them."""
        img = np.ones((40, 120, 3), np.float32)
        for x in (10, 45, 80):
            img[8:32, x : x + 28] = 0.0
            img[8 + stroke : 32 - stroke, x + stroke : x + 28 - stroke] = 1.0
        img[19:21, :] = 0.0
        return img

    config = CleanConfig(denoise=0)
    hollow = clean(glyphs(2), config)
    width = stroke_width(hollow.mask)
    assert round(config.line_ratio * width + 1) >= width
    assert hollow.mask[19:21, 20:30].all()  # the line inside the first box
    assert np.array_equal(hollow.text, hollow.mask)  # every outline kept, the line too
    thick = clean(glyphs(6), config).text  # strokes 6 pixels wide: the line goes
    assert not thick[19:21, 20:30].any() and thick[10:30, 12:15].all()


def test_median_denoise_removes_dots_keeps_strokes():
    img = np.ones((30, 60, 3), np.float32)
    img[8:22, 10:14] = 0.0  # a 4-px stroke
    rng = np.random.default_rng(0)
    dots = rng.random((30, 60)) < 0.01
    img[dots] = 0.0
    noisy = binarize(ink_map(img, CleanConfig(denoise=0)))
    clean_mask = binarize(ink_map(img, CleanConfig(denoise=3)))
    assert clean_mask[15, 11] and noisy[dots & (np.arange(60)[None, :] > 20)].any()
    assert not clean_mask[:, 20:].any()


def test_keep_substantial_and_config_checks():
    m = np.zeros((20, 20), bool)
    m[1, 1] = True
    m[5:15, 5:10] = True
    assert int(keep_substantial(m, fraction=0.05).sum()) == 50
    assert int(keep_substantial(m, fraction=0.0).sum()) == 51
    with pytest.raises(ValueError, match="denoise"):
        CleanConfig(denoise=2)
    with pytest.raises(ValueError, match="line_ratio"):
        CleanConfig(line_ratio=1.5)


def test_cleaned_planes_are_the_strip_channels():
    img = np.ones((30, 60, 3), np.float32)
    img[4:28, 10:22] = 0.0  # a thick glyph
    img[24:26, :] = 0.0  # a thin line across (2 px survive the median filter)
    cleaned = clean(img)
    planes = cleaned.planes()
    assert planes.shape == (30, 60, 2) and planes.dtype == np.float32
    assert np.array_equal(planes[:, :, 0], cleaned.ink)
    assert np.array_equal(planes[:, :, 1], cleaned.ink * cleaned.text)
    assert planes[25, 40, 0] > 0.5 and planes[25, 40, 1] == 0.0  # the line is raw ink only


def test_main_colour_keeps_the_glyph_colour_and_drops_lines_of_another():
    img = np.full((40, 120, 3), 250, np.uint8)
    img[18:23, :] = (40, 60, 220)  # a thick blue line
    for x in (10, 30, 75, 95):  # red glyph strokes over it, most of the ink
        img[6:34, x : x + 6] = (200, 40, 40) if x < 50 else (212, 52, 44)
    every = clean(img, CleanConfig())
    keyed = clean(img, CleanConfig(main_colour=True))
    assert every.ink[20, 55] > 0.9 and keyed.ink[20, 55] < 0.05  # the line between glyphs
    assert keyed.ink[10, 12] > 0.9 and keyed.ink[10, 97] > 0.9  # both shades of red
    assert keyed.mask[8:32, 11:15].all() and not keyed.mask[:, 45:70].any()
    gray = np.full((40, 120), 250, np.uint8)
    gray[18:23, :] = 120
    gray[6:34, 10:16] = 20
    np.testing.assert_array_equal(  # no colour: nothing to key on
        clean(gray, CleanConfig(main_colour=True)).ink, clean(gray, CleanConfig()).ink
    )
