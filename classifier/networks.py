"""The registry of window networks: every architecture the reader can train, by name.

A network maps strips (B, height, W, channels) and windows (B, N, 2) to class probabilities
(B, N, n_outputs); the rest of the project sees only `WindowClassifier`, never which
network is inside it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .config import ModelConfig, WindowSpec

if TYPE_CHECKING:
    from ._tf import keras

__all__ = ["NETWORKS", "build_network"]


def _strip(n_outputs: int, spec: WindowSpec, config: ModelConfig) -> keras.Model:
    from .strip_net import build_strip_network  # TensorFlow, imported when a network is built

    return build_strip_network(n_outputs, spec, config)


#: Builders by name: ``build(n_outputs, spec, config) -> keras.Model``. The registry itself
#: does not import TensorFlow, so that loading a model file for reading does not either.
NETWORKS: dict[str, Callable[[int, WindowSpec, ModelConfig], keras.Model]] = {"strip": _strip}


def build_network(n_outputs: int, spec: WindowSpec, config: ModelConfig) -> keras.Model:
    """An uncompiled network of the architecture `config.network`.

    Raises
    ------
    ValueError
        An unknown network name (the message lists the valid ones), or fewer than two outputs.
    """
    if config.network not in NETWORKS:
        raise ValueError(f"network={config.network!r} is unknown; valid names: {sorted(NETWORKS)}")
    if n_outputs < 2:
        raise ValueError(f"n_outputs={n_outputs} must be at least 2")
    return NETWORKS[config.network](n_outputs, spec, config)
