"""Classifier scores of every allowed candidate window of a batch of images, from one
classification of all their windows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from charseg import Prepared, WidthBounds, allowed_windows, ink_extents

if TYPE_CHECKING:
    from classifier.window_scoring import WindowScoring

__all__ = ["WindowScores", "allowed_union", "score_windows", "window_inputs"]

_EPS = 1e-7


@dataclass(frozen=True)
class WindowScores:
    """Classifier log-probabilities of one image's candidate windows.

    Attributes
    ----------
    i, j : ndarray of shape (n,), int
        Candidate-cut indices of each window.
    log_proba : ndarray of shape (n, A), float32
    rel : dict of int to ndarray of shape (n,)
        Relative width of each window for each character count (NaN = outside the bounds).
    log_reject : ndarray of shape (n,), optional
        Log-probability of the reject class (badly cut windows), when the classifier has one.
    """

    i: np.ndarray
    j: np.ndarray
    log_proba: np.ndarray
    rel: dict[int, np.ndarray]
    log_reject: np.ndarray | None = None


def allowed_union(prepared: Prepared, lengths: Sequence[int], bounds: WidthBounds):
    """Union of the allowed windows (i, j) over `lengths`, with their relative width for
    each length (NaN where a window is not allowed for that length)."""
    cuts = prepared.candidates
    m = len(cuts)
    per_k = {}
    for k in lengths:
        i, j = allowed_windows(prepared, k, bounds)
        per_k[k] = i * m + j
    keys = np.unique(np.concatenate(list(per_k.values()) or [np.zeros(0, int)]))
    i, j = keys // m, keys % m
    rel = {}
    for k, key in per_k.items():
        allowed = np.zeros(len(keys), bool)
        allowed[np.searchsorted(keys, key)] = True
        rel[k] = np.where(allowed, prepared.relative_widths(i, j, k), np.nan)
    return i, j, rel


def window_inputs(
    prepared: Sequence[Prepared], lengths: Sequence[Sequence[int]], bounds: WidthBounds
) -> tuple[list[np.ndarray], list[np.ndarray], list[tuple[np.ndarray, np.ndarray, dict]]]:
    """What the network reads of images: the strips of the images with ink, each one's
    allowed windows tightened to their ink (n, 2), and per image the windows' cut indices
    and relative widths (`allowed_union`; none for an image without ink)."""
    specs = []
    strips, windows = [], []
    for prep, ks in zip(prepared, lengths, strict=True):
        if prep.strip.empty:
            specs.append((np.zeros(0, int), np.zeros(0, int), {k: np.zeros(0) for k in ks}))
            continue
        i, j, rel = allowed_union(prep, ks, bounds)
        strips.append(prep.strip.channels)
        lo, hi = ink_extents(prep.strip.profile, prep.candidates[i], prep.candidates[j])
        windows.append(np.stack([lo, hi], axis=1))
        specs.append((i, j, rel))
    return strips, windows, specs


def score_windows(
    classifier: WindowScoring,
    prepared: Sequence[Prepared],
    lengths: Sequence[Sequence[int]],
    bounds: WidthBounds,
) -> list[WindowScores]:
    """Classify every allowed window of every image in one batch, each window tightened to
    its ink.

    Parameters
    ----------
    classifier : WindowScoring
        A `WindowClassifier` or an `OnnxClassifier`.
    prepared : sequence of Prepared
    lengths : sequence of sequence of int
        Character counts considered for each image.
    bounds : WidthBounds
        Relative width bounds of a window.
    """
    strips, windows, specs = window_inputs(prepared, lengths, bounds)
    proba = classifier.window_proba(strips, windows)
    log_proba = np.log(proba[:, : len(classifier.alphabet)] + _EPS)
    log_reject = np.log(proba[:, -1] + _EPS) if classifier.reject else None
    out = []
    start = 0
    for i, j, rel in specs:
        part = slice(start, start + len(i))
        out.append(
            WindowScores(
                i, j, log_proba[part], rel, None if log_reject is None else log_reject[part]
            )
        )
        start += len(i)
    return out
