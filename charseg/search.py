"""Exact choice of k windows from candidate cuts by dynamic programming."""

from __future__ import annotations

import numpy as np

__all__ = ["best_path"]


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
    starts = np.array([0]) if starts is None else np.asarray(starts, int)
    ends = np.array([m - 1]) if ends is None else np.asarray(ends, int)
    best = np.full(m, -np.inf)
    best[starts] = 0.0
    back = np.zeros((n_chars, m), int)
    for t in range(n_chars):
        total = best[:, None] + scores[min(t, scores.shape[0] - 1)]
        back[t] = np.argmax(total, axis=0)
        best = total[back[t], np.arange(m)]
    last = int(ends[np.argmax(best[ends])])
    if not np.isfinite(best[last]):
        return -np.inf, np.zeros(0, int)
    path = [last]
    for t in range(n_chars - 1, -1, -1):
        path.append(back[t, path[-1]])
    return float(best[last]), np.array(path[::-1], int)
