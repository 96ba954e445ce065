"""`train_reader`: a reader trained on a labelled dataset, from scratch or from a base."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from charseg import CleanConfig, Prepared, StripConfig

from ..data import Dataset, DatasetError
from ..reading import CaptchaReader, Learned, ReaderConfig, prepare_images
from .calibration import choose_decode_weight, decode_texts
from .checkpoint import Checkpoint, CheckpointError, fingerprint
from .cleaning import choose_cleaning, choose_extent, with_cleaning
from .precision import choose_int8
from .rounds import TrainingResult, run_rounds

__all__ = ["train_reader"]


def train_reader(
    dataset: Dataset,
    config: ReaderConfig | None = None,
    *,
    init: CaptchaReader | None = None,
    checkpoint: str | os.PathLike[str] | None = None,
    resume: bool = False,
    progress: bool = True,
    log: Callable[[str], None] = print,
) -> CaptchaReader:
    """Train a reader on a labelled dataset (alphabet and lengths come from its labels).

    With `init` (a trained reader, e.g. from `pretrain`), the network starts from its
    weights with outputs mapped by symbol, and its architecture and strip height are used;
    width bounds and priors are learned afresh.

    With `checkpoint` (a folder), the network is saved there after every epoch and the
    alignment after every round; `resume=True` continues an interrupted run of the same
    dataset and settings from it. The folder is left for the caller to delete once the
    model is saved.

    Raises
    ------
    DatasetError
        An empty dataset or fewer than two symbols.
    CheckpointError
        `resume` without a usable checkpoint, a checkpoint of another run, or a checkpoint
        already there without `resume` (it is never overwritten).
    """
    config = config or ReaderConfig()
    _check_trainable(dataset)
    if init is not None:
        config = _with_network_of(config, init.config)
    store = Checkpoint(checkpoint) if checkpoint is not None else None
    if resume and store is None:
        raise ValueError("resume=True needs a checkpoint folder")
    if store is not None and store.exists() and not resume:
        raise CheckpointError(
            store.folder, "an interrupted run's checkpoint is here: resume it or delete it"
        )
    key = fingerprint(
        list(dataset.labels), [p.name for p in dataset.paths], dataclasses.asdict(config)
    )
    cleaning = _cleaning(dataset, config, store if resume else None, log)
    if store is not None:
        store.save_cleaning(cleaning)
    config = with_cleaning(
        config, CleanConfig(**cleaning["settings"]), StripConfig(**cleaning["strip"])
    )
    prepared = prepare_images(dataset.paths, config.segment, progress=progress)
    dataset, prepared = _usable(dataset, prepared, config.outlier_width, log)
    result = run_rounds(
        prepared,
        dataset.labels,
        dataset.alphabet,
        config,
        progress=progress,
        log=log,
        checkpoint=store,
        resume_key=key if resume else None,
        run_key=key,
        init=init.classifier if init is not None else None,
    )
    lengths = dict(dataset.lengths)
    weight, texts = _decode_weight(result, prepared, dataset.labels, lengths, config, progress, log)
    precision = choose_int8(
        result.classifier,
        prepared,
        dataset.labels,
        texts,
        lengths,
        result.widths,
        result.bounds,
        weight,
        log=log,
    )
    history = {
        "rounds": [dataclasses.asdict(r) for r in result.reports],
        "epochs": result.epochs,
        "cleaning": {k: v for k, v in cleaning.items() if k not in ("settings", "strip")},
        "precision": precision,
    }
    learned = Learned(lengths, result.widths, result.bounds, weight)
    return CaptchaReader(result.classifier, config, learned, history)


def _cleaning(
    dataset: Dataset,
    config: ReaderConfig,
    resumed: Checkpoint | None,
    log: Callable[[str], None],
) -> dict[str, Any]:
    """The cleaning and text extent to train with (`choose_cleaning`, `choose_extent`), or
    the ones an interrupted run chose: their names, their settings and the figures they were
    chosen by."""
    if resumed is not None and (saved := resumed.load_cleaning()) is not None:
        return saved
    name, clean, figures = choose_cleaning(dataset, config, log)
    extent, strip, spread = choose_extent(dataset, config, clean, log)
    return {
        "chosen": name,
        "settings": dataclasses.asdict(clean),
        **figures,
        "extent": extent,
        "strip": dataclasses.asdict(strip),
        "width_spread": spread,
    }


def _check_trainable(dataset: Dataset) -> None:
    if len(dataset) == 0:
        raise DatasetError("dataset", "no images to train on")
    if len(dataset.alphabet) < 2:
        raise DatasetError(
            dataset.paths[0].parent,
            f"labels use only {len(dataset.alphabet)} symbol(s); need at least 2",
        )


def _usable(
    dataset: Dataset,
    prepared: list[Prepared],
    outlier_width: float,
    log: Callable[[str], None],
) -> tuple[Dataset, list[Prepared]]:
    """The images fit for training: each one left out gets a line naming it and why.

    One degenerate image would otherwise set the width, and so the cost, of every batch.
    """
    widths = np.array([p.strip.channels.shape[1] for p in prepared])
    limit = outlier_width * float(np.median(widths))
    keep = []
    for n, (path, prep) in enumerate(zip(dataset.paths, prepared, strict=True)):
        if prep.strip.empty:
            log(f"left out of training: {path}: no ink found")
        elif widths[n] > limit:
            log(
                f"left out of training: {path}: its text strip is {widths[n]} columns wide, "
                f"{widths[n] / np.median(widths):.1f}x the median (cleaning kept a band of "
                f"{prep.strip.bottom - prep.strip.top} pixels)"
            )
        else:
            keep.append(n)
    if not keep:
        raise DatasetError(dataset.paths[0].parent, "no image is fit for training")
    _check_trainable(dataset.subset(keep))
    return dataset.subset(keep), [prepared[n] for n in keep]


def _decode_weight(
    result: TrainingResult,
    prepared: Sequence[Prepared],
    labels: Sequence[str],
    lengths: dict[int, int],
    config: ReaderConfig,
    progress: bool,
    log: Callable[[str], None],
) -> tuple[float, list[str]]:
    """The width-prior weight that reads the training captchas best (`choose_decode_weight`)
    and the training captchas' readings under it."""
    texts = decode_texts(
        result.classifier,
        prepared,
        lengths,
        result.widths,
        result.bounds,
        config.decode_weights,
        progress=progress,
    )
    weight, tried = choose_decode_weight(texts, labels)
    log(
        f"width-prior weight for reading: {weight:g} (training captchas read right: "
        + ", ".join(f"{w:g}: {a:.1%}" for w, a in tried.items())
        + ")"
    )
    return weight, texts[weight]


def _with_network_of(config: ReaderConfig, base: ReaderConfig) -> ReaderConfig:
    """`config` with the network and the strip height of `base`."""
    strip = dataclasses.replace(config.segment.strip, height=base.segment.strip.height)
    segment = dataclasses.replace(config.segment, strip=strip)
    return dataclasses.replace(config, model=base.model, segment=segment)
