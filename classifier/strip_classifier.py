"""`StripClassifier`: a trained strip network with its alphabet, scoring windows of strips."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import cv2
import keras
import numpy as np
import tensorflow as tf

from ._shared import FileClassifier, check_outputs, check_runtime, from_file, traced
from .model_file import load_model_file, save_model_file
from .onnx_runtime import to_onnx
from .predictor import GlyphClassifier, _fit_channels

__all__ = ["StripClassifier", "load_classifier", "padded_width"]

_ONNX_NAME = "strip.onnx"
#: Strips per forward pass.
_CHUNK = 16
#: Batch widths are rounded up to a multiple of this (fewer distinct shapes).
_WIDTH_STEP = 8


def padded_width(width: int, context: int) -> int:
    """Width of a batch whose widest strip has `width` columns: room for a window's context
    and one feature column of zeros after every strip, so that a strip's scores do not
    depend on the strips it is batched with."""
    return -(-(width + context + _WIDTH_STEP) // _WIDTH_STEP) * _WIDTH_STEP


@dataclass
class StripClassifier(FileClassifier):
    """A strip network (`classifier.strip_net`) and the alphabet of its outputs.

    Attributes
    ----------
    model : keras.Model
    alphabet : str
        Output i is ``alphabet[i]``.
    height : int
        Strip height.
    channels : int
        Strip channels.
    context : int
        Columns of context the network reads on each side of a window.
    reject : bool
        The model has one more output, "not a single character" (a badly cut window).
    forward : callable, optional
        A faster runner of the same network (`load` sets an ONNX Runtime one); by default the
        Keras model's TensorFlow graph. Set it to None after changing the model's weights.
    """

    model: keras.Model
    alphabet: str
    height: int
    channels: int
    context: int
    reject: bool = False
    forward: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        check_outputs(self.model, self.alphabet, self.reject)
        self._specs = [
            tf.TensorSpec((None, self.height, None, self.channels), tf.float32, name="strip"),
            tf.TensorSpec((None, None, 2), tf.float32, name="windows"),
        ]
        self._graph = traced(self.model, self._specs)

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
        """
        if len(strips) != len(windows):
            raise ValueError(f"{len(strips)} strips but {len(windows)} window lists")
        for strip in strips:
            if strip.ndim != 3 or strip.shape[0] != self.height or strip.shape[2] != self.channels:
                raise ValueError(
                    f"strips must have shape ({self.height}, W, {self.channels}), got {strip.shape}"
                )
        counts = np.array([len(w) for w in windows], int)
        offsets = np.concatenate([[0], np.cumsum(counts)])
        out = np.zeros((offsets[-1], self.n_outputs), np.float32)
        # Strips of similar width share a pass, so little of it is padding.
        order = [n for n in np.argsort([s.shape[1] for s in strips], kind="stable") if counts[n]]
        for lo in range(0, len(order), _CHUNK):
            part = order[lo : lo + _CHUNK]
            width = padded_width(max(strips[n].shape[1] for n in part), self.context)
            board = np.zeros((len(part), self.height, width, self.channels), np.float32)
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

        Each glyph is scaled to the strip height and read as one window over its whole width.
        Glyphs with fewer channels than the model are repeated to fill its channels; the
        reject class is ignored.
        """
        if len(glyphs) == 0:
            return [], np.zeros(0, np.float32)
        strips = [self._as_strip(_fit_channels(g, self.channels)) for g in glyphs]
        windows = [np.array([[0, s.shape[1]]], np.float32) for s in strips]
        proba = self.window_proba(strips, windows)[:, : len(self.alphabet)]
        best = proba.argmax(axis=1)
        return [self.alphabet[i] for i in best], proba[np.arange(len(best)), best]

    def _as_strip(self, glyph: np.ndarray) -> np.ndarray:
        h, w = glyph.shape[:2]
        if h == 0 or w == 0:
            raise ValueError(f"glyph must not be empty, got shape {glyph.shape}")
        width = max(2, int(round(w * self.height / h)))
        resized = cv2.resize(
            glyph.astype(np.float32), (width, self.height), interpolation=cv2.INTER_AREA
        )
        return resized.reshape(self.height, width, self.channels)

    def save(self, path: str | os.PathLike[str], extra: dict[str, Any] | None = None) -> None:
        """Write the model file (atomic), with `extra` metadata kept beside ours and the
        network converted for ONNX Runtime."""
        meta = {
            "network": "strip",
            "alphabet": self.alphabet,
            "glyph_size": self.height,
            "channels": self.channels,
            "context": self.context,
            "reject": self.reject,
            **(extra or {}),
        }
        save_model_file(path, self.model, meta, {_ONNX_NAME: to_onnx(self.model, self._specs)})

    @classmethod
    def from_file(
        cls, path: str | os.PathLike[str], model: keras.Model, meta: dict[str, Any], *, runtime: str
    ) -> StripClassifier:
        """The classifier of a loaded model file (`load_model_file`'s network and metadata)."""
        return from_file(
            path,
            lambda: cls(
                model,
                meta["alphabet"],
                int(meta["glyph_size"]),
                int(meta["channels"]),
                int(meta["context"]),
                bool(meta.get("reject", False)),
            ),
            model,
            _ONNX_NAME,
            runtime,
        )


def load_classifier(
    path: str | os.PathLike[str], *, runtime: str = "onnxruntime"
) -> tuple[GlyphClassifier | StripClassifier, dict[str, Any]]:
    """Load the classifier of a model file, whichever network it holds, and its metadata
    (`runtime`: see `GlyphClassifier.load`)."""
    check_runtime(runtime)
    model, meta = load_model_file(path)
    kind = StripClassifier if meta.get("network", "glyph") == "strip" else GlyphClassifier
    return kind.from_file(path, model, meta, runtime=runtime), meta
