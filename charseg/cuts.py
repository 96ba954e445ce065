"""Candidate cut positions: projection minima, gaps and a regular grid (an over-segmentation)."""

from __future__ import annotations

import numpy as np

__all__ = ["candidate_cuts", "thin_run_edges", "window_pairs"]

#: Column ink at or below this counts as none.
_NO_INK = 1e-3


def candidate_cuts(
    profile: np.ndarray,
    start: int,
    end: int,
    *,
    grid_step: float,
    min_gap: int,
    anchors: tuple[int, ...] = (),
    thin: float = 0.0,
) -> np.ndarray:
    """Over-segment the text extent into candidate cut columns.

    Candidates are the local minima of the smoothed vertical projection (touching characters
    are thinnest where they touch), the middles of ink-free gaps, the ends of thin runs (see
    `thin_run_edges`: where a line stub or a joining stroke meets a glyph), and a regular grid
    with `grid_step` spacing so that no stretch of the text lacks candidates. `start` and
    `end` are always included.

    Parameters
    ----------
    profile : ndarray of shape (W,)
        Ink per column.
    start, end : int
        Text extent (half-open).
    grid_step : float
        Grid spacing in columns.
    min_gap : int
        Candidates closer than this are merged (minima win over grid points).
    anchors : tuple of int
        Columns inside the range that are always candidates.
    thin : float
        Thin-run level for `thin_run_edges` (0 = none); their ends are always candidates.

    Returns
    -------
    cuts : ndarray of shape (m,), int, sorted, cuts[0] == start, cuts[-1] == end

    Examples
    --------
    >>> p = np.array([0, 5, 5, 1, 5, 5, 0, 0], float)
    >>> candidate_cuts(p, 1, 6, grid_step=10, min_gap=2).tolist()
    [1, 3, 6]
    """
    if end <= start:
        return np.array([start, max(end, start)], int)
    seg = np.asarray(profile[start:end], np.float64)
    if thin > 0:
        anchors = (*anchors, *(thin_run_edges(seg, thin) + start).tolist())
    smooth = np.convolve(np.pad(seg, 1, mode="edge"), [0.25, 0.5, 0.25], mode="valid")
    inner = np.arange(1, len(smooth) - 1)
    is_min = (smooth[inner] <= smooth[inner - 1]) & (smooth[inner] < smooth[inner + 1])
    is_min |= (smooth[inner] < smooth[inner - 1]) & (smooth[inner] <= smooth[inner + 1])
    minima = inner[is_min] + start
    gap_starts, gap_ends = _runs(seg <= _NO_INK)
    gap_mid = start + (gap_starts + gap_ends) // 2
    strong = np.unique(np.concatenate([[start, end], anchors, minima, gap_mid]).astype(int))
    n_grid = max(1, int(round((end - start) / max(grid_step, 1.0))))
    grid = np.round(np.linspace(start, end, n_grid + 1)).astype(int)
    far = grid[np.abs(grid[:, None] - strong[None, :]).min(axis=1) >= min_gap]
    cuts = np.unique(np.concatenate([strong, far]))
    keep = [cuts[0]]
    for c in cuts[1:-1]:
        if (c - keep[-1] >= min_gap or c in anchors) and end - c >= min_gap:
            keep.append(c)
    keep.append(end)
    return np.array(keep, int)


def window_pairs(
    cuts: np.ndarray, min_width: float, max_width: float
) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (i, j), i < j, of candidate windows whose width lies in the bounds.

    Returns
    -------
    i, j : ndarray of shape (n,), int
    """
    cuts = np.asarray(cuts)
    width = cuts[None, :] - cuts[:, None]
    i, j = np.nonzero((width >= min_width) & (width <= max_width))
    return i, j


def thin_run_edges(profile: np.ndarray, level: float) -> np.ndarray:
    """Inner ends of the runs of thin, non-empty columns: ink at most `level` times the
    90th percentile of the inked columns (a strike line, a joining stroke, a glyph's thin
    side). Where such a run meets a glyph, a cut keeps the glyph whole.

    Examples
    --------
    >>> thin_run_edges(np.array([2, 2, 2, 9, 9, 9, 1, 9, 9, 0], float), 0.3).tolist()
    [3, 6, 7]
    """
    inked = profile > _NO_INK
    if not inked.any():
        return np.zeros(0, int)
    edges = np.concatenate(_runs(inked & (profile <= level * np.percentile(profile[inked], 90))))
    return np.unique(edges[(edges > 0) & (edges < len(profile))])


def _runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Starts and (exclusive) ends of the runs of True in a 1-D mask."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(int), [0]])))
    return edges[::2], edges[1::2]
