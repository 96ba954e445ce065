"""Exact choice of k windows from candidate cuts by dynamic programming."""

from __future__ import annotations

import numpy as np

__all__ = ["best_path", "best_paths"]


def best_path(
    scores: np.ndarray,
    n_chars: int,
    *,
    starts: np.ndarray | None = None,
    ends: np.ndarray | None = None,
) -> tuple[float, np.ndarray]:
    """Best chain of `n_chars` windows from a start cut to an end cut.

    Parameters
    ----------
    scores : ndarray of shape (m, m) or (n_chars, m, m)
        ``scores[t, i, j]`` is the score of window (cut i, cut j) as character t (a 2-D array
        scores every position alike); ``-inf`` marks windows that are not allowed.
    n_chars : int
        Number of windows k.
    starts, ends : ndarray of int, optional
        Cut indices where the chain may begin and end (default: the first and the last cut).

    Returns
    -------
    total : float
        Sum of the chosen window scores (``-inf`` when no chain exists).
    path : ndarray of shape (k + 1,), int
        Indices of the chosen cuts (empty when no chain exists).

    Examples
    --------
    >>> s = np.full((3, 3), -np.inf); s[0, 1] = -1; s[1, 2] = -1; s[0, 2] = -5
    >>> best_path(s, 2)
    (-2.0, array([0, 1, 2]))
    """
    if n_chars < 1:
        raise ValueError(f"n_chars={n_chars} must be at least 1")
    if scores.ndim == 2:
        scores = scores[None]
    if scores.ndim != 3 or scores.shape[1] != scores.shape[2]:
        raise ValueError(f"scores must have shape (m, m) or (k, m, m), got {scores.shape}")
    m = scores.shape[1]
    start_scores, end_scores = np.full((1, m), -np.inf), np.full((1, m), -np.inf)
    start_scores[0, [0] if starts is None else np.asarray(starts, int)] = 0.0
    end_scores[0, [m - 1] if ends is None else np.asarray(ends, int)] = 0.0
    totals, paths = best_paths(scores[None], n_chars, starts=start_scores, ends=end_scores)
    if not np.isfinite(totals[0]):
        return -np.inf, np.zeros(0, int)
    return float(totals[0]), paths[0]


def best_paths(
    scores: np.ndarray, n_chars: int, *, starts: np.ndarray, ends: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """`best_path` for a batch of images at once (pad smaller ones with ``-inf``).

    Parameters
    ----------
    scores : ndarray of shape (B, T, m, m), T = 1 or n_chars
    n_chars : int
    starts, ends : ndarray of shape (B, m), float
        Score added for beginning or ending each image's chain at each cut (0 for a plain
        zone, ``-inf`` where the chain may not begin or end).

    Returns
    -------
    totals : ndarray of shape (B,)
        ``-inf`` where an image has no chain (its path is then meaningless).
    paths : ndarray of shape (B, n_chars + 1), int
    """
    batch, positions, m, _ = scores.shape
    best = np.asarray(starts, np.float64)
    back = np.zeros((n_chars, batch, m), int)
    for t in range(n_chars):
        total = best[:, :, None] + scores[:, min(t, positions - 1)]
        back[t] = total.argmax(axis=1)
        best = total.max(axis=1)
    best = best + ends
    rows = np.arange(batch)
    paths = np.zeros((batch, n_chars + 1), int)
    paths[:, -1] = best.argmax(axis=1)
    for t in range(n_chars - 1, -1, -1):
        paths[:, t] = back[t, rows, paths[:, t + 1]]
    return best[rows, paths[:, -1]], paths
