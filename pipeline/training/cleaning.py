"""Choosing a scheme's cleaning from its training images (`CleaningChoice`).

A quick reader is trained under each candidate cleaning on the same few training images and
scored on other training images: the candidate under which the most characters read right is
kept. Cleaning that removes glyph strokes (a median filter on hairline serifs, line removal on
dotted digits) shows up as a reader that cannot learn those glyphs.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

import numpy as np

from charseg import CleanConfig, without_steps

from ..data import Dataset
from ..reading import CaptchaReader, ReaderConfig

__all__ = ["char_accuracy", "choose_cleaning", "cleaning_name"]


def cleaning_name(off: Sequence[str]) -> str:
    """How logs and model files name the cleaning with the steps `off` turned off."""
    return "without " + " and ".join(off) if off else "as configured"


def choose_cleaning(
    dataset: Dataset,
    config: ReaderConfig,
    train: Callable[[Dataset, ReaderConfig], CaptchaReader],
    log: Callable[[str], None],
) -> tuple[str, CleanConfig, dict[str, float]]:
    """The name of the cleaning to train with, its settings, and each tried cleaning's
    character accuracy (empty when the configured cleaning is kept without trying: no steps
    to choose, or too few images).

    The configured cleaning and each of `config.cleaning.steps` turned off alone are tried;
    when several steps read better off, all of them off together is tried too. The best
    wins, but another cleaning must beat the configured one by more than one standard error
    of the configured one's score (so noise between quick readers keeps the configured
    cleaning). `train(dataset, config)` trains a quick reader (`train_reader` without
    progress or logs).
    """
    choice = config.cleaning
    if not choice.steps or len(dataset) < choice.min_images:
        return cleaning_name(()), config.segment.clean, {}
    fit, held = _probe_sets(dataset, config)
    probe = dataclasses.replace(
        config,
        rounds=1,
        epochs=1,
        min_steps=choice.probe_steps,
        decode_weights=(config.width_weight,),
        cleaning=dataclasses.replace(choice, steps=()),
    )
    tried: dict[str, CleanConfig] = {}
    scores: dict[str, float] = {}

    def attempt(off: Sequence[str]) -> float:
        name = cleaning_name(off)
        tried[name] = without_steps(config.segment.clean, off)
        segment = dataclasses.replace(config.segment, clean=tried[name])
        reader = train(fit, dataclasses.replace(probe, segment=segment))
        scores[name] = char_accuracy([r.text for r in reader.read(held.paths)], held.labels)
        log(f"cleaning {name}: {scores[name]:.1%} of characters read right")
        return scores[name]

    baseline = attempt(())
    # A step goes off only for a gain beyond one standard error of the baseline's score.
    chars = sum(len(label) for label in held.labels)
    bar = baseline + float(np.sqrt(baseline * (1.0 - baseline) / chars))
    better = [step for step in choice.steps if attempt([step]) > bar]
    if len(better) > 1:
        attempt(better)
    contenders = {name: score for name, score in scores.items() if score > bar}
    best = max(contenders, key=lambda name: contenders[name], default=cleaning_name(()))
    log(f"cleaning chosen: {best} ({len(fit)} images to train on, {len(held)} to score)")
    return best, tried[best], scores


def char_accuracy(texts: Sequence[str], labels: Sequence[str]) -> float:
    """Fraction of label characters read right at their position.

    Examples
    --------
    >>> char_accuracy(["ab", "cd"], ["ab", "ce"])
    0.75
    """
    total = sum(len(label) for label in labels)
    hits = sum(
        a == b for t, lab in zip(texts, labels, strict=True) for a, b in zip(t, lab, strict=False)
    )
    return hits / max(total, 1)


def _probe_sets(dataset: Dataset, config: ReaderConfig) -> tuple[Dataset, Dataset]:
    """Disjoint random training and scoring images for the quick readers: a third of the
    images (at most `probe_test`) to score, of the rest at most `probe_train` to train."""
    choice = config.cleaning
    order = np.random.default_rng(config.seed).permutation(len(dataset))
    n_test = min(choice.probe_test, len(dataset) // 3)
    n_train = min(choice.probe_train, len(dataset) - n_test)
    return (
        dataset.subset(np.sort(order[n_test : n_test + n_train])),
        dataset.subset(np.sort(order[:n_test])),
    )
