"""Forced alignment of every training image, and what the aligned glyphs teach about widths."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import numpy as np
from tqdm import tqdm

from charseg import Prepared, WidthBounds

from ..reading import WidthLearning, WidthModel, WindowScores, align, score_windows

if TYPE_CHECKING:
    from classifier import WindowClassifier

__all__ = [
    "align_all",
    "count_changed",
    "learn_bounds",
    "learn_widths",
    "relative_cut_widths",
    "scored",
]


def scored(
    classifier: WindowClassifier,
    prepared: Sequence[Prepared],
    lengths: Sequence[Sequence[int]],
    bounds: WidthBounds,
    *,
    desc: str,
    progress: bool,
    chunk: int = 128,
) -> Iterator[tuple[Sequence[Prepared], list[WindowScores]]]:
    """(prepared images, their window scores), `chunk` images classified at a time, so that
    memory stays flat however many images there are."""
    bar = tqdm(total=len(prepared), desc=desc, unit="img", disable=not progress, leave=False)
    for lo in range(0, len(prepared), chunk):
        part = prepared[lo : lo + chunk]
        yield part, score_windows(classifier, part, lengths[lo : lo + chunk], bounds)
        bar.update(len(part))
    bar.close()


def align_all(
    classifier: WindowClassifier,
    prepared: Sequence[Prepared],
    labels: Sequence[np.ndarray],
    bounds: WidthBounds,
    widths: WidthModel,
    *,
    width_weight: float,
    progress: bool,
) -> list[np.ndarray | None]:
    """The cuts that best explain each image's label (None where it cannot be placed)."""
    per_image = [[len(label)] for label in labels]
    pairs = (
        (prep, sc)
        for part, scores in scored(
            classifier, prepared, per_image, bounds, desc="aligning", progress=progress
        )
        for prep, sc in zip(part, scores, strict=True)
    )
    return [
        align(sc, prep, label, widths, width_weight=width_weight)
        for (prep, sc), label in zip(pairs, labels, strict=True)
    ]


def count_changed(
    old: Sequence[np.ndarray | None], new: Sequence[np.ndarray | None], tolerance: int = 0
) -> int:
    """How many images an alignment placed differently from the one before: newly placed,
    or with a cut moved by more than `tolerance` columns.

    Examples
    --------
    >>> old, new = [np.array([0, 5]), None], [np.array([0, 6]), np.array([1, 2])]
    >>> count_changed(old, new), count_changed(old, new, tolerance=1)
    (2, 1)
    """
    return sum(
        1
        for a, b in zip(old, new, strict=True)
        if b is not None and (a is None or len(a) != len(b) or np.any(np.abs(a - b) > tolerance))
    )


def relative_cut_widths(prepared: Prepared, cut: np.ndarray | None) -> np.ndarray | None:
    """Widths between consecutive cuts relative to the image's mean character width."""
    if cut is None:
        return None
    return np.diff(cut) / prepared.mean_width(len(cut) - 1)


def learn_bounds(
    rel: Sequence[np.ndarray | None], bounds: WidthBounds, settings: WidthLearning
) -> WidthBounds:
    """Relative width bounds from aligned glyphs' relative widths (`bounds` without any).

    Examples
    --------
    >>> low, high = learn_bounds([np.array([0.8, 1.0, 1.2])], (0.3, 2.2), WidthLearning())
    >>> round(low, 3), round(high, 3)
    (0.681, 1.379)
    """
    known = [r for r in rel if r is not None]
    if not known:
        return bounds
    low, high = np.quantile(np.concatenate(known), settings.quantiles)
    return (
        float(np.clip(settings.factors[0] * low, *settings.lower_range)),
        float(np.clip(settings.factors[1] * high, *settings.upper_range)),
    )


def learn_widths(
    rel: Sequence[np.ndarray | None],
    labels: Sequence[np.ndarray],
    n_classes: int,
    settings: WidthLearning,
    *,
    sigma: float,
) -> WidthModel:
    """The per-character width prior of aligned glyphs (`sigma` for all without any)."""
    return WidthModel.fit(
        rel,
        labels,
        n_classes,
        sigma=sigma,
        min_sigma=settings.min_sigma,
        prior_count=settings.prior_count,
    )
