"""Trained networks as ONNX Runtime sessions: the same network, faster on a CPU.

A network is converted once, when its file is saved, and stored in the file beside the Keras
weights; reading then runs it through ONNX Runtime (about 1.5x faster per window than the
TensorFlow graph on two cores, outputs equal within 1e-6). Training keeps using TensorFlow.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np
import onnxruntime as ort

from ._tf import keras, tf
from .errors import ModelFileError
from .model_file import read_attachment

__all__ = ["OnnxForward", "load_forward", "to_onnx"]

_OPSET = 17


def to_onnx(model: keras.Model, inputs: Sequence[tf.TensorSpec]) -> bytes:
    """Serialized ONNX graph of `model` for inputs of the given specs (float32)."""
    import tf2onnx  # imported here: only saving a model needs it

    proto, _ = tf2onnx.convert.from_keras(model, input_signature=tuple(inputs), opset=_OPSET)
    return proto.SerializeToString()


class OnnxForward:
    """Callable that maps float32 input arrays (in the network's input order) to its output."""

    def __init__(self, graph: bytes) -> None:
        options = ort.SessionOptions()
        options.log_severity_level = 3  # errors only
        # ONNX Runtime's own thread count (one per core), threads that sleep when idle, so
        # that reading can prepare the next batch meanwhile: on 2 cores (captcha_v2) batch
        # reading is as fast as with one thread (227-239 against 221-229 images/s) and a
        # single image is read faster (p50 4.9 against 6.2-7.2 ms).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(graph, options, providers=["CPUExecutionProvider"])
        self._inputs = [i.name for i in self._session.get_inputs()]

    def __call__(self, *arrays: np.ndarray) -> np.ndarray:
        return self._session.run(None, dict(zip(self._inputs, arrays, strict=True)))[0]


def load_forward(
    path: str | os.PathLike[str], name: str, model: keras.Model, inputs: Sequence[tf.TensorSpec]
) -> OnnxForward:
    """The ONNX Runtime session of a model file's graph `name` (converted from `model` now
    for files saved without one); a damaged graph is a `ModelFileError`."""
    graph = read_attachment(path, name) or to_onnx(model, inputs)
    try:
        return OnnxForward(graph)
    except Exception as err:  # onnxruntime raises its own types for a bad graph
        raise ModelFileError(path, f"damaged ONNX graph ({err.__class__.__name__})") from None
