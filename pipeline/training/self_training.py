"""Self-training: unlabelled captchas of a scheme, read by the reader itself, become labels
where it is sure of them.

A part of the labelled images is held out as a check. Each round reads the check images and
the unlabelled ones; the confidence threshold is the lowest at which the check's readings are
right at least `precision` of the time, and the unlabelled readings at or above it join the
labelled images for the next training. The last training also takes the check images.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from charseg import ImageLoadError

from ..data import Dataset, DatasetError
from ..reading import CaptchaReader, ReaderConfig
from .cleaning import with_cleaning
from .train import train_reader

__all__ = ["SelfTraining", "confident_threshold", "self_train"]


@dataclass(frozen=True)
class SelfTraining:
    """How training takes labels from unlabelled captchas.

    Attributes
    ----------
    rounds : int
        Read-and-retrain rounds at most (fewer when a round takes no more images than the
        one before).
    precision : float
        The threshold is the lowest confidence at which the check's readings are right at
        least this often.
    check_fraction : float
        Labelled images held out as the check (at least `min_check`).
    min_check : int
    """

    rounds: int = 2
    precision: float = 0.98
    check_fraction: float = 0.2
    min_check: int = 10

    def __post_init__(self) -> None:
        if self.rounds < 1 or not 0.0 < self.precision <= 1.0:
            raise ValueError("rounds must be at least 1 and precision in (0, 1]")


def confident_threshold(confidences: np.ndarray, correct: np.ndarray, precision: float) -> float:
    """The lowest confidence at which the readings at or above it are right at least
    `precision` of the time (infinity when there is none).

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
    others. The reader's
    `history["self_training"]` has one entry per round: threshold, images taken, and the
    check's readings at that threshold (how many, how many right).

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

    def train(data: Dataset, with_config: ReaderConfig) -> CaptchaReader:
        return train_reader(data, with_config, init=init, progress=progress, log=log)

    reader = train(fit, config)
    config = with_cleaning(config, reader.config.segment.clean, reader.config.segment.strip)
    paths = [Path(p) for p in unlabelled]
    rounds: list[dict[str, float | None]] = []
    taken = Dataset([], [])
    for round_no in range(settings.rounds):
        found, report = _sure_readings(reader, check, paths, settings.precision, log)
        rounds.append(report)
        log(
            f"self-training round {round_no + 1}: {len(found)} of {len(paths)} unlabelled "
            f"images taken at confidence >= {report['threshold'] or float('inf'):.3g} (check: "
            f"{report['check_right']} of {report['check_taken']} readings at that "
            f"confidence right)"
        )
        last = round_no == settings.rounds - 1 or len(found) <= len(taken)
        taken = found
        data = _joined(fit, check, taken) if last else _joined(fit, taken)
        reader = train(data, config)
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
    """The unlabelled images read at or above the check's threshold, with their readings."""
    checked = reader.read(check.paths)
    confidences = np.array([r.confidence for r in checked])
    correct = np.array([r.text == label for r, label in zip(checked, check.labels, strict=True)])
    threshold = confident_threshold(confidences, correct, precision)
    sure = confidences >= threshold
    found_paths, texts = [], []
    for path, reading in zip(paths, reader.read_stream(paths), strict=True):
        if isinstance(reading, ImageLoadError):
            log(f"skipped: {reading}")
        elif reading.text and reading.confidence >= threshold:
            found_paths.append(path)
            texts.append(reading.text)
    report: dict[str, float | None] = {
        "threshold": threshold if np.isfinite(threshold) else None,
        "taken": len(found_paths),
        "check_taken": int(sure.sum()),
        "check_right": int((sure & correct).sum()),
    }
    return Dataset(found_paths, texts), report


def _joined(*parts: Dataset) -> Dataset:
    return Dataset(
        [p for part in parts for p in part.paths], [lab for part in parts for lab in part.labels]
    )
