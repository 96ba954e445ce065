"""`GlyphClassifier`: a trained CNN with its alphabet, for fast batched prediction."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from ._shared import FileClassifier, check_outputs, from_file, traced
from .errors import ModelFileError
from .glyphs import normalize_glyphs
from .model_file import save_model_file
from .onnx_runtime import to_onnx

__all__ = ["GlyphClassifier"]

_CHUNK = 128
_ONNX_NAME = "glyph.onnx"


@dataclass
class GlyphClassifier(FileClassifier):
    """A glyph CNN and the alphabet of its outputs.

    Attributes
    ----------
    model : keras.Model
    alphabet : str
        Output i is ``alphabet[i]``.
    glyph_size : int
        Input height.
    channels : int
    reject : bool
        The model has one more output, "not a single character" (a badly cut window).
    glyph_width : int, optional
        Input width (default: `glyph_size`).
    forward : callable, optional
        A faster runner of the same network for reading (`load` sets an ONNX Runtime one);
        by default the Keras model's TensorFlow graph. Set it to None after changing the
        model's weights.
    """

    model: keras.Model
    alphabet: str
    glyph_size: int
    channels: int
    reject: bool = False
    glyph_width: int | None = None
    forward: Callable[[np.ndarray], np.ndarray] | None = field(default=None, repr=False)

    @property
    def input_shape(self) -> tuple[int, int, int]:
        """(height, width, channels) of one normalized glyph."""
        return (self.glyph_size, self.glyph_width or self.glyph_size, self.channels)

    def __post_init__(self) -> None:
        check_outputs(self.model, self.alphabet, self.reject)
        self._specs = [tf.TensorSpec((None, *self.input_shape), tf.float32, name="glyph")]
        self._graph = traced(self.model, self._specs)

    def predict_proba(self, batch: np.ndarray) -> np.ndarray:
        """Class probabilities of normalized glyphs.

        Parameters
        ----------
        batch : ndarray of shape (N, *input_shape), float32

        Returns
        -------
        ndarray of shape (N, n_outputs), float32
            The last column is the reject class when `reject` is set.
        """
        expected = self.input_shape
        if batch.ndim != 4 or batch.shape[1:] != expected:
            raise ValueError(
                f"batch must have shape (N, {', '.join(map(str, expected))}), got {batch.shape}"
            )
        out = np.zeros((len(batch), self.n_outputs), np.float32)
        for lo in range(0, len(batch), _CHUNK):
            part = np.ascontiguousarray(batch[lo : lo + _CHUNK], np.float32)
            out[lo : lo + len(part)] = (self.forward or self._graph)(part)
        return out

    def predict(self, glyphs: Sequence[np.ndarray]) -> tuple[list[str], np.ndarray]:
        """Characters and confidences of pre-cut glyphs (ink-high arrays of any size).

        Glyphs with fewer channels than the model are repeated to fill its channels. The
        reject class is ignored: the best symbol and its probability are returned.
        """
        batch = normalize_glyphs(
            [_fit_channels(g, self.channels) for g in glyphs], self.glyph_size, self.glyph_width
        )
        if len(glyphs) == 0:
            return [], np.zeros(0, np.float32)
        proba = self.predict_proba(batch)[:, : len(self.alphabet)]
        best = proba.argmax(axis=1)
        return [self.alphabet[i] for i in best], proba[np.arange(len(best)), best]

    def save(self, path: str | os.PathLike[str], extra: dict[str, Any] | None = None) -> None:
        """Write the model file (atomic), with `extra` metadata kept beside ours and the
        network converted for ONNX Runtime."""
        meta = {
            "alphabet": self.alphabet,
            "glyph_size": self.glyph_size,
            "glyph_width": self.input_shape[1],
            "channels": self.channels,
            "reject": self.reject,
            **(extra or {}),
        }
        save_model_file(path, self.model, meta, {_ONNX_NAME: to_onnx(self.model, self._specs)})

    @classmethod
    def from_file(
        cls, path: str | os.PathLike[str], model: keras.Model, meta: dict[str, Any], *, runtime: str
    ) -> GlyphClassifier:
        """The classifier of a loaded model file (`load_model_file`'s network and metadata)."""
        if meta.get("network") == "strip":
            raise ModelFileError(path, "holds a strip network: load it with load_classifier")
        return from_file(
            path,
            lambda: cls(
                model,
                meta["alphabet"],
                int(meta["glyph_size"]),
                int(meta["channels"]),
                bool(meta.get("reject", False)),
                int(meta.get("glyph_width", meta["glyph_size"])),
            ),
            model,
            _ONNX_NAME,
            runtime,
        )


def _fit_channels(glyph: np.ndarray, channels: int) -> np.ndarray:
    if glyph.ndim == 2:
        glyph = glyph[:, :, None]
    if glyph.shape[2] == channels:
        return glyph
    if glyph.shape[2] == 1:
        return np.repeat(glyph, channels, axis=2)
    raise ValueError(f"glyph has {glyph.shape[2]} channels, the model takes {channels}")
