"""Self-training: unlabelled captchas of a scheme, read by the reader itself, become labels
where it is sure of them.

A part of the labelled images is held out as a check. Each round reads the check images and
the unlabelled ones and scores every reading by `relative_scores`: the log-probability of each
character relative to the median for its symbol among the unlabelled readings. A symbol that
the reader is less sure of in general, like a wide `m` that shares its legs with `n`, is then
not starved of pseudo-labels: ranked by plain confidence, captcha_v2's first reader from 80
labels took `m` at a third of its share, and the next reader, with fewer `m` to learn from,
read `m` as `n` most of the time it erred. The threshold is the lowest score at which the
check's readings are right at least `precision` of the time, and the unlabelled readings at or
above it join the labelled images for the next training. The last training also takes the
check images. With `SelfTraining.continued`, a training after the first starts from the
previous reader's network, aligned by it, and runs the reader's refine schedule once
(`continued_config`) instead of a whole training from the start.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from charseg import ImageLoadError

from ..data import Dataset, DatasetError
from ..reading import CaptchaReader, ReaderConfig
from .cleaning import with_cleaning
from .train import train_reader

__all__ = [
    "SelfTraining",
    "confident_threshold",
    "continued_config",
    "relative_scores",
    "self_train",
    "symbol_log_medians",
]

_TINY = 1e-12  # probability floor before the logarithm


@dataclass(frozen=True)
class SelfTraining:
    """How training takes labels from unlabelled captchas.

    Attributes
    ----------
    rounds : int
        Read-and-retrain rounds at most (fewer when a round takes no more images than the
        one before).
    precision : float
        The threshold is the lowest score (`relative_scores`) at which the check's readings
        are right at least this often.
    check_fraction : float
        Labelled images held out as the check (at least `min_check`).
    min_check : int
    continued : bool
        Every training after the first continues the previous reader's network for one
        round of the refine schedule (`continued_config`) instead of training afresh.
    """

    rounds: int = 2
    precision: float = 0.98
    check_fraction: float = 0.2
    min_check: int = 10
    continued: bool = False

    def __post_init__(self) -> None:
        if self.rounds < 1 or not 0.0 < self.precision <= 1.0:
            raise ValueError("rounds must be at least 1 and precision in (0, 1]")


def confident_threshold(confidences: np.ndarray, correct: np.ndarray, precision: float) -> float:
    """The lowest confidence (or any score that ranks readings) at which the readings at or
    above it are right at least `precision` of the time (infinity when there is none).

    Examples
    --------
    >>> confident_threshold(np.array([0.9, 0.8, 0.5, 0.4]), np.array([1, 1, 0, 1]), 0.9)
    0.8
    """
    order = np.argsort(-np.asarray(confidences, float), kind="stable")
    ranked = np.asarray(confidences, float)[order]
    right = np.cumsum(np.asarray(correct, float)[order])
    accurate = right / np.arange(1, len(ranked) + 1) >= precision
    # A threshold must take every reading of its confidence: only where the next one is lower.
    distinct = np.append(ranked[1:] < ranked[:-1], True)
    ok = np.flatnonzero(accurate & distinct)
    return float(ranked[ok[-1]]) if ok.size else float("inf")


def continued_config(config: ReaderConfig) -> ReaderConfig:
    """The schedule of a training that continues a reader's network: one round of the later
    rounds' epochs and rate, its step floor and symbol views scaled down alike.

    Examples
    --------
    >>> c = continued_config(ReaderConfig(epochs=10, refine_epochs=4, min_steps=1000))
    >>> c.rounds, c.epochs, c.min_steps, c.class_views, c.learning_rate
    (1, 4, 400, 600, 0.001)
    """
    share = config.refine_epochs / config.epochs
    return dataclasses.replace(
        config,
        rounds=1,
        epochs=max(1, config.refine_epochs),
        learning_rate=config.learning_rate * config.refine_rate,
        min_steps=round(config.min_steps * share),
        class_views=round(config.class_views * share),
    )


def symbol_log_medians(
    texts: Sequence[str], probabilities: Sequence[Sequence[float]]
) -> dict[str, float]:
    """Median log-probability of each symbol over the characters of readings.

    Examples
    --------
    >>> symbol_log_medians(["ab", "a"], [[1.0, 0.5], [0.25]])
    {'a': -0.6931471805599453, 'b': -0.6931471805599453}
    """
    logs: dict[str, list[float]] = {}
    for text, probs in zip(texts, probabilities, strict=True):
        for symbol, p in zip(text, probs, strict=True):
            logs.setdefault(symbol, []).append(float(np.log(max(p, _TINY))))
    return {symbol: float(np.median(v)) for symbol, v in sorted(logs.items())}


def relative_scores(
    texts: Sequence[str],
    probabilities: Sequence[Sequence[float]],
    medians: Mapping[str, float],
) -> np.ndarray:
    """Each reading's sum over its characters of the log-probability minus its symbol's
    median (`symbol_log_medians`; 0 for a symbol without one); minus infinity when empty.

    Examples
    --------
    >>> relative_scores(["ab", ""], [[0.5, 0.5], []], {"a": np.log(0.5), "b": np.log(0.25)})
    array([0.69314718,       -inf])
    """
    return np.array(
        [
            sum(
                np.log(max(p, _TINY)) - medians.get(symbol, 0.0)
                for symbol, p in zip(text, probs, strict=True)
            )
            if text
            else -np.inf
            for text, probs in zip(texts, probabilities, strict=True)
        ],
        float,
    )


def self_train(
    labelled: Dataset,
    unlabelled: Sequence[str | os.PathLike[str]],
    config: ReaderConfig | None = None,
    *,
    settings: SelfTraining | None = None,
    init: CaptchaReader | None = None,
    progress: bool = True,
    log: Callable[[str], None] = print,
) -> CaptchaReader:
    """A reader trained on `labelled` and on the `unlabelled` images it reads surely.

    The cleaning and the text extent are chosen by the first training and kept for the
    others. The reader's `history["self_training"]` has one entry per round: the threshold
    (a `relative_scores` value), images taken, and the check's readings at that threshold
    (how many, how many right).

    Raises
    ------
    DatasetError
        Too few labelled images to hold out a check.
    """
    config = config or ReaderConfig()
    settings = settings or SelfTraining()
    fit, check = labelled.split(settings.check_fraction, seed=config.seed)
    if len(check) < settings.min_check or len(fit) == 0:
        raise DatasetError(
            labelled.paths[0].parent if len(labelled) else "dataset",
            f"{len(labelled)} labelled images: too few to hold out a check of "
            f"{settings.min_check} for self-training",
        )

    def train(
        data: Dataset, with_config: ReaderConfig, start: CaptchaReader | None
    ) -> CaptchaReader:
        return train_reader(data, with_config, init=start, progress=progress, log=log)

    reader = train(fit, config, init)
    config = with_cleaning(config, reader.config.segment.clean, reader.config.segment.strip)
    later = continued_config(config) if settings.continued else config
    paths = [Path(p) for p in unlabelled]
    rounds: list[dict[str, float | None]] = []
    taken = Dataset([], [])
    for round_no in range(settings.rounds):
        found, report = _sure_readings(reader, check, paths, settings.precision, log)
        rounds.append(report)
        threshold = float("inf") if report["threshold"] is None else report["threshold"]
        log(
            f"self-training round {round_no + 1}: {len(found)} of {len(paths)} unlabelled "
            f"images taken at relative score >= {threshold:.3g} "
            f"(check: {report['check_right']} of {report['check_taken']} readings at that "
            f"score right)"
        )
        last = round_no == settings.rounds - 1 or len(found) <= len(taken)
        taken = found
        data = _joined(fit, check, taken) if last else _joined(fit, taken)
        reader = train(data, later, reader if settings.continued else init)
        if last:
            break
    reader.history["self_training"] = rounds
    return reader


def _sure_readings(
    reader: CaptchaReader,
    check: Dataset,
    paths: Sequence[Path],
    precision: float,
    log: Callable[[str], None],
) -> tuple[Dataset, dict[str, float | None]]:
    """The unlabelled images whose readings score at or above the check's threshold."""
    found_paths, found = [], []
    for path, reading in zip(paths, reader.read_stream(paths), strict=True):
        if isinstance(reading, ImageLoadError):
            log(f"skipped: {reading}")
        elif reading.text:
            found_paths.append(path)
            found.append(reading)
    medians = symbol_log_medians([r.text for r in found], [r.confidences for r in found])
    checked = reader.read(check.paths)
    check_scores = relative_scores(
        [r.text for r in checked], [r.confidences for r in checked], medians
    )
    correct = np.array([r.text == label for r, label in zip(checked, check.labels, strict=True)])
    threshold = confident_threshold(check_scores, correct, precision)
    sure = check_scores >= threshold
    scores = relative_scores([r.text for r in found], [r.confidences for r in found], medians)
    taken = np.flatnonzero(scores >= threshold)
    report: dict[str, float | None] = {
        "threshold": threshold if np.isfinite(threshold) else None,
        "taken": len(taken),
        "check_taken": int(sure.sum()),
        "check_right": int((sure & correct).sum()),
    }
    return Dataset([found_paths[n] for n in taken], [found[n].text for n in taken]), report


def _joined(*parts: Dataset) -> Dataset:
    return Dataset(
        [p for part in parts for p in part.paths], [lab for part in parts for lab in part.labels]
    )
