"""Turn an RGB image into an ink map and a cleaned binary text mask.

Every step is a plain function on arrays; `CleanConfig` holds all their settings.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

import cv2
import numpy as np

__all__ = [
    "CleanConfig",
    "Cleaned",
    "BINARIZERS",
    "OPTIONAL_STEPS",
    "median_stroke_loss",
    "without_steps",
    "ink_map",
    "binarize",
    "keep_substantial",
    "remove_specks",
    "stroke_width",
    "remove_thin_lines",
    "clean",
]


@dataclass(frozen=True)
class CleanConfig:
    """Settings of the cleaning steps.

    Attributes
    ----------
    background_window : float
        Side of the median window that estimates the background, as a fraction of the image
        height (flattens gradients; 0 uses the border colour only).
    binarizer : str
        A name in `BINARIZERS`.
    min_speck_area : float
        Components smaller than this fraction of height**2 are removed.
    remove_lines : bool
        Remove strokes clearly thinner than the text strokes (strike-through lines, webs).
    line_ratio : float
        Strokes thinner than ``line_ratio`` times the text stroke width, plus one pixel, count
        as lines; an image whose strokes are no wider than that keeps its lines.
    max_line_loss : float
        If line removal would delete more than this fraction of the ink, it is skipped (the
        text itself is thin, e.g. hollow glyphs).
    min_line_length : float
        A thin piece counts as a line only if its bounding box spans at least this fraction
        of the image height (short thin pieces are parts of glyphs).
    denoise : int
        Side of the median filter applied to the ink map (removes dot noise and 1-pixel
        lines, keeps strokes 2 pixels or wider); 0 or 1 turns it off.
    min_component : float
        Components of the line-free text smaller than this fraction of the largest one are
        dropped from it (noise left after line removal); the raw ink keeps them.
    fragment_factor : float
        Pieces left by line removal smaller than this many times the speck area are dropped.
    ink_floor : float
        No binarizer threshold is lower than this ink value (faint haze is never text).
    scale_quantile : float
        The ink map is scaled so that this quantile of the background distances becomes 1
        (a few outliers do not set the scale).
    min_contrast : int
        An image whose scale distance (of 255) is below this has no ink at all: blank.
    main_colour : bool
        In RGB colour images, ink is only what is near the main colour of the clear ink (the
        most common colour of the pixels the binarizer takes): strike lines and noise drawn
        in other colours drop out. For schemes whose glyphs share one colour per image;
        training turns it on where the data shows that (`pipeline.training.choose_cleaning`).
    """

    background_window: float = 0.8
    binarizer: str = "otsu"
    min_speck_area: float = 0.002
    remove_lines: bool = True
    line_ratio: float = 0.6
    max_line_loss: float = 0.5
    min_line_length: float = 0.3
    denoise: int = 3
    min_component: float = 0.05
    fragment_factor: float = 4.0
    ink_floor: float = 0.1
    scale_quantile: float = 0.997
    min_contrast: int = 8
    main_colour: bool = False

    def __post_init__(self) -> None:
        if self.binarizer not in BINARIZERS:
            raise ValueError(
                f"binarizer={self.binarizer!r} is unknown; valid names: {sorted(BINARIZERS)}"
            )
        if not 0.0 <= self.background_window <= 4.0:
            raise ValueError(f"background_window={self.background_window} must be in [0, 4]")
        if self.denoise not in (0, 1, 3, 5):
            raise ValueError(f"denoise={self.denoise} must be 0, 1, 3 or 5")
        if not 0.0 < self.line_ratio < 1.0:
            raise ValueError(f"line_ratio={self.line_ratio} must be in (0, 1)")


#: Each optional cleaning step and the `CleanConfig` settings that turn it off.
OPTIONAL_STEPS: dict[str, dict[str, Any]] = {
    "background flattening": {"background_window": 0.0},
    "median denoising": {"denoise": 0},
    "line removal": {"remove_lines": False},
    "speck and fragment removal": {"min_speck_area": 0.0, "min_component": 0.0},
}


def without_steps(config: CleanConfig, steps: Iterable[str]) -> CleanConfig:
    """`config` with the named `OPTIONAL_STEPS` turned off.

    Examples
    --------
    >>> without_steps(CleanConfig(), ["median denoising"]).denoise
    0
    """
    settings: dict[str, Any] = {}
    for step in steps:
        if step not in OPTIONAL_STEPS:
            raise ValueError(f"no cleaning step {step!r}; valid names: {list(OPTIONAL_STEPS)}")
        settings.update(OPTIONAL_STEPS[step])
    return replace(config, **settings)


@dataclass(frozen=True)
class Cleaned:
    """Result of `clean`.

    Attributes
    ----------
    ink : ndarray of shape (H, W), float32
        Ink strength in [0, 1], whatever the polarity of the source.
    mask : ndarray of shape (H, W), bool
        Binarized ink without specks.
    text : ndarray of shape (H, W), bool
        `mask` with thin lines removed: the glyph strokes.
    """

    ink: np.ndarray
    mask: np.ndarray
    text: np.ndarray

    def planes(self, rows: slice = slice(None)) -> np.ndarray:
        """The ink as a strip's channels: raw ink, and ink of the glyph strokes (of the whole
        mask when line removal left nothing), of the given `rows`.

        Returns
        -------
        ndarray of shape (h, W, 2), float32
        """
        strokes = self.text if self.text.any() else self.mask
        ink = self.ink[rows]
        return np.stack([ink, strokes[rows] * ink], axis=2).astype(np.float32, copy=False)


def ink_map(image: np.ndarray, config: CleanConfig | None = None) -> np.ndarray:
    """Ink strength as the colour distance from the local background.

    Uses `config.background_window` (0: the border's median colour), `config.denoise` (a
    median filter before the ink is scaled, so that dot noise neither shows as ink nor sets
    the scale), `config.scale_quantile` and `config.min_contrast`.

    Parameters
    ----------
    image : ndarray of shape (H, W, 3) or (H, W), float in [0, 1] or uint8
        Float images are quantized to 8 bits first.
    config : CleanConfig, optional

    Returns
    -------
    ink : ndarray of shape (H, W), float32 in [0, 1]

    Examples
    --------
    >>> img = np.ones((20, 30, 3), np.float32); img[5:15, 10:13] = 0.0
    >>> ink = ink_map(img)
    >>> bool(ink[10, 11] > 0.9 and ink[2, 2] < 0.1)
    True
    """
    levels, scale, _ = _ink_levels(image, config or CleanConfig())
    return cv2.LUT(levels, scale)


def _ink_levels(
    image: np.ndarray, config: CleanConfig
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ink map as 8-bit distances from the background, the ink value of each distance
    (ink = scale[levels]) and how many pixels have each distance.

    Working on 8-bit levels keeps the filters and the histogram behind the scale and Otsu's
    threshold cheap; the ink values are the same as dividing the distances in floats.
    """
    if image.ndim == 2:
        image = image[:, :, None]
    if image.ndim != 3 or image.shape[0] < 2 or image.shape[1] < 2:
        raise ValueError(f"image must have shape (H, W) or (H, W, C), got {image.shape}")
    if image.dtype == np.uint8:
        img8 = image
    else:
        img8 = np.clip(image * 255.0 + 0.5, 0, 255).astype(np.uint8)
    if img8.shape[2] >= 3 and not has_colour(img8):
        img8 = img8[:, :, :1]  # gray stored as RGB: one channel does
    height, width, channels = img8.shape
    if config.background_window > 0 and min(height, width) > 3:
        bg = _median_background(img8, config.background_window)
    else:
        border = np.concatenate([img8[0], img8[-1], img8[:, 0], img8[:, -1]])
        colour = np.round(np.median(border, axis=0)).astype(np.uint8)
        bg = np.ascontiguousarray(np.broadcast_to(colour, img8.shape))
    dist = cv2.absdiff(np.ascontiguousarray(img8), bg).reshape(height, width, channels)
    # The largest distance over the channels, a plane at a time: numpy's max over a last
    # axis of 3 is about 30x slower (0.6 ms on a 240x80 colour image).
    levels = functools.reduce(cv2.max, cv2.split(dist)) if channels > 1 else dist[:, :, 0]
    levels = np.ascontiguousarray(levels)
    if config.denoise > 1:
        levels = cv2.medianBlur(levels, config.denoise)
    levels, scale, counts = _scaled(levels, config)
    if config.main_colour and channels == 3 and counts[0] < levels.size:
        clear = _otsu_of_levels(cv2.LUT(levels, scale), scale, counts, config.ink_floor)
        keyed = _near_main_colour(img8, bg, levels, clear)
        if keyed is not None:
            levels, scale, counts = _scaled(keyed, config)
    return levels, scale, counts


