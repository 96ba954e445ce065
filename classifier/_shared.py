"""What both classifiers share: the output check, the traced graph, loading from a file."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import keras
import numpy as np
import tensorflow as tf

from .errors import ModelFileError
from .model_file import load_model_file
from .onnx_runtime import load_forward

RUNTIMES = ("onnxruntime", "tensorflow")

T = TypeVar("T")
C = TypeVar("C", bound="FileClassifier")


class FileClassifier:
    """Base of both classifier dataclasses: their output count and loading from a file."""

    alphabet: str
    reject: bool

    @property
    def n_outputs(self) -> int:
        """Number of model outputs: the alphabet, plus one for the reject class."""
        return len(self.alphabet) + int(self.reject)

    @classmethod
    def load(
        cls: type[C], path: str | os.PathLike[str], *, runtime: str = "onnxruntime"
    ) -> tuple[C, dict[str, Any]]:
        """Load a classifier and the full metadata of its file.

        `runtime` "onnxruntime" (default) reads with the file's ONNX graph (converted now for
        files saved without one); "tensorflow" reads with the Keras model.
        """
        check_runtime(runtime)
        model, meta = load_model_file(path)
        return cls.from_file(path, model, meta, runtime=runtime), meta

    @classmethod
    def from_file(
        cls: type[C],
        path: str | os.PathLike[str],
        model: keras.Model,
        meta: dict[str, Any],
        *,
        runtime: str,
    ) -> C:
        """The classifier of a loaded model file (`load_model_file`'s network and metadata)."""
        raise NotImplementedError


def check_outputs(model: keras.Model, alphabet: str, reject: bool) -> None:
    """Raise ValueError unless the model has one output per symbol (plus the reject class)."""
    if model.output_shape[-1] != len(alphabet) + int(reject):
        raise ValueError(
            f"model has {model.output_shape[-1]} outputs but the alphabet has "
            f"{len(alphabet)} symbols (reject class: {reject})"
        )


def traced(model: keras.Model, specs: Sequence[tf.TensorSpec]) -> Callable[..., np.ndarray]:
    """The model as one traced TensorFlow graph for inputs of `specs` (open dimensions stay
    open, so every batch size uses the same graph), called on numpy arrays."""
    graph = tf.function(
        lambda *x: model(list(x) if len(x) > 1 else x[0], training=False),
        input_signature=list(specs),
        autograph=False,
    )
    return lambda *arrays: graph(*(tf.constant(a) for a in arrays)).numpy()


def check_runtime(runtime: str) -> None:
    if runtime not in RUNTIMES:
        raise ValueError(f"runtime={runtime!r} must be 'onnxruntime' or 'tensorflow'")


def from_file(
    path: str | os.PathLike[str],
    build: Callable[[], T],
    model: keras.Model,
    onnx_name: str,
    runtime: str,
) -> T:
    """A classifier made by `build` from a file's network and metadata: metadata that does
    not fit is a `ModelFileError`; with ONNX Runtime its `forward` runs the file's graph."""
    try:
        classifier = build()
    except (KeyError, TypeError, ValueError) as err:
        raise ModelFileError(path, f"metadata does not fit the network ({err})") from None
    if runtime == "onnxruntime":
        classifier.forward = load_forward(path, onnx_name, model, classifier._specs)  # type: ignore[attr-defined]
    return classifier
