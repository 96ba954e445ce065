"""Glyph normalization: pad to the target aspect (keeping the glyph's own), then resize."""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

__all__ = ["normalize_glyph", "normalize_glyphs"]


def normalize_glyph(glyph: np.ndarray, size: int, width: int | None = None) -> np.ndarray:
    """Center a glyph on a canvas of the target aspect and resize it to (size, width).

    The canvas is the smallest one of aspect ``size : width`` that holds the glyph, so the
    glyph keeps its own aspect; a glyph of height `size` that fits is not resized at all.

    Parameters
    ----------
    glyph : ndarray of shape (h, w) or (h, w, C), float, ink high
    size : int
        Output height.
    width : int, optional
        Output width (default: `size`, a square).

    Returns
    -------
    ndarray of shape (size, width, C), float32

    Examples
    --------
    >>> normalize_glyph(np.ones((32, 8, 2), np.float32), 32).shape
    (32, 32, 2)
    >>> normalize_glyph(np.ones((32, 40, 3), np.float32), 32, 48).shape
    (32, 48, 3)
    """
    width = width or size
    if glyph.ndim == 2:
        glyph = glyph[:, :, None]
    if glyph.ndim != 3 or glyph.shape[0] == 0 or glyph.shape[1] == 0:
        raise ValueError(
            f"glyph must have shape (h, w) or (h, w, C) with h, w > 0, got {glyph.shape}"
        )
    h, w, c = glyph.shape
    if w * size <= h * width:
        canvas_h, canvas_w = h, max(w, int(round(h * width / size)))
    else:
        canvas_h, canvas_w = max(h, int(round(w * size / width))), w
    canvas = np.zeros((canvas_h, canvas_w, c), np.float32)
    top, left = (canvas_h - h) // 2, (canvas_w - w) // 2
    canvas[top : top + h, left : left + w] = glyph
    if (canvas_h, canvas_w) != (size, width):
        interp = cv2.INTER_AREA if canvas_h > size else cv2.INTER_LINEAR
        canvas = cv2.resize(canvas, (width, size), interpolation=interp).reshape(size, width, c)
    return canvas


def normalize_glyphs(
    glyphs: Sequence[np.ndarray], size: int, width: int | None = None
) -> np.ndarray:
    """Normalize a list of glyphs into one batch.

    Returns
    -------
    ndarray of shape (N, size, width, C), float32
    """
    if len(glyphs) == 0:
        return np.zeros((0, size, width or size, 1), np.float32)
    return np.stack([normalize_glyph(g, size, width) for g in glyphs])
