"""Segmentation without a classifier: cleaning, candidate cuts and a projection/width search."""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from .clean import CleanConfig, Cleaned, clean
from .cuts import candidate_cuts, window_pairs
from .search import best_path
from .strip import Strip, StripConfig, make_strip, tighten, window

__all__ = [
    "Box",
    "SegmentConfig",
    "WidthBounds",
    "Prepared",
    "Segmentation",
    "prepare",
    "allowed_windows",
    "cut_cost_scores",
    "boxes_from_cuts",
    "guess_count",
    "model_free_cuts",
    "segment",
]

#: A box is (top, left, bottom, right) in source-image pixels, half-open, rows then columns.
Box = tuple[int, int, int, int]

#: Bounds (lowest, highest) of a window's width relative to the image's mean character width.
WidthBounds = tuple[float, float]


@dataclass(frozen=True)
class SegmentConfig:
    """Settings of candidate generation and of the model-free search.

    Widths are relative to the mean character width of the image, ``extent / n_chars``.

    Attributes
    ----------
    clean : CleanConfig
    strip : StripConfig
        How the text band becomes a strip of a fixed height G.
    grid_step : float
        Spacing of the regular candidate grid, as a fraction of G.
    min_gap : int
        Candidate cuts closer than this many strip columns are merged.
    thin_edges : float
        The ends of runs of thin ink (at most this fraction of the text's 90th-percentile
        column ink) are candidate cuts too (0 = not): where a strike line's stub or a joining
        stroke meets a glyph, which the grid would cut a few columns into.
    min_rel_width, max_rel_width : float
        Bounds of a window's relative width before training learns the scheme's own.
    width_sigma : float
        Spread of the Gaussian prior on relative width before training learns it.
    cut_weight : float
        Weight of the ink cut through by a cut (model-free search only).
    end_slack : float
        The first cut may lie up to this fraction of G left of the cleaned text (where thin
        ink was taken for a line) or half of it to the right; likewise the last cut.
    guess_aspect : float
        Without a known count, a text component of width w and height h counts as
        ``round(w / (guess_aspect * h) + guess_bias)`` characters (at least one).
    guess_bias : float
    guess_min_area : float
        Components smaller than this fraction of the largest are not counted.
    """

    clean: CleanConfig = field(default_factory=CleanConfig)
    strip: StripConfig = field(default_factory=StripConfig)
    grid_step: float = 0.125
    min_gap: int = 2
    thin_edges: float = 0.0
    min_rel_width: float = 0.3
    max_rel_width: float = 2.2
    width_sigma: float = 0.35
    cut_weight: float = 2.0
    end_slack: float = 0.5
    guess_aspect: float = 0.9
    guess_bias: float = 0.25
    guess_min_area: float = 0.1

    @property
    def width_bounds(self) -> tuple[float, float]:
        """(min_rel_width, max_rel_width)."""
        return self.min_rel_width, self.max_rel_width

    def __post_init__(self) -> None:
        if not 0 < self.min_rel_width < 1 < self.max_rel_width:
            raise ValueError(
                f"need 0 < min_rel_width < 1 < max_rel_width, got "
                f"{self.min_rel_width}, {self.max_rel_width}"
            )
        if self.width_sigma <= 0 or self.grid_step <= 0:
            raise ValueError("width_sigma and grid_step must be positive")
        if not 0 <= self.thin_edges < 1:
            raise ValueError(f"thin_edges={self.thin_edges} must be in [0, 1)")


@dataclass(frozen=True)
class Prepared:
    """One image made ready for a search.

    Attributes
    ----------
    cleaned : Cleaned
    strip : Strip
    candidates : ndarray of shape (m,), int
        Candidate cut columns in the strip, sorted.
    starts, ends : ndarray of int
        Indices of the candidates where the first and the last cut may lie.
    """

    cleaned: Cleaned
    strip: Strip
    candidates: np.ndarray
    starts: np.ndarray
    ends: np.ndarray

    def mean_width(self, n_chars: int) -> float:
        """Mean character width in strip columns if the text holds `n_chars` characters."""
        return max((self.strip.end - self.strip.start) / n_chars, 1.0)

    def relative_widths(self, i: np.ndarray, j: np.ndarray, n_chars: int) -> np.ndarray:
        """Widths of windows (candidate i, candidate j) relative to `mean_width`."""
        return (self.candidates[j] - self.candidates[i]) / self.mean_width(n_chars)


@dataclass(frozen=True)
class Segmentation:
    """Result of `segment`.

    Attributes
    ----------
    prepared : Prepared
    cuts : ndarray of shape (k + 1,), int
        Chosen cut columns in the strip.
    boxes : list of Box
        One box per glyph, (top, left, bottom, right) in source pixels.
    glyphs : list of ndarray of shape (G, w, 2)
        Strip windows of the glyphs (raw ink, cleaned ink).
    """

    prepared: Prepared
    cuts: np.ndarray
    boxes: list[Box]
    glyphs: list[np.ndarray]


def prepare(image: np.ndarray, config: SegmentConfig | None = None) -> Prepared:
    """Clean an image, build its strip and its candidate cuts."""
    config = config or SegmentConfig()
    cleaned = clean(image, config.clean)
    strip = make_strip(cleaned, config.strip)
    height = config.strip.height
    slack = config.end_slack * height
    lo = int(max(strip.ink_start, strip.start - slack))
    hi = int(min(strip.ink_end, strip.end + slack))
    cands = candidate_cuts(
        strip.profile,
        lo,
        hi,
        grid_step=config.grid_step * height,
        min_gap=config.min_gap,
        anchors=(strip.start, strip.end),
        thin=config.thin_edges,
    )
    starts = np.flatnonzero(cands <= strip.start + slack / 2)
    ends = np.flatnonzero(cands >= strip.end - slack / 2)
    return Prepared(cleaned, strip, cands, starts, ends)


