"""Whole-string scores of readings against labels: accuracy, error rate, where errors come
from, confusions and the accuracy a confidence threshold buys."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from charseg import ink_extents

from ..data import Dataset
from ..reading import Reading

__all__ = [
    "ImageResult",
    "Evaluation",
    "confusion_matrix",
    "coverage_curve",
    "cuts_agree",
    "edit_distance",
    "score",
    "selective_accuracy",
    "text_scores",
]


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance between two strings.

    Examples
    --------
    >>> edit_distance("kitten", "sitting")
    3
    """
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        cur = [i]
        for j, cb in enumerate(b, start=1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def text_scores(texts: Sequence[str], labels: Sequence[str]) -> dict[str, float]:
    """Whole-string accuracy, positional character accuracy and character error rate of
    read texts against their labels.

    Examples
    --------
    >>> text_scores(["ab", "cd"], ["ab", "ce"])
    {'whole_accuracy': 0.5, 'char_accuracy': 0.75, 'cer': 0.25}
    """
    total = sum(map(len, labels))
    pairs = list(zip(texts, labels, strict=True))
    hits = sum(a == b for text, label in pairs for a, b in zip(text, label, strict=False))
    return {
        "whole_accuracy": sum(text == label for text, label in pairs) / len(pairs),
        "char_accuracy": hits / total,
        "cer": sum(edit_distance(text, label) for text, label in pairs) / total,
    }


def cuts_agree(
    found: Sequence[int],
    reference: np.ndarray | None,
    tolerance: float,
    *,
    profile: np.ndarray | None = None,
) -> bool:
    """True when both cut lists have the same length and every cut is within `tolerance`.

    With the strip's ink `profile`, each glyph's ink extent is compared instead of its cuts,
    so two cuts anywhere in the same blank gap agree.
    """
    if reference is None or len(found) != len(reference):
        return False
    a, b = np.asarray(found, int), np.asarray(reference, int)
    if profile is not None:
        a = np.concatenate(ink_extents(profile, a[:-1], a[1:]))
        b = np.concatenate(ink_extents(profile, b[:-1], b[1:]))
    return bool(np.all(np.abs(a - b) <= tolerance))


@dataclass(frozen=True)
class ImageResult:
    """One image's outcome."""

    path: str
    truth: str
    text: str
    confidence: float
    segmentation_ok: bool

    @property
    def correct(self) -> bool:
        """True when the whole string was read right."""
        return self.text == self.truth


@dataclass(frozen=True)
class Evaluation:
    """Scores of a reader on a dataset; fractions are in [0, 1].

    `segmentation_success` is the fraction of images read right or whose glyphs' ink extents
    agree (each within 15% of a character width) with those of the forced alignment of the
    true label under the same model: errors on such images are classification errors, the
    others segmentation errors. (Glyphs that overlap can be cut in several places that all
    read right; a right reading counts as a good segmentation.)
    """

    n: int
    whole_accuracy: float
    char_accuracy: float
    cer: float
    segmentation_success: float
    segmentation_errors: int
    classification_errors: int
    images_per_second: float
    position_accuracy: list[float]
    confusions: list[tuple[str, str, int]]
    results: list[ImageResult] = field(repr=False)

    def summary(self) -> dict[str, Any]:
        """The figures without the per-image results (JSON-ready)."""
        out = asdict(self)
        out.pop("results")
        out["confusions"] = [list(c) for c in self.confusions]
        return out

    def table(self) -> str:
        """A plain-text table of the main figures."""
        rows = [
            ("images", f"{self.n}"),
            ("whole-string accuracy", f"{100 * self.whole_accuracy:.2f}%"),
            ("character accuracy", f"{100 * self.char_accuracy:.2f}%"),
            ("character error rate", f"{100 * self.cer:.2f}%"),
            ("segmentation success", f"{100 * self.segmentation_success:.2f}%"),
            ("errors from segmentation", f"{self.segmentation_errors}"),
            ("errors from classification", f"{self.classification_errors}"),
            ("images per second", f"{self.images_per_second:.1f}"),
            ("accuracy by position", " ".join(f"{100 * a:.1f}" for a in self.position_accuracy)),
            (
                "most confused (truth>read)",
                ", ".join(f"{t}>{p}:{n}" for t, p, n in self.confusions[:8]) or "-",
            ),
        ]
        width = max(len(name) for name, _ in rows)
        return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)


