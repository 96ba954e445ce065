"""Choosing how to read: the width-prior weight that reads the training captchas best."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from charseg import Prepared, WidthBounds

from ..reading import WidthModel, decode_batch, length_log_prior
from .alignment import scored

if TYPE_CHECKING:
    from classifier import WindowClassifier

__all__ = ["choose_decode_weight", "decode_texts"]


def decode_texts(
    classifier: WindowClassifier,
    prepared: Sequence[Prepared],
    lengths: Mapping[int, int],
    widths: WidthModel,
    bounds: WidthBounds,
    weights: Sequence[float],
    *,
    progress: bool = False,
) -> dict[float, list[str]]:
    """The search's reading of every image under each width-prior weight, from one
    classification of the windows."""
    prior = length_log_prior(lengths)
    texts: dict[float, list[str]] = {w: [] for w in weights}
    per_image = [sorted(lengths)] * len(prepared)
    for part, scores in scored(
        classifier, prepared, per_image, bounds, desc="reading", progress=progress
    ):
        for w in weights:
            found = decode_batch(scores, part, classifier.alphabet, prior, widths, width_weight=w)
            texts[w].extend(f.text for f in found)
    return texts


def choose_decode_weight(
    texts: Mapping[float, Sequence[str]], labels: Sequence[str]
) -> tuple[float, dict[float, float]]:
    """The width-prior weight for reading, and the fraction of `labels` read right under each
    weight (`texts` as from `decode_texts`).

    The chosen weight is the largest one whose accuracy is within one standard error of the
    best (the one-standard-error rule): the classifier is surer of its own training images
    than of new ones, so the best weight on them underrates the prior.

    Examples
    --------
    >>> choose_decode_weight({0.0: ["ab", "cd"], 1.0: ["ab", "xx"]}, ["ab", "cd"])
    (0.0, {0.0: 1.0, 1.0: 0.5})
    """
    n = max(len(labels), 1)
    accuracy = {
        w: sum(t == y for t, y in zip(read, labels, strict=True)) / n for w, read in texts.items()
    }
    top = max(accuracy.values())
    margin = math.sqrt(top * (1 - top) / n)
    return max(w for w in accuracy if accuracy[w] >= top - margin - 1e-12), accuracy
