"""Glyph batches from strip windows: the one preprocessing path of training and inference."""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from charseg import CleanConfig, Strip, clean
from classifier import GlyphClassifier, StripClassifier

__all__ = ["glyph_batch", "glyph_batches", "ink_extents", "precut_glyph", "window_proba"]


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


def ink_extents(
    profile: np.ndarray, lo: np.ndarray, hi: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """`charseg.tighten` for many windows at once: the ink columns [a, b) of each [lo, hi)."""
    inked = profile > 1e-3
    width = len(inked)
    cols = np.arange(width + 1)
    # next_ink[x]: first inked column >= x (width if none); last_ink[x]: last inked column < x.
    next_ink = np.minimum.accumulate(np.where(np.append(inked, True), cols, width)[::-1])[::-1]
    last_ink = np.maximum.accumulate(np.where(np.insert(inked, 0, False), cols - 1, -1))
    first, last = next_ink[lo], last_ink[hi]
    has_ink = first < hi
    return np.where(has_ink, first, lo), np.where(has_ink, last + 1, hi)


def window_proba(
    classifier: GlyphClassifier | StripClassifier,
    strips: Sequence[Strip],
    los: Sequence[np.ndarray],
    his: Sequence[np.ndarray],
    *,
    context: int,
) -> np.ndarray:
    """Class probabilities of windows [lo, hi) of many strips, in order, each tightened to its
    ink: one batch of glyphs for a glyph network (with `context` columns around each), the
    strips themselves for a strip network (which reads its own context).

    Returns
    -------
    ndarray of shape (sum of window counts, n_outputs), float32
    """
    if isinstance(classifier, StripClassifier):
        windows = [
            np.stack(ink_extents(s.profile, np.asarray(lo, int), np.asarray(hi, int)), axis=1)
            for s, lo, hi in zip(strips, los, his, strict=True)
        ]
        return classifier.window_proba([s.channels for s in strips], windows)
    batch = glyph_batches(
        strips,
        los,
        his,
        size=classifier.glyph_size,
        width=classifier.input_shape[1],
        context=context,
    )
    return classifier.predict_proba(batch)


def glyph_batch(
    strip: Strip,
    lo: np.ndarray,
    hi: np.ndarray,
    *,
    size: int,
    width: int | None = None,
    context: int = 0,
) -> np.ndarray:
    """Normalized glyphs of windows [lo, hi) of one strip (see `glyph_batches`)."""
    return glyph_batches([strip], [lo], [hi], size=size, width=width, context=context)


def glyph_batches(
    strips: Sequence[Strip],
    los: Sequence[np.ndarray],
    his: Sequence[np.ndarray],
    *,
    size: int,
    width: int | None = None,
    context: int = 0,
) -> np.ndarray:
    """Normalized glyphs of windows [lo, hi) of many strips, in order, in one batch.

    Equal to ``normalize_glyph(window(strip, a, b, context=context), size, width)`` for each
    window. The strips are laid side by side with `context` zero columns around each, so
    every window is a column range of one array: windows that fit the canvas are gathered
    in one step, wider ones are resized in one call per width.

    Parameters
    ----------
    strips : sequence of Strip
        All of height `size`.
    los, his : sequence of ndarray of int
        Window bounds of each strip, in its columns.

    Returns
    -------
    ndarray of shape (sum of window counts, size, width, C), float32
        C is 3 with context (the third channel marks the window's own columns), else 2.
    """
    width = width or size
    channels = 3 if context > 0 else 2
    if any(s.channels.shape[0] != size for s in strips):
        raise ValueError(f"every strip must have height {size}, the glyph size")
    total = sum(len(lo) for lo in los)
    out = np.zeros((total, size, width, channels), np.float32)
    if total == 0:
        return out
    board, profile, offsets = _side_by_side(strips, context)
    shift = np.repeat(offsets, [len(lo) for lo in los])
    lo = np.concatenate([np.asarray(v, int) for v in los]) + shift
    hi = np.concatenate([np.asarray(v, int) for v in his]) + shift
    a, b = ink_extents(profile, lo, hi)
    span = b - a + 2 * context
    fits = span <= width
    idx = np.flatnonzero(fits)
    if idx.size:
        left = (width - span[idx]) // 2
        src = (a[idx] - context - left)[:, None] + np.arange(width)[None, :]
        inside = (src >= (a[idx] - context)[:, None]) & (src < (b[idx] + context)[:, None])
        gathered = board[:, np.clip(src, 0, board.shape[1] - 1)]  # (G, n, width, 2)
        out[idx, :, :, :2] = np.transpose(gathered, (1, 0, 2, 3)) * inside[:, None, :, None]
        if context > 0:
            out[idx, :, :, 2] = ((src >= a[idx][:, None]) & (src < b[idx][:, None]))[:, None, :]
    for w in np.unique(span[~fits]):
        idx = np.flatnonzero(span == w)
        out[idx] = _resized(board, a[idx] - context, b[idx] - a[idx], int(w), size, width, context)
    return out


def _side_by_side(strips: Sequence[Strip], pad: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Strip channels and profiles laid side by side with `pad` zero columns around each,
    and the column offset of each strip."""
    widths = np.array([s.channels.shape[1] for s in strips], int)
    offsets = pad + np.concatenate([[0], np.cumsum(widths + pad)[:-1]])
    total = int(offsets[-1] + widths[-1] + pad)
    board = np.zeros((strips[0].channels.shape[0], total, 2), np.float32)
    profile = np.zeros(total, np.float32)
    for strip, start, w in zip(strips, offsets, widths, strict=True):
        board[:, start : start + w] = strip.channels
        profile[start : start + w] = strip.profile
    return board, profile, offsets


def _resized(
    board: np.ndarray,
    start: np.ndarray,
    own: np.ndarray,
    w: int,
    size: int,
    width: int,
    context: int,
) -> np.ndarray:
    """Windows of `w` columns from `start`, wider than the canvas: each centred on a canvas of
    the target aspect and resized as `normalize_glyph` does, all in one resize call (stacked
    vertically; area boundaries fall between the stacked canvases)."""
    height = board.shape[0]
    n = len(start)
    canvas_h = max(height, int(round(w * size / width)))
    top = (canvas_h - height) // 2
    channels = 3 if context > 0 else 2
    canvas = np.zeros((n, canvas_h, w, channels), np.float32)
    cols = start[:, None] + np.arange(w)[None, :]
    canvas[:, top : top + height, :, :2] = np.transpose(board[:, cols], (1, 0, 2, 3))
    if context > 0:
        mine = (np.arange(w)[None, :] >= context) & (np.arange(w)[None, :] < context + own[:, None])
        canvas[:, top : top + height, :, 2] = mine[:, None, :]
    interp = cv2.INTER_AREA if canvas_h > size else cv2.INTER_LINEAR
    stacked = cv2.resize(
        canvas.reshape(n * canvas_h, w, channels), (width, n * size), interpolation=interp
    )
    return stacked.reshape(n, size, width, channels)
