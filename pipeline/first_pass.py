"""A cheap first reading: classify only the windows of the projection's cuts, and trust it
when every character is confident; the full search reads the rest.

The confidence to trust is learned in training: the lowest one at which every training captcha
the first pass would answer is read right, and as the search reads it (the first pass is a
shortcut to the search's answer, not a new answer).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from charseg import Prepared, SegmentConfig, model_free_cuts
from classifier import GlyphClassifier, StripClassifier

from .search import Decoded
from .windows import window_proba

__all__ = ["THRESHOLDS", "choose_threshold", "first_readings"]

THRESHOLDS = (0.8, 0.85, 0.9, 0.95, 0.97, 0.99)


def first_readings(
    classifier: GlyphClassifier | StripClassifier,
    prepared: Sequence[Prepared],
    n_chars: int,
    config: SegmentConfig,
) -> list[Decoded | None]:
    """The reading of each image from its model-free cuts (None where there are none).

    `Decoded.score` is the lowest character probability: the reading's weakest link.
    """
    found = [model_free_cuts(p, n_chars, config) for p in prepared]
    have = [n for n, c in enumerate(found) if c is not None]
    cuts = [c for c in found if c is not None]
    out: list[Decoded | None] = [None] * len(prepared)
    if not have:
        return out
    proba = window_proba(
        classifier,
        [prepared[n].strip for n in have],
        [c[:-1] for c in cuts],
        [c[1:] for c in cuts],
        context=config.context_columns,
    )[:, : len(classifier.alphabet)]
    proba = proba.reshape(len(have), n_chars, -1)
    for row, n in enumerate(have):
        best = proba[row].argmax(axis=1)
        probs = proba[row, np.arange(n_chars), best]
        text = "".join(classifier.alphabet[c] for c in best)
        out[n] = Decoded(text, probs, cuts[row], float(probs.min()))
    return out


def choose_threshold(
    readings: Sequence[Decoded | None],
    searched: Sequence[str],
    labels: Sequence[str],
    thresholds: Sequence[float] = THRESHOLDS,
    *,
    min_accepted: float = 0.05,
) -> float | None:
    """The lowest threshold at which every first reading trusted is right (equals its label)
    and equals the full search's reading (`searched`) of the same image.

    A confident wrong first reading disqualifies its threshold even where the search is wrong
    too: on new images the search may be right. None when even the highest threshold trusts
    such a reading, or trusts fewer than `min_accepted` of the images (then the first pass
    would cost more than it saves).

    Examples
    --------
    >>> r = [Decoded("ab", np.array([.99, .9]), np.zeros(3, int), .9),
    ...      Decoded("xb", np.array([.85, .99]), np.zeros(3, int), .85)]
    >>> choose_threshold(r, ["ab", "xb"], ["ab", "cb"])
    0.9
    """
    for threshold in sorted(thresholds):
        trusted = [
            r.text == text == label
            for r, text, label in zip(readings, searched, labels, strict=True)
            if r is not None and r.score >= threshold
        ]
        if all(trusted):
            return threshold if len(trusted) >= min_accepted * len(labels) else None
    return None