def allowed_windows(
    prepared: Prepared, n_chars: int, bounds: WidthBounds
) -> tuple[np.ndarray, np.ndarray]:
    """Candidate-index pairs (i, j) of windows within the relative width `bounds`."""
    mean = prepared.mean_width(n_chars)
    return window_pairs(prepared.candidates, bounds[0] * mean, bounds[1] * mean)


def cut_cost_scores(prepared: Prepared, n_chars: int, config: SegmentConfig) -> np.ndarray:
    """Model-free window scores: width prior minus the ink the two cuts go through.

    Returns
    -------
    scores : ndarray of shape (m, m), ``-inf`` where no window is allowed
    """
    cuts = prepared.candidates
    profile = prepared.strip.profile / prepared.strip.channels.shape[0]
    cost = profile[np.minimum(cuts, len(profile) - 1)]
    i, j = allowed_windows(prepared, n_chars, config.width_bounds)
    prior = -0.5 * ((prepared.relative_widths(i, j, n_chars) - 1.0) / config.width_sigma) ** 2
    scores = np.full((len(cuts), len(cuts)), -np.inf)
    scores[i, j] = prior - config.cut_weight * 0.5 * (cost[i] + cost[j])
    return scores


def model_free_cuts(prepared: Prepared, n_chars: int, config: SegmentConfig) -> np.ndarray | None:
    """Cut columns for `n_chars` glyphs from the projection and widths alone.

    Returns None when the image has no ink or too few candidates for `n_chars` windows.
    """
    if prepared.strip.empty:
        return None
    scores = cut_cost_scores(prepared, n_chars, config)
    _, path = best_path(scores, n_chars, starts=prepared.starts, ends=prepared.ends)
    return prepared.candidates[path] if path.size else None


def boxes_from_cuts(strip: Strip, cuts: np.ndarray, text: np.ndarray) -> list[Box]:
    """Source-image boxes of the windows between consecutive cuts, tightened to their ink."""
    boxes: list[Box] = []
    for a, b in zip(cuts[:-1], cuts[1:], strict=True):
        a, b = tighten(strip.profile, int(a), int(b))
        left, right = strip.to_source_cols(np.array([a, b]))
        # Rounding the scale back can overshoot the image edge by a pixel.
        left = min(max(int(left), 0), text.shape[1] - 1)
        right = min(max(int(right), left + 1), text.shape[1])
        rows = np.flatnonzero(text[strip.top : strip.bottom, left:right].any(axis=1))
        top = strip.top + (int(rows[0]) if rows.size else 0)
        bottom = strip.top + (int(rows[-1]) + 1 if rows.size else strip.bottom - strip.top)
        boxes.append((top, int(left), bottom, int(right)))
    return boxes


def guess_count(prepared: Prepared, config: SegmentConfig) -> int:
    """Number of characters suggested by the connected components of the cleaned text.

    Each substantial component counts as one character, or as several when it is wider
    than `config.guess_aspect` times its height allows (touching characters).
    """
    text = prepared.cleaned.text
    n, _, stats, _ = cv2.connectedComponentsWithStats(text.astype(np.uint8), connectivity=8)
    if n <= 1:
        return 1
    stats = stats[1:]
    areas = stats[:, cv2.CC_STAT_AREA]
    stats = stats[areas >= config.guess_min_area * areas.max()]
    height = max(float(np.median(stats[:, cv2.CC_STAT_HEIGHT])), 1.0)
    unit = config.guess_aspect * height
    per_comp = np.round(stats[:, cv2.CC_STAT_WIDTH] / unit + config.guess_bias)
    return int(max(1, np.maximum(per_comp, 1).sum()))


def segment(
    image: np.ndarray, n_chars: int | None = None, *, config: SegmentConfig | None = None
) -> Segmentation:
    """Cut an image into `n_chars` glyphs without a classifier.

    Parameters
    ----------
    image : ndarray of shape (H, W, 3) or (H, W), float in [0, 1]
    n_chars : int, optional
        Expected number of characters; guessed from the text width when omitted.
    config : SegmentConfig, optional

    Returns
    -------
    Segmentation
        Empty (no boxes) when the image holds no ink.
    """
    config = config or SegmentConfig()
    if n_chars is not None and n_chars < 1:
        raise ValueError(f"n_chars={n_chars} must be at least 1")
    prepared = prepare(image, config)
    strip = prepared.strip
    if strip.empty:
        return Segmentation(prepared, np.zeros(0, int), [], [])
    k = n_chars or guess_count(prepared, config)
    cuts = model_free_cuts(prepared, k, config)
    if cuts is None:  # too few candidates for k windows: split evenly
        cuts = np.round(np.linspace(strip.start, strip.end, k + 1)).astype(int)
    boxes = boxes_from_cuts(strip, cuts, prepared.cleaned.mask)
    glyphs = [window(strip, int(a), int(b)) for a, b in zip(cuts[:-1], cuts[1:], strict=True)]
    return Segmentation(prepared, cuts, boxes, glyphs)
