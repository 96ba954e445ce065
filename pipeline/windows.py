"""Glyph batches from strip windows: the one preprocessing path of training and inference."""

from __future__ import annotations

import numpy as np

from charseg import CleanConfig, Strip, clean, window
from classifier import normalize_glyph

__all__ = ["glyph_batch", "precut_glyph"]


def precut_glyph(image: np.ndarray, channels: int, config: CleanConfig | None = None) -> np.ndarray:
    """The classifier channels of an image that holds one pre-cut glyph.

    Raw ink and line-free ink, like a strip window; with a third channel the whole image is
    the window (no context around it).

    Returns
    -------
    ndarray of shape (H, W, channels), float32
    """
    if channels not in (2, 3):
        raise ValueError(f"channels={channels} must be 2 or 3")
    cleaned = clean(image, config)
    planes = [cleaned.ink, cleaned.ink * cleaned.text]
    if channels == 3:
        planes.append(np.ones_like(cleaned.ink))
    return np.stack(planes, axis=2).astype(np.float32)


def _tightened(strip: Strip, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`charseg.tighten` for many windows at once."""
    inked = strip.profile > 1e-3
    width = len(inked)
    cols = np.arange(width + 1)
    # next_ink[x]: first inked column >= x (width if none); last_ink[x]: last inked column < x.
    next_ink = np.minimum.accumulate(np.where(np.append(inked, True), cols, width)[::-1])[::-1]
    last_ink = np.maximum.accumulate(np.where(np.insert(inked, 0, False), cols - 1, -1))
    first, last = next_ink[lo], last_ink[hi]
    has_ink = first < hi
    return np.where(has_ink, first, lo), np.where(has_ink, last + 1, hi)


def glyph_batch(
    strip: Strip,
    lo: np.ndarray,
    hi: np.ndarray,
    *,
    size: int,
    width: int | None = None,
    context: int = 0,
) -> np.ndarray:
    """Normalized glyphs of windows [lo, hi) of one strip.

    Equal to ``normalize_glyph(window(strip, a, b, context=context), size, width)`` for each
    window, but windows that fit the canvas without resizing are gathered in one step.

    Returns
    -------
    ndarray of shape (n, size, width, C), float32
    """
    width = width or size
    lo, hi = np.asarray(lo, int), np.asarray(hi, int)
    channels = 3 if context > 0 else 2
    out = np.zeros((len(lo), size, width, channels), np.float32)
    if len(lo) == 0:
        return out
    height, strip_width = strip.channels.shape[:2]
    a, b = _tightened(strip, lo, hi)
    span = b - a + 2 * context
    fits = (span <= width) & (height == size)
    idx = np.flatnonzero(fits)
    if idx.size:
        left = (width - span[idx]) // 2
        src = (a[idx] - context - left)[:, None] + np.arange(width)[None, :]
        inside = (src >= (a[idx] - context)[:, None]) & (src < (b[idx] + context)[:, None])
        inside &= (src >= 0) & (src < strip_width)
        gathered = strip.channels[:, np.clip(src, 0, strip_width - 1)]  # (G, n, width, 2)
        out[idx, :, :, :2] = np.transpose(gathered, (1, 0, 2, 3)) * inside[:, None, :, None]
        if context > 0:
            own = (src >= a[idx][:, None]) & (src < b[idx][:, None])
            out[idx, :, :, 2] = own[:, None, :]
    for n in np.flatnonzero(~fits):
        glyph = window(strip, int(lo[n]), int(hi[n]), context=context)
        out[n] = normalize_glyph(glyph, size, width)
    return out
