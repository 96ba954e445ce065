"""The windows a network learns from in one aligned strip: the aligned glyphs, jittered
copies of them and badly cut windows (the reject class)."""

from __future__ import annotations

import numpy as np

from charseg import Prepared, WidthBounds, allowed_windows

__all__ = ["bad_windows", "training_windows"]


def bad_windows(
    prepared: Prepared, cut: np.ndarray, bounds: WidthBounds, offset: float
) -> tuple[np.ndarray, np.ndarray]:
    """Allowed candidate windows whose start or end is far from every aligned cut (more
    than `offset` of a character width)."""
    k = len(cut) - 1
    i, j = allowed_windows(prepared, k, bounds)
    cands = prepared.candidates
    far = offset * prepared.mean_width(k)
    start_ok = np.abs(cands[i][:, None] - cut[None, :-1]) <= far
    end_ok = np.abs(cands[j][:, None] - cut[None, 1:]) <= far
    bad = ~np.any(start_ok & end_ok, axis=1)
    return cands[i[bad]], cands[j[bad]]


def training_windows(
    cut: np.ndarray,
    label: np.ndarray,
    width: int,
    *,
    jitter: int,
    copies: int,
    rng: np.random.Generator,
    bad: tuple[np.ndarray, np.ndarray] | None = None,
    negatives: float = 0.0,
    reject_index: int = -1,
    max_negatives: int | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Training windows [lo, hi) and labels of one aligned strip of `width` columns.

    Each aligned glyph comes as aligned and as `copies` copies with both cuts shifted by up
    to `jitter` columns; with `bad` (badly cut windows, see `bad_windows`) about `negatives`
    per character of them are added as `reject_index`, at most `max_negatives`.
    """
    k = len(label)
    shifts = rng.integers(-jitter, jitter + 1, (k, copies, 2))
    shifts = np.concatenate([np.zeros((k, 1, 2), int), shifts], axis=1)
    lo = np.clip(cut[:-1, None] + shifts[:, :, 0], 0, width - 2).ravel()
    hi = np.clip(cut[1:, None] + shifts[:, :, 1], lo.reshape(k, -1) + 2, width).ravel()
    y = np.repeat(label, copies + 1)
    if bad is not None:
        bad_lo, bad_hi = bad
        n_neg = min(len(bad_lo), int(rng.poisson(negatives * k)))
        if max_negatives is not None:
            n_neg = min(n_neg, max_negatives)
        pick = rng.choice(len(bad_lo), n_neg, replace=False)
        lo, hi = np.concatenate([lo, bad_lo[pick]]), np.concatenate([hi, bad_hi[pick]])
        y = np.concatenate([y, np.full(n_neg, reject_index)])
    return lo, hi, y