def has_colour(image: np.ndarray) -> bool:
    """Whether an image has colour: three or more channels, not all equal (gray stored as RGB
    has none).

    Examples
    --------
    >>> has_colour(np.zeros((4, 4, 3), np.uint8)), has_colour(np.eye(4)[:, :, None] * [1, 0, 0])
    (False, True)
    """
    return (
        image.ndim == 3
        and image.shape[2] >= 3
        and not (
            np.array_equal(image[:, :, 0], image[:, :, 1])
            and np.array_equal(image[:, :, 0], image[:, :, 2])
        )
    )


def _scaled(levels: np.ndarray, config: CleanConfig) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`levels`, the ink value of each level (`config.scale_quantile` of them at 1 or
    above; all 0 below `config.min_contrast`) and how many pixels have each level."""
    counts = cv2.calcHist([levels], [0], None, [256], [0, 256]).ravel().astype(np.int64)
    rank = int(config.scale_quantile * (levels.size - 1))
    top = float(np.searchsorted(np.cumsum(counts), rank, side="right"))
    if top < config.min_contrast:  # no contrast at all: a blank image
        return levels, np.zeros(256, np.float32), counts
    scale = np.clip(np.arange(256, dtype=np.float32) / top, 0.0, 1.0).astype(np.float32)
    return levels, scale, counts


def _near_main_colour(
    img8: np.ndarray, bg: np.ndarray, levels: np.ndarray, clear: np.ndarray
) -> np.ndarray | None:
    """`levels` where a pixel's colour is a blend of the main colour of the `clear` ink and
    its background (anti-aliased edges, pale strokes: ink of that colour at any strength),
    fading to none for colours off that blend by an eighth to a quarter of the main colour's
    distance from the background; None when there is too little clear ink to tell a colour.

    The main colour is the mean of the most common of 512 colour cells (8 levels per channel)
    among the clear ink pixels.
    """
    mask = clear.astype(np.uint8)
    if cv2.countNonZero(mask) < _MIN_KEY_PIXELS:
        return None
    img8 = np.ascontiguousarray(img8)
    cells = cv2.calcHist([img8], [0, 1, 2], mask, [8, 8, 8], [0, 256, 0, 256, 0, 256])
    low = np.array(np.unravel_index(int(cells.argmax()), cells.shape)) * 32
    in_cell = cv2.inRange(img8, low, low + 31)
    main = np.array(cv2.mean(img8, cv2.bitwise_and(in_cell, in_cell, mask=mask))[:3])
    # Channel planes throughout: numpy's reductions over a last axis of 3 are slow.
    pixels = [plane.astype(np.float32) - c for plane, c in zip(cv2.split(img8), main, strict=True)]
    towards = [plane.astype(np.float32) - c for plane, c in zip(cv2.split(bg), main, strict=True)]
    length = sum(t * t for t in towards)
    along = sum(p * t for p, t in zip(pixels, towards, strict=True))
    share = np.clip(along / np.maximum(length, 1.0), 0.0, 1.0)
    off = functools.reduce(
        np.maximum, [np.abs(p - share * t) for p, t in zip(pixels, towards, strict=True)]
    )
    reach = functools.reduce(np.maximum, [np.abs(t) for t in towards])
    separation = float(np.median(reach[clear]))
    if separation < 1.0:
        return None
    weight = np.clip(2.0 - 8.0 * off / separation, 0.0, 1.0)
    return (levels * weight + 0.5).astype(np.uint8)


#: Fewest clear ink pixels whose colours `_near_main_colour` reads a main colour from.
_MIN_KEY_PIXELS = 20


def _median_background(img8: np.ndarray, window: float) -> np.ndarray:
    """Per-channel median over a window of `window` x height, computed at reduced scale.

    The background is smooth, so the median is taken on a subsampled image in which the
    window is about 9 pixels wide, then scaled back up: nearly the same estimate for a
    fraction of the cost.
    """
    h, w, channels = img8.shape
    k = max(3, int(round(window * h)))
    factor = max(1, k // 9)
    # Subsample (not area-average): averaging would blend glyph ink into the background.
    small = np.ascontiguousarray(img8[::factor, ::factor])
    ks = max(3, (k // factor) | 1)
    ks = min(ks, (min(small.shape[:2]) - 1) | 1 if min(small.shape[:2]) > 3 else 1)
    if ks >= 3:
        small = np.stack(
            [cv2.medianBlur(np.ascontiguousarray(small[:, :, c]), ks) for c in range(channels)],
            axis=2,
        )
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR).reshape(h, w, channels)


def _filters():
    """scikit-image's thresholds, imported on first use: they load SciPy, half a second that
    commands which never binarize (`--help`, `generate`) should not pay."""
    import skimage.filters

    return skimage.filters


def _otsu(ink: np.ndarray, floor: float) -> np.ndarray:
    if float(ink.max()) <= 0.0:
        return np.zeros(ink.shape, bool)
    return ink > max(_filters().threshold_otsu(ink), floor)


def _otsu_of_levels(
    ink: np.ndarray, scale: np.ndarray, counts: np.ndarray, floor: float
) -> np.ndarray:
    """`_otsu(ink, floor)` from the level histogram of `_ink_levels` (the same 256 bins over
    the ink's range, binned per level instead of per pixel)."""
    values, weights = scale[counts > 0], counts[counts > 0]
    lo, hi = values.min(), values.max()
    if hi <= 0.0:
        return np.zeros(ink.shape, bool)
    if lo == hi:
        return ink > max(float(lo), floor)
    # The edges and half-open bins of np.histogram, as threshold_otsu's histogram has them.
    edges = np.linspace(lo, hi, 257, endpoint=True, dtype=np.result_type(lo, hi, values))
    bins = np.minimum(np.searchsorted(edges, values, side="right") - 1, 255)
    hist = np.bincount(bins, weights=weights, minlength=256)
    threshold = _filters().threshold_otsu(hist=(hist, (edges[:-1] + edges[1:]) / 2.0))
    return ink > max(float(threshold), floor)


def _sauvola(ink: np.ndarray, floor: float) -> np.ndarray:
    window = max(3, (ink.shape[0] // 2) | 1)
    return (ink > _filters().threshold_sauvola(ink, window_size=window)) & (ink > floor)


#: Binarizers by name: each maps an ink map and the ink floor to a boolean mask.
BINARIZERS = {"otsu": _otsu, "sauvola": _sauvola}


def binarize(ink: np.ndarray, config: CleanConfig | None = None) -> np.ndarray:
    """Threshold an ink map with the binarizer `config.binarizer`, never below
    `config.ink_floor`.

    Examples
    --------
    >>> binarize(np.array([[0.0, 0.9], [0.1, 1.0]], np.float32)).tolist()
    [[False, True], [False, True]]
    """
    config = config or CleanConfig()
    return BINARIZERS[config.binarizer](ink, config.ink_floor)


def _components(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """8-connected component labels of a mask (0 = background) and each label's pixel count
    (a fifth of the time of OpenCV's statistics on captcha-sized masks)."""
    n, labels = cv2.connectedComponents(mask.astype(np.uint8), connectivity=8)
    return labels, np.bincount(labels.ravel(), minlength=n)


def remove_specks(mask: np.ndarray, *, min_area: int) -> np.ndarray:
    """Drop 8-connected components with fewer than `min_area` pixels.

    Examples
    --------
    >>> m = np.zeros((5, 5), bool); m[0, 0] = True; m[2:5, 2:5] = True
    >>> int(remove_specks(m, min_area=2).sum())
    9
    """
    if min_area <= 1 or not mask.any():
        return mask.copy()
    labels, areas = _components(mask)
    keep = areas >= min_area
    keep[0] = False
    return np.take(keep, labels)


def keep_substantial(mask: np.ndarray, *, fraction: float) -> np.ndarray:
    """Keep the 8-connected components with at least `fraction` of the largest one's area.

    Examples
    --------
    >>> m = np.zeros((10, 10), bool); m[0, 0] = True; m[2:8, 2:8] = True
    >>> int(keep_substantial(m, fraction=0.1).sum())
    36
    """
    if fraction <= 0 or not mask.any():
        return mask.copy()
    labels, counts = _components(mask)
    areas = counts.astype(float)
    areas[0] = 0.0
    keep = areas >= fraction * areas.max()
    keep[0] = False
    return np.take(keep, labels)


def stroke_width(mask: np.ndarray) -> float:
    """Typical width of the strokes that hold most of the ink, in pixels (0 if empty).

    Stroke centres are the ridge of the distance transform; each ridge pixel is weighted by
    its distance value (the cross-section it stands for), so a long thin line does not
    outvote the glyphs. Returns twice the weighted 75th percentile of the ridge distances.

    Examples
    --------
    >>> m = np.zeros((30, 30), bool); m[5:25, 10:16] = True
    >>> 5.0 <= stroke_width(m) <= 7.0
    True
    """
    if not mask.any():
        return 0.0
    dist = cv2.distanceTransform(mask.astype(np.uint8), cv2.DIST_L2, 3)
    ridge = (dist >= cv2.dilate(dist, np.ones((3, 3), np.uint8))) & mask
    values = np.sort(dist[ridge])
    if values.size == 0:
        return 0.0
    cum = np.cumsum(values) / values.sum()
    return float(2.0 * values[np.searchsorted(cum, 0.75)])


def remove_thin_lines(mask: np.ndarray, *, max_width: float, min_length: float) -> np.ndarray:
    """Remove long strokes thinner than `max_width` pixels (strike-through lines, webs).

    A morphological opening finds the thin parts; of those, connected pieces whose bounding
    box spans at least `min_length` pixels are lines and are removed. Thick strokes survive,
    and so do short thin glyph parts and the parts of a line that lie inside thick strokes.

    Examples
    --------
    >>> m = np.zeros((20, 40), bool); m[10, :] = True; m[4:16, 5:11] = True
    >>> out = remove_thin_lines(m, max_width=3, min_length=10)
    >>> bool(out[10, 30]), bool(out[10, 8])
    (False, True)
    """
    size = int(round(max_width))
    if size < 2 or not mask.any():
        return mask.copy()
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
    opened = cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_OPEN, kernel).astype(bool)
    thin = (mask & ~opened).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(thin, connectivity=8)
    span = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT])
    is_line = span >= min_length
    is_line[0] = False
    return mask & ~is_line[labels]


def clean(image: np.ndarray, config: CleanConfig | None = None) -> Cleaned:
    """Run all cleaning steps on one RGB or gray image.

    Parameters
    ----------
    image : ndarray of shape (H, W, 3) or (H, W), float in [0, 1] or uint8
    config : CleanConfig, optional

    Returns
    -------
    Cleaned
    """
    config = config or CleanConfig()
    levels, scale, counts = _ink_levels(image, config)
    ink = cv2.LUT(levels, scale)
    height = ink.shape[0]
    if config.binarizer == "otsu":  # the same mask as binarize(ink), from the histogram
        binary = _otsu_of_levels(ink, scale, counts, config.ink_floor)
    else:
        binary = binarize(ink, config)
    speck_area = config.min_speck_area * height * height
    mask = remove_specks(binary, min_area=int(round(speck_area)))
    if config.remove_lines and mask.any():
        text = _without_lines(mask, config, height)
        if text is not None:
            return Cleaned(ink=ink, mask=mask, text=text)
    return Cleaned(ink=ink, mask=mask, text=keep_substantial(mask, fraction=config.min_component))


def _without_lines(mask: np.ndarray, config: CleanConfig, height: int) -> np.ndarray | None:
    """The mask without thin lines, the fragments they leave and insubstantial components;
    None when that would lose more than `config.max_line_loss` of the ink, or when the
    strokes are too thin to tell a line from them by width (the opening that finds thin
    parts would take parts as wide as the typical stroke: hollow glyphs' outlines,
    hairline serifs)."""
    width = stroke_width(mask)
    max_width = config.line_ratio * width + 1
    if round(max_width) >= width:
        return None
    opened = remove_thin_lines(
        mask, max_width=max_width, min_length=config.min_line_length * height
    )
    # One labelling drops the fragments and then the insubstantial components (removing
    # whole components leaves the others as they were).
    labels, areas = _components(opened)
    areas[0] = 0
    kept = areas >= int(round(config.fragment_factor * config.min_speck_area * height**2))
    kept[0] = False
    if areas[kept].sum() < (1.0 - config.max_line_loss) * mask.sum():
        return None
    largest = areas[kept].max(initial=0)
    return np.take(kept & (areas >= config.min_component * largest), labels)


def median_stroke_loss(image: np.ndarray, config: CleanConfig | None = None) -> float:
    """Share of the binarized ink of strokes the median filter keeps that it erodes.

    Components of the unfiltered mask that the median removes whole (dots, specks) are noise
    and do not count; what it takes from the components it keeps is stroke: hairline glyph
    strokes lose much of it (about 40% on sysu_cas), thick ones little (4% on captcha_v2).
    0 when `config.denoise` is off or there is no ink.

    Examples
    --------
    >>> img = np.ones((30, 60)); img[5:25, 30:34] = 0  # a stroke 4 pixels wide
    >>> round(median_stroke_loss(img), 2)  # its corners
    0.05
    >>> img[14, 10:30] = 0  # and a hairline joined to it
    >>> round(median_stroke_loss(img), 2)
    0.23
    """
    config = config or CleanConfig()
    if config.denoise <= 1:
        return 0.0
    plain = replace(config, remove_lines=False, min_speck_area=0.0)
    filtered = clean(image, plain).mask
    unfiltered = clean(image, replace(plain, denoise=0)).mask
    count, labels = cv2.connectedComponents(unfiltered.astype(np.uint8), connectivity=8)
    touched = np.bincount(labels[filtered & unfiltered], minlength=count) > 0
    touched[0] = False
    kept = touched[labels]
    total = int(kept.sum())
    return 0.0 if total == 0 else 1.0 - float((kept & filtered).sum()) / total
