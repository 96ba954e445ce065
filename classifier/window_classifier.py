"""`WindowClassifier`: a trained window network with its alphabet and input geometry, the one
interface through which the pipeline scores windows, reads pre-cut glyphs and saves models."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._tf import keras, tf
from .config import ModelConfig, WindowSpec
from .model_file import save_model_file
from .networks import build_network
from .onnx_runtime import ONNX_INT8_NAME, ONNX_NAME, to_onnx
from .window_scoring import WindowScoring

__all__ = ["WindowClassifier"]


@dataclass
class WindowClassifier(WindowScoring):
    """A window network and the alphabet of its outputs: what training builds and fits.

    Reading needs none of it: `load_classifier` gives an `OnnxClassifier` that scores the
    same without TensorFlow.

    Attributes
    ----------
    model : keras.Model
        Maps strips (B, height, W, channels) and windows (B, N, 2) to probabilities
        (B, N, n_outputs).
    alphabet : str
        Output i is ``alphabet[i]``.
    spec : WindowSpec
        The strips and windows the network reads.
    network : str
        Its architecture's name in `classifier.NETWORKS`.
    reject : bool
        The network has one more output, "not a single character" (a badly cut window).
    forward : callable, optional
        A faster runner of the same network (`load_classifier` sets an ONNX Runtime one
        for files saved without a graph); by default the Keras model's TensorFlow graph.
        Set it to None after changing the model's weights.
    int8 : bytes, optional
        The network as an 8-bit integer ONNX graph (`int8_graph`), saved beside the float one
        for reading; set it to None after changing the model's weights.
    """

    model: keras.Model
    alphabet: str
    spec: WindowSpec
    network: str
    reject: bool = False
    forward: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = field(default=None, repr=False)
    int8: bytes | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.model.output_shape[-1] != self.n_outputs:
            raise ValueError(
                f"model has {self.model.output_shape[-1]} outputs but the alphabet has "
                f"{len(self.alphabet)} symbols (reject class: {self.reject})"
            )
        self.input_specs = [
            tf.TensorSpec((None, self.spec.height, None, self.spec.channels), tf.float32, "strip"),
            tf.TensorSpec((None, None, 2), tf.float32, name="windows"),
        ]
        graph = tf.function(
            lambda strips, windows: self.model([strips, windows], training=False),
            input_signature=self.input_specs,
            autograph=False,
        )
        self._graph = lambda *arrays: graph(*(tf.constant(a) for a in arrays)).numpy()

    @classmethod
    def build(
        cls, alphabet: str, spec: WindowSpec, config: ModelConfig, *, reject: bool
    ) -> WindowClassifier:
        """A fresh, untrained classifier of the architecture `config.network`."""
        model = build_network(len(alphabet) + int(reject), spec, config)
        return cls(model, alphabet, spec, config.network, reject)

    def _run(self, board: np.ndarray, windows: np.ndarray) -> np.ndarray:
        return (self.forward or self._graph)(board, windows)

    def save(self, path: str | os.PathLike[str], extra: dict[str, Any] | None = None) -> None:
        """Write the model file (atomic): the network, converted for ONNX Runtime too (and in
        8-bit integers where `int8` is set), its metadata and `extra` metadata beside it."""
        meta = {
            "network": self.network,
            "window": dataclasses.asdict(self.spec),
            "alphabet": self.alphabet,
            "reject": self.reject,
            **(extra or {}),
        }
        graphs = {ONNX_NAME: to_onnx(self.model, self.input_specs)}
        if self.int8 is not None:
            graphs[ONNX_INT8_NAME] = self.int8
        save_model_file(path, self.model, meta, graphs)
