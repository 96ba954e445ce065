"""Normalize the text band of a cleaned image to a fixed-height strip and cut windows from it."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .clean import Cleaned

__all__ = [
    "STRIP_CHANNELS",
    "Strip",
    "StripConfig",
    "ink_extents",
    "make_strip",
    "tall_extent",
    "tighten",
    "window",
]

#: Channels of a strip: raw ink, and ink without the lines cleaning removed.
STRIP_CHANNELS = 2

#: Strip text ink above this counts when measuring how many rows a column's ink spans.
_SPAN_INK = 0.3


@dataclass(frozen=True)
class StripConfig:
    """How the text band of a cleaned image becomes a strip.

    Attributes
    ----------
    height : int
        Strip height G in pixels (at least 8).
    margin : float
        Extra rows above and below the text band, as a fraction of its height.
    band_tail : float
        The band's rows hold all but this fraction of the text ink at each end.
    text_tail : float
        The text extent's columns hold all but this fraction of the text ink at each end.
    ink_tail : float
        Likewise for the extent of all ink, lines included.
    tall_fraction : float
        0: the text extent is set by `text_tail` alone. Above 0, it is then narrowed to the
        columns whose text ink spans at least this fraction of the rows a typical text column
        spans (`tall_extent`), so that a line as thick as the strokes running on past the
        glyphs (a wave's tails) is not taken for text; the end cuts may still move into the
        end slack beyond it. Training chooses it per scheme (`pipeline.training.choose_extent`).
    """

    height: int = 32
    margin: float = 0.08
    band_tail: float = 0.005
    text_tail: float = 0.002
    ink_tail: float = 0.0005
    tall_fraction: float = 0.0

    def __post_init__(self) -> None:
        if self.height < 8:
            raise ValueError(f"height={self.height} must be at least 8")
        if not 0 <= self.tall_fraction < 1:
            raise ValueError(f"tall_fraction={self.tall_fraction} must be in [0, 1)")


@dataclass(frozen=True)
class Strip:
    """The text band of one image, scaled to a fixed height.

    Attributes
    ----------
    channels : ndarray of shape (G, Ws, STRIP_CHANNELS), float32
        Raw ink and cleaned-text ink, band rows resized to height G.
    profile : ndarray of shape (Ws,), float32
        Cleaned-text ink per column (vertical projection).
    scale : float
        Strip pixels per source pixel.
    top, bottom : int
        Band rows in the source image (half-open).
    start, end : int
        Text extent in strip columns (half-open) from the cleaned text; equal when no ink was
        found.
    ink_start, ink_end : int
        Extent of all ink, lines included (half-open).
    """

    channels: np.ndarray
    profile: np.ndarray
    scale: float
    top: int
    bottom: int
    start: int
    end: int
    ink_start: int
    ink_end: int

    @property
    def empty(self) -> bool:
        """True when the image has no text ink."""
        return self.end - self.start < 2

    def to_source_cols(self, cols: np.ndarray) -> np.ndarray:
        """Map strip columns to source-image columns."""
        return np.round(np.asarray(cols, np.float64) / self.scale).astype(int)


def _mass_range(mass: np.ndarray, tail: float) -> tuple[int, int]:
    """Half-open index range holding all but `tail` of the mass at each end."""
    total = float(mass.sum())
    if total <= 0:
        return 0, 0
    cum = np.cumsum(mass) / total
    lo = int(np.searchsorted(cum, tail, side="right"))
    hi = int(np.searchsorted(cum, 1.0 - tail, side="left")) + 1
    return lo, max(hi, lo + 1)


def make_strip(cleaned: Cleaned, config: StripConfig | None = None) -> Strip:
    """Cut the text band out of a cleaned image and scale it to `config.height` rows.

    Parameters
    ----------
    cleaned : Cleaned
    config : StripConfig, optional

    Returns
    -------
    Strip
    """
    config = config or StripConfig()
    height = config.height
    text = cleaned.text if cleaned.text.any() else cleaned.mask
    rows, cols = cleaned.ink.shape
    top, bottom = _mass_range(text.sum(axis=1).astype(np.float64), config.band_tail)
    if bottom - top < 2:
        top, bottom = 0, rows
    pad = int(round(config.margin * (bottom - top)))
    top, bottom = max(0, top - pad), min(rows, bottom + pad)
    scale = height / (bottom - top)
    width = max(2, int(round(cols * scale)))
    band = cleaned.planes(slice(top, bottom))
    interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    channels = cv2.resize(band, (width, height), interpolation=interp).reshape(
        height, width, STRIP_CHANNELS
    )
    profile = channels[:, :, 1].sum(axis=0)
    start, end = _mass_range(profile.astype(np.float64), config.text_tail)
    if config.tall_fraction > 0:
        start, end = tall_extent(channels[:, :, 1], start, end, config.tall_fraction)
    raw = channels[:, :, 0].sum(axis=0) * (channels[:, :, 0].max(axis=0) > 0.5)
    ink_start, ink_end = _mass_range(raw.astype(np.float64), config.ink_tail)
    if end - start < 2:
        ink_start, ink_end = start, end
    return Strip(
        channels.astype(np.float32),
        profile.astype(np.float32),
        scale,
        top,
        bottom,
        start,
        end,
        min(ink_start, start),
        max(ink_end, end),
    )


def tall_extent(text: np.ndarray, start: int, end: int, fraction: float) -> tuple[int, int]:
    """The columns of [start, end) from the first to the last whose ink spans at least
    `fraction` of the rows that the typical tall column spans (its 90th percentile).

    Parameters
    ----------
    text : ndarray of shape (G, Ws)
        Text ink of a strip (its second channel).

    Examples
    --------
    >>> t = np.zeros((10, 12), np.float32); t[4:6, :] = 1; t[1:9, 3:8] = 1
    >>> tall_extent(t, 0, 12, 0.5)
    (3, 8)
    """
    ink = text[:, start:end] > _SPAN_INK
    inked = ink.any(axis=0)
    if not inked.any():
        return start, end
    top = ink.argmax(axis=0)
    bottom = ink.shape[0] - ink[::-1].argmax(axis=0)
    spans = np.where(inked, bottom - top, 0)
    tall = np.flatnonzero(spans >= fraction * np.percentile(spans[inked], 90))
    return start + int(tall[0]), start + int(tall[-1]) + 1


def tighten(profile: np.ndarray, a: int, b: int) -> tuple[int, int]:
    """Shrink columns [a, b) to the part with cleaned ink, keeping [a, b) if there is none."""
    inked = np.flatnonzero(profile[a:b] > 1e-3)
    if inked.size == 0:
        return a, b
    return a + int(inked[0]), a + int(inked[-1]) + 1


def ink_extents(
    profile: np.ndarray, lo: np.ndarray, hi: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """`tighten` for many windows at once: the ink columns [a, b) of each [lo, hi).

    Examples
    --------
    >>> p = np.array([0, 0, 1, 1, 0, 0, 1, 0], np.float32)
    >>> [v.tolist() for v in ink_extents(p, np.array([0, 4]), np.array([5, 6]))]
    [[2, 4], [4, 6]]
    """
    inked = profile > 1e-3
    width = len(inked)
    cols = np.arange(width + 1)
    # next_ink[x]: first inked column >= x (width if none); last_ink[x]: last inked column < x.
    next_ink = np.minimum.accumulate(np.where(np.append(inked, True), cols, width)[::-1])[::-1]
    last_ink = np.maximum.accumulate(np.where(np.insert(inked, 0, False), cols - 1, -1))
    first, last = next_ink[lo], last_ink[hi]
    has_ink = first < hi
    return np.where(has_ink, first, lo), np.where(has_ink, last + 1, hi)


def window(strip: Strip, a: int, b: int, *, context: int = 0) -> np.ndarray:
    """The glyph window between strip columns a and b, tightened to its ink.

    With `context` > 0 the crop extends that many columns on each side (zeros beyond the
    strip) and a third channel marks the window itself, so a classifier can see whether ink
    continues past a cut.

    Returns
    -------
    glyph : ndarray of shape (G, w, 2), or (G, w + 2 * context, 3) with context, float32

    Examples
    --------
    >>> s = Strip(np.ones((8, 20, 2), np.float32), np.ones(20, np.float32), 1.0, 0, 8, 0, 20,
    ...           0, 20)
    >>> window(s, 5, 9).shape, window(s, 5, 9, context=3).shape
    ((8, 4, 2), (8, 10, 3))
    """
    a, b = tighten(strip.profile, a, b)
    if context <= 0:
        return strip.channels[:, a:b]
    height, width = strip.channels.shape[:2]
    out = np.zeros((height, b - a + 2 * context, 3), np.float32)
    lo, hi = max(0, a - context), min(width, b + context)
    out[:, lo - (a - context) : hi - (a - context), :2] = strip.channels[:, lo:hi]
    out[:, context : context + b - a, 2] = 1.0
    return out
