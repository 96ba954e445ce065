"""Scoring a reader on a labelled dataset: every image read, and aligned to its label to tell
segmentation errors from classification errors."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from tqdm import tqdm

from charseg import Prepared

from ..data import Dataset, DatasetError
from ..reading import CaptchaReader, Reading, align
from ..reading.workers import map_in_workers, worker_count
from .metrics import Evaluation, score

__all__ = ["evaluate", "read_and_align"]


def evaluate(
    reader: CaptchaReader,
    dataset: Dataset,
    *,
    batch_size: int = 64,
    cut_tolerance: float = 0.15,
    progress: bool = True,
) -> tuple[Evaluation, list[Reading]]:
    """Read every image of `dataset` and score the readings against the labels
    (`cut_tolerance`: see `score`).

    Raises
    ------
    DatasetError
        An empty dataset, or a label with symbols the reader does not know.
    """
    if len(dataset) == 0:
        raise DatasetError("dataset", "no images to evaluate")
    known = set(reader.alphabet)
    for path, label in zip(dataset.paths, dataset.labels, strict=True):
        unknown = "".join(sorted(set(label) - known))
        if unknown:
            raise DatasetError(
                path, f"label {label!r} uses symbols the model does not know: {unknown!r}"
            )
    readings: list[Reading] = []
    references: list[np.ndarray | None] = []
    bar = tqdm(total=len(dataset), desc="evaluating", unit="img", disable=not progress, leave=False)
    parts = [
        (dataset.paths[lo : lo + batch_size], dataset.labels[lo : lo + batch_size])
        for lo in range(0, len(dataset), batch_size)
    ]
    workers = worker_count(reader, len(parts))
    started = time.perf_counter()
    done = (
        map_in_workers(reader, _read_and_align_paths, parts, workers)
        if workers > 1
        else (_read_and_align_paths(reader, *part) for part in parts)
    )
    for part, refs in done:
        readings.extend(part)
        references.extend(refs)
        bar.update(len(part))
    seconds = time.perf_counter() - started
    bar.close()
    return score(dataset, readings, references, seconds, cut_tolerance=cut_tolerance), readings


def _read_and_align_paths(
    reader: CaptchaReader, paths: Sequence[Path], labels: Sequence[str]
) -> tuple[list[Reading], list[np.ndarray | None]]:
    """`read_and_align` of image files (run in a worker process where there are several
    cores: `workers.map_in_workers`)."""
    return read_and_align(reader, reader.prepare(paths), labels)


def read_and_align(
    reader: CaptchaReader, prepared: Sequence[Prepared], labels: Sequence[str]
) -> tuple[list[Reading], list[np.ndarray | None]]:
    """Readings, and the cuts that best explain the known labels, from one classification.

    The truth-aligned cuts (None where a label cannot be placed; scored as the reading is,
    with the same width-prior weight) tell segmentation errors from classification errors.
    """
    index = {c: n for n, c in enumerate(reader.alphabet)}
    scores = reader.score(prepared, [len(label) for label in labels])
    references = [
        align(
            sc,
            prep,
            np.array([index[c] for c in label], int),
            reader.learned.widths,
            width_weight=reader.learned.decode_weight,
        )
        for prep, sc, label in zip(prepared, scores, labels, strict=True)
    ]
    return reader.decode(scores, prepared), references
