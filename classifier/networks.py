"""The registry of window networks: every architecture the reader can train, by name.

A network maps strips (B, height, W, channels) and windows (B, N, 2) to class probabilities
(B, N, n_outputs); the rest of the project sees only `WindowClassifier`, never which
network is inside it.
"""

from __future__ import annotations

from collections.abc import Callable

from ._tf import keras
from .config import ModelConfig, WindowSpec
from .strip_net import build_strip_network

__all__ = ["NETWORKS", "build_network"]

#: Builders by name: ``build(n_outputs, spec, config) -> keras.Model``.
NETWORKS: dict[str, Callable[[int, WindowSpec, ModelConfig], keras.Model]] = {
    "strip": build_strip_network,
}


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
