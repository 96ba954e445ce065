"""Fitting the glyph CNN on labelled glyph batches."""

from __future__ import annotations

from dataclasses import dataclass, field

import keras
import numpy as np
import tensorflow as tf

from .augment import AugmentConfig, make_augmenter

__all__ = ["TrainConfig", "fit", "fit_windows"]


@dataclass(frozen=True)
class TrainConfig:
    """Optimizer and schedule of one fit.

    Attributes
    ----------
    epochs : int
    batch_size : int
    learning_rate : float
        Peak rate of a cosine decay over the fit.
    augment : AugmentConfig
    seed : int
    """

    epochs: int = 10
    batch_size: int = 64
    learning_rate: float = 2e-3
    augment: AugmentConfig = field(default_factory=AugmentConfig)
    seed: int = 0


def fit(
    model: keras.Model,
    x: np.ndarray,
    y: np.ndarray,
    config: TrainConfig,
    *,
    validation: tuple[np.ndarray, np.ndarray] | None = None,
    callbacks: list[keras.callbacks.Callback] | None = None,
    initial_epoch: int = 0,
    verbose: int = 0,
) -> keras.callbacks.History:
    """Compile and fit `model` on glyphs `x` (N, S, S, C) with integer labels `y` (N,).

    With `initial_epoch` > 0 the fit resumes: `model` must come compiled from a checkpoint
    taken after that many epochs, and keeps its optimizer state and learning-rate schedule.

    Returns
    -------
    keras.callbacks.History
    """
    if len(x) != len(y):
        raise ValueError(f"x has {len(x)} glyphs but y has {len(y)} labels")
    if len(x) == 0:
        raise ValueError("no glyphs to train on")
    _compile(model, config, int(np.ceil(len(x) / config.batch_size)), initial_epoch)
    data = tf.data.Dataset.from_tensor_slices((x.astype(np.float32), y.astype(np.int32)))
    data = data.shuffle(len(x), seed=config.seed, reshuffle_each_iteration=True)
    data = data.batch(config.batch_size)
    if config.augment.enabled:
        augment = make_augmenter(config.augment, seed=config.seed)
        # One batch at a time: the augmenter's random ops draw from the seeded global stream,
        # and parallel calls would hand out the draws in scheduling order (not reproducible).
        data = data.map(lambda a, b: (augment(a), b))
    data = data.prefetch(tf.data.AUTOTUNE)
    val = None
    if validation is not None and len(validation[0]):
        val = (validation[0].astype(np.float32), validation[1].astype(np.int32))
    return model.fit(
        data,
        epochs=config.epochs,
        initial_epoch=initial_epoch,
        validation_data=val,
        callbacks=callbacks or [],
        verbose=verbose,
        shuffle=False,  # the dataset shuffles itself each epoch
    )


def fit_windows(
    model: keras.Model,
    data: keras.utils.PyDataset,
    config: TrainConfig,
    *,
    callbacks: list[keras.callbacks.Callback] | None = None,
    initial_epoch: int = 0,
) -> keras.callbacks.History:
    """Compile and fit a strip network on batches ``((strips, windows), labels, weights)``
    from `data` (weights 0 mark padding windows). `config.batch_size` and `config.augment`
    are the dataset's business; resuming works as in `fit`."""
    _compile(model, config, len(data), initial_epoch, weighted=True)
    return model.fit(
        data,
        epochs=config.epochs,
        initial_epoch=initial_epoch,
        callbacks=callbacks or [],
        verbose=0,
    )


def _compile(
    model: keras.Model,
    config: TrainConfig,
    steps: int,
    initial_epoch: int,
    *,
    weighted: bool = False,
) -> None:
    """Adam with a cosine decay over the fit's steps; a resumed fit keeps its optimizer."""
    if initial_epoch > 0:
        if model.optimizer is None:
            raise ValueError("resuming a fit needs a compiled model from a checkpoint")
        return
    total = max(1, steps) * max(config.epochs, 1)
    schedule = keras.optimizers.schedules.CosineDecay(config.learning_rate, total, alpha=0.05)
    model.compile(
        optimizer=keras.optimizers.Adam(schedule),
        loss="sparse_categorical_crossentropy",
        **{"weighted_metrics" if weighted else "metrics": ["accuracy"]},
    )