def confusion_matrix(results: Sequence[ImageResult]) -> tuple[str, np.ndarray]:
    """Counts of (truth, read) characters over readings of the label's length.

    Returns
    -------
    symbols : str
        Sorted symbols seen in those labels or readings.
    counts : ndarray of shape (S, S), int
        ``counts[i, j]``: glyphs of ``symbols[i]`` read as ``symbols[j]``.
    """
    same_length = [r for r in results if len(r.text) == len(r.truth)]
    pairs = [pair for r in same_length for pair in zip(r.truth, r.text, strict=True)]
    symbols = "".join(sorted({c for pair in pairs for c in pair}))
    index = {c: n for n, c in enumerate(symbols)}
    counts = np.zeros((len(symbols), len(symbols)), int)
    for t, p in pairs:
        counts[index[t], index[p]] += 1
    return symbols, counts


def coverage_curve(results: Sequence[ImageResult]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Coverage and accuracy of the readings whose confidence is at least each threshold.

    Returns
    -------
    thresholds : ndarray, ascending
        The distinct confidences.
    coverage : ndarray
        Fraction of images kept at each threshold.
    accuracy : ndarray
        Whole-string accuracy of the kept images.
    """
    if not results:
        raise ValueError("no results")
    conf = np.array([r.confidence for r in results])
    ok = np.array([r.correct for r in results], float)
    order = np.argsort(-conf, kind="stable")
    conf, ok = conf[order], ok[order]
    kept = np.arange(1, len(conf) + 1)
    accuracy = np.cumsum(ok) / kept
    # A threshold keeps every tie, so each distinct confidence ends at its last occurrence.
    last = np.append(conf[1:] != conf[:-1], True)
    return conf[last][::-1], (kept[last] / len(conf))[::-1], accuracy[last][::-1]


def selective_accuracy(
    results: Sequence[ImageResult], min_confidence: float
) -> tuple[float, float]:
    """(fraction answered, whole-string accuracy of those) when readings below
    `min_confidence` are withheld; accuracy is nan when nothing is answered.

    Examples
    --------
    >>> rs = [ImageResult("a", "ab", "ab", 0.9, True), ImageResult("b", "cd", "cb", 0.2, True)]
    >>> selective_accuracy(rs, 0.5)
    (0.5, 1.0)
    """
    if not results:
        raise ValueError("no results")
    kept = [r for r in results if r.confidence >= min_confidence]
    accuracy = sum(r.correct for r in kept) / len(kept) if kept else float("nan")
    return len(kept) / len(results), accuracy


def score(
    dataset: Dataset,
    readings: Sequence[Reading],
    references: Sequence[np.ndarray | None],
    seconds: float,
    *,
    cut_tolerance: float = 0.15,
) -> Evaluation:
    """Figures from readings, the truth-aligned reference cuts and the reading time.

    A glyph's ink extent agrees with the reference when each end lies within
    `cut_tolerance` of a character width of it.
    """
    results = []
    max_len = max(len(label) for label in dataset.labels)
    pos_hits, pos_count = np.zeros(max_len), np.zeros(max_len)
    confusions: Counter[tuple[str, str]] = Counter()
    for path, truth, reading, ref in zip(
        dataset.paths, dataset.labels, readings, references, strict=True
    ):
        prepared = reading.prepared
        if prepared is None:
            raise ValueError("scoring readings needs them read with keep_prepared=True")
        tolerance = cut_tolerance * prepared.mean_width(len(truth))
        seg_ok = reading.text == truth or cuts_agree(
            reading.cuts, ref, tolerance, profile=prepared.strip.profile
        )
        results.append(
            ImageResult(str(Path(path)), truth, reading.text, reading.confidence, seg_ok)
        )
        for pos, char in enumerate(truth):
            hit = pos < len(reading.text) and reading.text[pos] == char
            pos_hits[pos] += hit
            pos_count[pos] += 1
            if len(reading.text) == len(truth) and not hit:
                confusions[(char, reading.text[pos])] += 1
    wrong = [r for r in results if not r.correct]
    texts = text_scores([r.text for r in readings], dataset.labels)
    return Evaluation(
        n=len(results),
        whole_accuracy=texts["whole_accuracy"],
        char_accuracy=texts["char_accuracy"],
        cer=texts["cer"],
        segmentation_success=sum(r.segmentation_ok for r in results) / len(results),
        segmentation_errors=sum(not r.segmentation_ok for r in wrong),
        classification_errors=sum(r.segmentation_ok for r in wrong),
        images_per_second=len(results) / seconds if seconds > 0 else float("inf"),
        position_accuracy=[float(h / c) for h, c in zip(pos_hits, pos_count, strict=True) if c],
        confusions=[(t, p, n) for (t, p), n in confusions.most_common(20)],
        results=results,
    )
