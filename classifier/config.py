"""The settings of the window classifiers: input geometry, network shape, augmentation and
one fit. Plain dataclasses, importable without TensorFlow."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["AugmentConfig", "ModelConfig", "TrainConfig", "WindowSpec"]


@dataclass(frozen=True)
class WindowSpec:
    """What a window classifier reads, stored in its model file.

    Attributes
    ----------
    height : int
        Strip height (a multiple of 8).
    channels : int
        Strip channels.
    context : int
        Columns the network reads on each side of a window [a, b).
    """

    height: int = 32
    channels: int = 2
    context: int = 8

    def __post_init__(self) -> None:
        if self.height < 8 or self.height % 8:
            raise ValueError(f"strip height {self.height} must be a positive multiple of 8")
        if self.channels < 1 or self.context < 0:
            raise ValueError(f"channels={self.channels} and context={self.context} are invalid")


@dataclass(frozen=True)
class ModelConfig:
    """Shape of a window network.

    Attributes
    ----------
    network : str
        A name in `classifier.NETWORKS`.
    filters : tuple of int
        Channels of each conv block; every block halves the resolution (the last one only the
        height).
    dense : int
        Width of the hidden dense layer.
    dropout : float
    samples : int
        Feature columns sampled across each window.
    column_features : int
        Size of the feature vector of each column.
    context : float
        Context read on each side of a window, as a fraction of the strip height.
    """

    network: str = "strip"
    filters: tuple[int, ...] = (32, 64, 96)
    dense: int = 128
    dropout: float = 0.3
    samples: int = 8
    column_features: int = 64
    context: float = 0.25

    def spec(self, height: int, channels: int) -> WindowSpec:
        """The window geometry of this network on strips of `height` rows and `channels`."""
        return WindowSpec(height, channels, int(round(self.context * height)))


@dataclass(frozen=True)
class AugmentConfig:
    """Strength of each augmentation of a training strip (0 turns one off).

    Attributes
    ----------
    shear : float
        Maximum shear factor of the strip.
    zoom : float
        Maximum relative scale change of the strip (its windows follow).
    shift : float
        Maximum vertical shift as a fraction of the strip height.
    stroke : float
        Probability of thickening or thinning the strokes by one pixel.
    noise : float
        Standard deviation of additive uniform noise.
    lines : float
        Probability of drawing a random curved strike line into the raw ink, cut out of the
        line-free ink half the time (as line removal does to a glyph stroke along a line).
    """

    shear: float = 0.15
    zoom: float = 0.08
    shift: float = 0.05
    stroke: float = 0.3
    noise: float = 0.05
    lines: float = 0.5


@dataclass(frozen=True)
class TrainConfig:
    """Optimizer and schedule of one fit.

    Attributes
    ----------
    epochs : int
    learning_rate : float
        Peak rate of a cosine decay over the fit.
    final_rate : float
        The decay ends at this fraction of the peak rate.
    """

    epochs: int = 10
    learning_rate: float = 2e-3
    final_rate: float = 0.05
