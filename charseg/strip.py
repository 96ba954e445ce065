"""Normalize the text band of a cleaned image to a fixed-height strip and cut windows from it."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .clean import Cleaned

__all__ = ["Strip", "make_strip", "window", "tighten"]


@dataclass(frozen=True)
class Strip:
    """The text band of one image, scaled to a fixed height.

    Attributes
    ----------
    channels : ndarray of shape (G, Ws, 2), float32
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


def make_strip(cleaned: Cleaned, *, height: int = 32, margin: float = 0.08) -> Strip:
    """Cut the text band out of a cleaned image and scale it to `height` rows.

    Parameters
    ----------
    cleaned : Cleaned
    height : int
        Strip height G in pixels.
    margin : float
        Extra rows above and below the band, as a fraction of its height.

    Returns
    -------
    Strip
    """
    if height < 8:
        raise ValueError(f"height={height} must be at least 8")
    text = cleaned.text if cleaned.text.any() else cleaned.mask
    rows, cols = cleaned.ink.shape
    top, bottom = _mass_range(text.sum(axis=1).astype(np.float64), 0.005)
    if bottom - top < 2:
        top, bottom = 0, rows
    pad = int(round(margin * (bottom - top)))
    top, bottom = max(0, top - pad), min(rows, bottom + pad)
    scale = height / (bottom - top)
    width = max(2, int(round(cols * scale)))
    band = np.stack([cleaned.ink[top:bottom], (text * cleaned.ink)[top:bottom]], axis=2)
    interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    channels = cv2.resize(band, (width, height), interpolation=interp).reshape(height, width, 2)
    profile = channels[:, :, 1].sum(axis=0)
    start, end = _mass_range(profile.astype(np.float64), 0.002)
    raw = channels[:, :, 0].sum(axis=0) * (channels[:, :, 0].max(axis=0) > 0.5)
    ink_start, ink_end = _mass_range(raw.astype(np.float64), 0.0005)
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


def tighten(profile: np.ndarray, a: int, b: int) -> tuple[int, int]:
    """Shrink columns [a, b) to the part with cleaned ink, keeping [a, b) if there is none."""
    inked = np.flatnonzero(profile[a:b] > 1e-3)
    if inked.size == 0:
        return a, b
    return a + int(inked[0]), a + int(inked[-1]) + 1


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
