"""Fitting a window network on batches of strips, windows and labels."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ._tf import keras
from .config import TrainConfig
from .window_classifier import WindowClassifier

__all__ = ["EpochEnd", "fit_windows", "set_random_seed"]

#: Called after every epoch with its index (counted over the fit), its logs (loss,
#: accuracy) and the network.
EpochEnd = Callable[[int, dict[str, float], keras.Model], None]


def fit_windows(
    classifier: WindowClassifier,
    data: keras.utils.PyDataset,
    config: TrainConfig,
    *,
    initial_epoch: int = 0,
    on_epoch_end: EpochEnd | None = None,
) -> None:
    """Fit a classifier's network on batches ``((strips, windows), labels, weights)`` from
    `data` (weights 0 mark padding windows), with Adam and a cosine decay of the rate.

    With `initial_epoch` > 0 the fit resumes: the network must come compiled from a
    checkpoint taken after that many epochs, and keeps its optimizer state and schedule.
    The classifier's `forward` is reset, since its weights change.
    """
    model = classifier.model
    if initial_epoch > 0 and model.optimizer is None:
        raise ValueError("resuming a fit needs a compiled network from a checkpoint")
    if initial_epoch == 0:
        total = max(1, len(data)) * max(config.epochs, 1)
        schedule = keras.optimizers.schedules.CosineDecay(
            config.learning_rate, total, alpha=config.final_rate
        )
        model.compile(
            optimizer=keras.optimizers.Adam(schedule),
            loss="sparse_categorical_crossentropy",
            weighted_metrics=["accuracy"],
        )
    classifier.forward = None
    callbacks = [] if on_epoch_end is None else [_Callback(on_epoch_end)]
    model.fit(
        data, epochs=config.epochs, initial_epoch=initial_epoch, callbacks=callbacks, verbose=0
    )


class _Callback(keras.callbacks.Callback):
    def __init__(self, on_epoch_end: EpochEnd) -> None:
        super().__init__()
        self._on_epoch_end = on_epoch_end

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self._on_epoch_end(epoch, {k: float(v) for k, v in (logs or {}).items()}, self.model)


def set_random_seed(seed: int) -> None:
    """Seed Python's, NumPy's and TensorFlow's generators: the same seed builds the same
    network weights."""
    keras.utils.set_random_seed(seed)
