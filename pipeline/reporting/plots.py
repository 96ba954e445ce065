"""PNG charts of training and evaluation: curves, confusion matrix, accuracy by position."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import NullLocator

from ..evaluation import ImageResult, confusion_matrix, coverage_curve

__all__ = [
    "plot_training",
    "plot_confusion",
    "plot_positions",
    "plot_coverage",
    "plot_learning_curve",
]

PathLike = str | os.PathLike[str]


def _save(fig: Figure, path: PathLike) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    FigureCanvasAgg(fig)
    fig.savefig(path, dpi=110, bbox_inches="tight")
    return path


def plot_training(epochs: Sequence[dict[str, Any]], path: PathLike) -> Path:
    """Loss and accuracy of every epoch, rounds separated by dashed lines."""
    if not epochs:
        raise ValueError("no epochs to plot")
    fig = Figure(figsize=(8, 3.2))
    ax_loss, ax_acc = fig.subplots(1, 2)
    x = np.arange(1, len(epochs) + 1)
    ax_loss.plot(x, [e["loss"] for e in epochs], color="tab:red")
    ax_acc.plot(x, [e["accuracy"] for e in epochs], color="tab:blue")
    rounds = [e["round"] for e in epochs]
    starts = [n + 0.5 for n in range(1, len(rounds)) if rounds[n] != rounds[n - 1]]
    for ax, name in ((ax_loss, "loss"), (ax_acc, "glyph accuracy")):
        for s in starts:
            ax.axvline(s, color="gray", linestyle="--", linewidth=0.8)
        ax.set_xlabel("epoch (dashed: new alignment round)")
        ax.set_ylabel(name)
        ax.grid(alpha=0.3)
    ax_acc.set_ylim(0, 1.01)
    fig.suptitle("training")
    return _save(fig, path)


def plot_confusion(results: Sequence[ImageResult], path: PathLike) -> Path:
    """Truth-by-reading matrix of characters in readings of the right length.

    Rows are normalized to the truth's count; off-diagonal cells show their counts.
    """
    symbols, counts = confusion_matrix(results)
    if not symbols:
        raise ValueError("no reading has the length of its label: nothing to compare")
    rates = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    side = max(4.0, 0.32 * len(symbols) + 1.5)
    fig = Figure(figsize=(side + 1, side))
    ax = fig.subplots()
    image = ax.imshow(rates, cmap="Blues", vmin=0, vmax=1)
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label="fraction of the truth's glyphs")
    ticks = np.arange(len(symbols))
    ax.set_xticks(ticks, list(symbols))
    ax.set_yticks(ticks, list(symbols))
    ax.set_xlabel("read as")
    ax.set_ylabel("truth")
    for i, j in zip(*np.nonzero(counts), strict=True):
        if i != j:
            ax.text(j, i, str(counts[i, j]), ha="center", va="center", color="red", fontsize=7)
    n = int(counts.sum())
    ax.set_title(f"confusion matrix ({n} glyphs, errors in red)")
    return _save(fig, path)


def plot_positions(position_accuracy: Sequence[float], path: PathLike) -> Path:
    """Character accuracy at each position of the label."""
    if not position_accuracy:
        raise ValueError("no positions to plot")
    fig = Figure(figsize=(max(4.0, 0.6 * len(position_accuracy) + 2), 3))
    ax = fig.subplots()
    pos = np.arange(1, len(position_accuracy) + 1)
    values = 100 * np.asarray(position_accuracy)
    bars = ax.bar(pos, values, color="tab:blue")
    ax.bar_label(bars, labels=[f"{v:.1f}" for v in values], fontsize=8)
    low = max(0.0, float(values.min()) - 10)
    ax.set_ylim(low, 100.5)
    ax.set_xticks(pos)
    ax.set_xlabel("position in the label")
    ax.set_ylabel("character accuracy (%)")
    ax.set_title("accuracy by position")
    return _save(fig, path)


def plot_coverage(results: Sequence[ImageResult], path: PathLike) -> Path:
    """Whole-string accuracy of the readings kept, against the fraction kept, as the
    confidence threshold rises (the trade-off behind `--min-confidence`)."""
    thresholds, coverage, accuracy = coverage_curve(results)
    fig = Figure(figsize=(5, 3.4))
    ax = fig.subplots()
    ax.plot(100 * coverage, 100 * accuracy, color="tab:green")
    for t in (0.5, 0.9):
        k = int(np.searchsorted(thresholds, t))
        if k < len(thresholds):
            ax.plot(100 * coverage[k], 100 * accuracy[k], "o", color="black")
            ax.annotate(
                f"conf ≥ {t}",
                (100 * coverage[k], 100 * accuracy[k]),
                fontsize=8,
                xytext=(4, -12),
                textcoords="offset points",
            )
    ax.set_xlabel("images answered (%)")
    ax.set_ylabel("whole-string accuracy of those (%)")
    ax.set_xlim(0, 101)
    ax.grid(alpha=0.3)
    ax.set_title("accuracy vs coverage")
    return _save(fig, path)


def plot_learning_curve(
    curves: Mapping[str, Sequence[tuple[int, float]]],
    path: PathLike,
    *,
    title: str = "how many labels break it",
    no_labels: Mapping[str, float] | None = None,
) -> Path:
    """Whole-string accuracy against labelled training images (log scale), one line per
    named curve, with the 50% and 90% levels marked and a dashed level for each reader in
    `no_labels` (what it reads with no labels at all)."""
    if not any(curves.values()):
        raise ValueError("no points to plot")
    fig = Figure(figsize=(6, 3.8))
    ax = fig.subplots()
    for name, points in curves.items():
        pts = sorted(points)
        ax.plot([p[0] for p in pts], [100 * p[1] for p in pts], "o-", label=name, markersize=4)
    for name, accuracy in (no_labels or {}).items():
        ax.axhline(100 * accuracy, color="black", linestyle="--", linewidth=1, label=name)
    for level in (50, 90):
        ax.axhline(level, color="gray", linestyle=":", linewidth=0.8)
    ax.set_xscale("log")
    budgets = sorted({p[0] for points in curves.values() for p in points})
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xticks(budgets, [str(b) for b in budgets])
    ax.set_xlabel("labelled training captchas")
    ax.set_ylabel("whole-string accuracy on held-out (%)")
    ax.set_ylim(-2, 102)
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8)
    ax.set_title(title)
    return _save(fig, path)
