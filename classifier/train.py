"""Fitting a window network on batches of strips, windows and labels."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Protocol

import numpy as np

from ._tf import keras
from .config import TrainConfig
from .window_classifier import WindowClassifier

__all__ = ["Batches", "EpochEnd", "cosine_rate", "fit_windows", "set_random_seed"]

#: Called after every epoch with its index (counted over the fit), its logs (mean loss and
#: accuracy over the epoch) and the network.
EpochEnd = Callable[[int, dict[str, float], keras.Model], None]

#: One batch: ``((strips, windows), labels, weights)``, weights 0 marking padding windows.
Batch = tuple[tuple[np.ndarray, np.ndarray], np.ndarray, np.ndarray]


class Batches(Protocol):
    """What `fit_windows` trains on: batches indexed within an epoch; `epoch` is set before
    each epoch is drawn, so that a batch depends only on its epoch and index."""

    epoch: int

    def __len__(self) -> int: ...

    def __getitem__(self, index: int) -> Batch: ...


def cosine_rate(step: int, total: int, config: TrainConfig) -> float:
    """Learning rate at optimizer step `step` of `total`: a cosine decay from the peak to
    `final_rate` times it (as ``keras.optimizers.schedules.CosineDecay``).

    Examples
    --------
    >>> config = TrainConfig(learning_rate=1.0, final_rate=0.1)
    >>> [round(cosine_rate(step, 10, config), 6) for step in (0, 5, 10)]
    [1.0, 0.55, 0.1]
    """
    done = min(step, total) / max(total, 1)
    decayed = (1 - config.final_rate) * 0.5 * (1 + math.cos(math.pi * done)) + config.final_rate
    return config.learning_rate * decayed


def fit_windows(
    classifier: WindowClassifier,
    data: Batches,
    config: TrainConfig,
    *,
    initial_epoch: int = 0,
    on_epoch_end: EpochEnd | None = None,
) -> None:
    """Fit a classifier's network on `data` with Adam and a cosine decay of the rate.

    Each batch is one call of the network's compiled train function (``train_on_batch``
    without its per-call metric reset and build checks, about 6 ms a step of captcha_v2 on 2
    cores): batches may differ in shape (strips padded only to the widest of their batch),
    and the loop is several times faster per step than ``Model.fit`` over a ``PyDataset``.
    The metrics add up over an epoch, so its logs are the epoch's means.

    A network compiled by an earlier fit keeps its compiled step and starts from a fresh
    optimizer state: a new compile would trace the step again for every strip width, about a
    second each (a quick captcha_v2 reader of 3 rounds: 114 s compiled every round, 81 s once).

    With `initial_epoch` > 0 the fit resumes: the network must come compiled from a
    checkpoint taken after that many epochs, and keeps its optimizer state. The
    classifier's `forward` is reset, since its weights change.
    """
    model = classifier.model
    optimizer = getattr(model, "optimizer", None)  # set by compile
    if initial_epoch > 0 and optimizer is None:
        raise ValueError("resuming a fit needs a compiled network from a checkpoint")
    if initial_epoch == 0 and optimizer is None:
        model.compile(
            optimizer=keras.optimizers.Adam(config.learning_rate),
            loss="sparse_categorical_crossentropy",
            weighted_metrics=["accuracy"],
        )
    elif initial_epoch == 0:
        _reset_optimizer(optimizer)
    classifier.forward = None
    steps = len(data)
    model.make_train_function()
    for epoch in range(initial_epoch, config.epochs):
        data.epoch = epoch
        model.reset_metrics()
        logs: dict[str, Any] = {}  # the train function's metric tensors
        for index in range(steps):
            batch = data[index]
            model.optimizer.learning_rate = cosine_rate(
                epoch * steps + index, steps * config.epochs, config
            )
            logs = model.train_function(iter([batch]))
        if on_epoch_end is not None:
            on_epoch_end(epoch, {k: float(v) for k, v in logs.items()}, model)


def _reset_optimizer(optimizer: keras.optimizers.Optimizer) -> None:
    """Zero every variable of an optimizer (step count, moments): the state of a new one. The
    learning rate is set before every step."""
    for variable in optimizer.variables:
        variable.assign(np.zeros(variable.shape, variable.dtype))


def set_random_seed(seed: int) -> None:
    """Seed Python's, NumPy's and TensorFlow's generators: the same seed builds the same
    network weights."""
    keras.utils.set_random_seed(seed)
