"""The per-character CNN: a few conv/batch-norm/pool blocks and a softmax."""

from __future__ import annotations

from dataclasses import dataclass

import keras
from keras import layers

__all__ = ["ModelConfig", "build_model"]


@dataclass(frozen=True)
class ModelConfig:
    """Shape of the CNN.

    Attributes
    ----------
    network : str
        "strip" (one convolution over the whole strip, windows scored from its features:
        `classifier.strip_net`) or "glyph" (each window cropped and convolved on its own).
    filters : tuple of int
        Channels of each conv block; every block halves the resolution (the strip network's
        last block halves only the height).
    dense : int
        Width of the hidden dense layer.
    dropout : float
    samples : int
        Strip network: feature columns sampled across each window.
    column_features : int
        Strip network: size of the feature vector of each column.
    """

    network: str = "strip"
    filters: tuple[int, ...] = (32, 64, 96)
    dense: int = 128
    dropout: float = 0.3
    samples: int = 8
    column_features: int = 64

    def __post_init__(self) -> None:
        if self.network not in ("strip", "glyph"):
            raise ValueError(f"network={self.network!r} must be 'strip' or 'glyph'")


def build_model(
    n_classes: int,
    glyph_size: int,
    channels: int,
    config: ModelConfig | None = None,
    *,
    glyph_width: int | None = None,
) -> keras.Model:
    """Build an uncompiled glyph classifier.

    Parameters
    ----------
    n_classes : int
        Alphabet size.
    glyph_size : int
        Input height.
    channels : int
        Input channels.
    glyph_width : int, optional
        Input width (default: `glyph_size`).

    Returns
    -------
    keras.Model mapping (N, size, width, channels) to (N, n_classes) probabilities
    """
    config = config or ModelConfig()
    if n_classes < 2:
        raise ValueError(f"n_classes={n_classes} must be at least 2")
    inputs = keras.Input((glyph_size, glyph_width or glyph_size, channels), name="glyph")
    x = inputs
    for n in config.filters:
        x = layers.Conv2D(n, 3, padding="same", use_bias=False)(x)
        x = layers.BatchNormalization()(x)
        x = layers.Activation("relu")(x)
        x = layers.MaxPooling2D(2)(x)
    x = layers.Flatten()(x)
    x = layers.Dropout(config.dropout)(x)
    x = layers.Dense(config.dense, activation="relu")(x)
    x = layers.Dropout(config.dropout)(x)
    outputs = layers.Dense(n_classes, activation="softmax", name="char")(x)
    return keras.Model(inputs, outputs, name="glyph_cnn")
