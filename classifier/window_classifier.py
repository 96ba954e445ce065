"""`WindowClassifier`: a trained window network with its alphabet and input geometry, the one
interface through which the pipeline scores windows, reads pre-cut glyphs and saves models."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

from ._tf import keras, tf
from .config import ModelConfig, WindowSpec
from .errors import ModelFileError
from .model_file import load_model_file, save_model_file
from .networks import NETWORKS, build_network
from .onnx_runtime import load_forward, to_onnx

__all__ = ["RUNTIMES", "WindowClassifier", "load_classifier", "padded_width"]

#: How a loaded classifier runs its network.
RUNTIMES = ("onnxruntime", "tensorflow")
_ONNX_NAME = "network.onnx"
#: Strips per forward pass.
_CHUNK = 16
#: Batch widths are rounded up to a multiple of this (fewer distinct shapes).
_WIDTH_STEP = 8


def padded_width(width: int, context: int) -> int:
    """Width of a batch whose widest strip has `width` columns: room for a window's context
    and one feature column of zeros after every strip, so that a strip's scores do not
    depend on the strips it is batched with.

    Examples
    --------
    >>> padded_width(100, 8)
    120
    """
    return -(-(width + context + _WIDTH_STEP) // _WIDTH_STEP) * _WIDTH_STEP


@dataclass
class WindowClassifier:
    """A window network and the alphabet of its outputs.

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
        A faster runner of the same network (`load_classifier` sets an ONNX Runtime one); by
        default the Keras model's TensorFlow graph. Set it to None after changing the
        model's weights.
    """

    model: keras.Model
    alphabet: str
    spec: WindowSpec
    network: str
    reject: bool = False
    forward: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.model.output_shape[-1] != self.n_outputs:
            raise ValueError(
                f"model has {self.model.output_shape[-1]} outputs but the alphabet has "
                f"{len(self.alphabet)} symbols (reject class: {self.reject})"
            )
        self._specs = [
            tf.TensorSpec((None, self.spec.height, None, self.spec.channels), tf.float32, "strip"),
            tf.TensorSpec((None, None, 2), tf.float32, name="windows"),
        ]
        graph = tf.function(
            lambda strips, windows: self.model([strips, windows], training=False),
            input_signature=self._specs,
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

    @property
    def n_outputs(self) -> int:
        """Number of outputs: the alphabet, plus one for the reject class."""
        return len(self.alphabet) + int(self.reject)

    def window_proba(
        self, strips: Sequence[np.ndarray], windows: Sequence[np.ndarray]
    ) -> np.ndarray:
        """Class probabilities of windows of strips.

        Parameters
        ----------
        strips : sequence of ndarray of shape (height, W_i, channels), float32
        windows : sequence of ndarray of shape (n_i, 2)
            Column ranges [a, b) of each strip's windows.

        Returns
        -------
        ndarray of shape (sum of n_i, n_outputs), float32, the windows in order
            The last column is the reject class when `reject` is set.
        """
        if len(strips) != len(windows):
            raise ValueError(f"{len(strips)} strips but {len(windows)} window lists")
        height, channels = self.spec.height, self.spec.channels
        for strip in strips:
            if strip.ndim != 3 or strip.shape[0] != height or strip.shape[2] != channels:
                raise ValueError(
                    f"strips must have shape ({height}, W, {channels}), got {strip.shape}"
                )
        counts = np.array([len(w) for w in windows], int)
        offsets = np.concatenate([[0], np.cumsum(counts)])
        out = np.zeros((offsets[-1], self.n_outputs), np.float32)
        # Strips of similar width share a pass, so little of it is padding.
        order = [n for n in np.argsort([s.shape[1] for s in strips], kind="stable") if counts[n]]
        for lo in range(0, len(order), _CHUNK):
            part = order[lo : lo + _CHUNK]
            width = padded_width(max(strips[n].shape[1] for n in part), self.spec.context)
            board = np.zeros((len(part), height, width, channels), np.float32)
            wins = np.zeros((len(part), counts[part].max(), 2), np.float32)
            for row, n in enumerate(part):
                board[row, :, : strips[n].shape[1]] = strips[n]
                wins[row, : counts[n]] = windows[n]
            proba = (self.forward or self._graph)(board, wins)
            for row, n in enumerate(part):
                out[offsets[n] : offsets[n + 1]] = proba[row, : counts[n]]
        return out

    def predict(self, glyphs: Sequence[np.ndarray]) -> tuple[list[str], np.ndarray]:
        """Characters and confidences of pre-cut glyphs (ink-high arrays of any size).

        Each glyph is scaled to the strip height and read as one window over its whole
        width. Glyphs with one channel are repeated to fill the network's channels; the
        reject class is ignored.
        """
        if len(glyphs) == 0:
            return [], np.zeros(0, np.float32)
        strips = [self._as_strip(g) for g in glyphs]
        windows = [np.array([[0, s.shape[1]]], np.float32) for s in strips]
        proba = self.window_proba(strips, windows)[:, : len(self.alphabet)]
        best = proba.argmax(axis=1)
        return [self.alphabet[i] for i in best], proba[np.arange(len(best)), best]

    def _as_strip(self, glyph: np.ndarray) -> np.ndarray:
        height, channels = self.spec.height, self.spec.channels
        if glyph.ndim == 2:
            glyph = glyph[:, :, None]
        if glyph.ndim != 3 or glyph.shape[0] == 0 or glyph.shape[1] == 0:
            raise ValueError(f"glyph must have shape (h, w) or (h, w, C), got {glyph.shape}")
        if glyph.shape[2] not in (1, channels):
            raise ValueError(f"glyph has {glyph.shape[2]} channels, the model takes {channels}")
        h, w = glyph.shape[:2]
        width = max(2, int(round(w * height / h)))
        resized = cv2.resize(
            glyph.astype(np.float32), (width, height), interpolation=cv2.INTER_AREA
        )
        resized = resized.reshape(height, width, -1)
        return np.ascontiguousarray(np.broadcast_to(resized, (height, width, channels)))

    def save(self, path: str | os.PathLike[str], extra: dict[str, Any] | None = None) -> None:
        """Write the model file (atomic): the network, converted for ONNX Runtime too, its
        metadata and `extra` metadata beside it."""
        meta = {
            "network": self.network,
            "window": dataclasses.asdict(self.spec),
            "alphabet": self.alphabet,
            "reject": self.reject,
            **(extra or {}),
        }
        save_model_file(path, self.model, meta, {_ONNX_NAME: to_onnx(self.model, self._specs)})


def load_classifier(
    path: str | os.PathLike[str], *, runtime: str = "onnxruntime"
) -> tuple[WindowClassifier, dict[str, Any]]:
    """Load the classifier of a model file and the file's full metadata.

    `runtime` "onnxruntime" (default) reads with the file's ONNX graph; "tensorflow" reads
    with the Keras model (both give the same probabilities within 1e-6).

    Raises
    ------
    ModelFileError
        A missing, damaged or foreign file, or a network this version does not know.
    """
    if runtime not in RUNTIMES:
        raise ValueError(f"runtime={runtime!r} is unknown; valid names: {list(RUNTIMES)}")
    model, meta = load_model_file(path)
    if meta.get("network") not in NETWORKS:
        raise ModelFileError(
            path, f"holds a network this version does not know: {meta.get('network')!r}"
        )
    try:
        classifier = WindowClassifier(
            model,
            meta["alphabet"],
            WindowSpec(**meta["window"]),
            meta["network"],
            bool(meta["reject"]),
        )
    except (KeyError, TypeError, ValueError) as err:
        raise ModelFileError(path, f"metadata does not fit the network ({err})") from None
    if runtime == "onnxruntime":
        classifier.forward = load_forward(path, _ONNX_NAME, model, classifier._specs)
    return classifier, meta
