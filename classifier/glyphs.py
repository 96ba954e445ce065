"""Glyph normalization: pad to a square that keeps the aspect, then resize."""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

__all__ = ["normalize_glyph", "normalize_glyphs"]


def normalize_glyph(glyph: np.ndarray, size: int) -> np.ndarray:
    """Center a glyph on a square canvas of its larger side and resize it to `size`.

    Parameters
    ----------
    glyph : ndarray of shape (h, w) or (h, w, C), float, ink high
    size : int

    Returns
    -------
    ndarray of shape (size, size, C), float32

    Examples
    --------
    >>> normalize_glyph(np.ones((32, 8, 2), np.float32), 32).shape
    (32, 32, 2)
    """
    if glyph.ndim == 2:
        glyph = glyph[:, :, None]
    if glyph.ndim != 3 or glyph.shape[0] == 0 or glyph.shape[1] == 0:
        raise ValueError(
            f"glyph must have shape (h, w) or (h, w, C) with h, w > 0, got {glyph.shape}"
        )
    h, w, c = glyph.shape
    side = max(h, w)
    canvas = np.zeros((side, side, c), np.float32)
    top, left = (side - h) // 2, (side - w) // 2
    canvas[top : top + h, left : left + w] = glyph
    if side != size:
        interp = cv2.INTER_AREA if side > size else cv2.INTER_LINEAR
        canvas = cv2.resize(canvas, (size, size), interpolation=interp).reshape(size, size, c)
    return canvas


def normalize_glyphs(glyphs: Sequence[np.ndarray], size: int) -> np.ndarray:
    """Normalize a list of glyphs into one batch.

    Returns
    -------
    ndarray of shape (N, size, size, C), float32
    """
    if len(glyphs) == 0:
        return np.zeros((0, size, size, 1), np.float32)
    return np.stack([normalize_glyph(g, size) for g in glyphs])
