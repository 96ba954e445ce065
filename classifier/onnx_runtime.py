"""Trained networks as ONNX Runtime sessions: the same network, faster on a CPU, and read
without importing TensorFlow.

A network is converted once, when its file is saved, and stored in the file beside the Keras
weights; reading then runs it through ONNX Runtime (about 1.5x faster per window than the
TensorFlow graph on two cores, outputs equal within 1e-6), and a reader loads in a fraction
of a second because TensorFlow is never imported. Training keeps using TensorFlow.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import onnxruntime as ort

from .config import WindowSpec
from .errors import ModelFileError
from .window_scoring import WindowScoring

if TYPE_CHECKING:
    from ._tf import keras, tf
    from .window_classifier import WindowClassifier

__all__ = ["ONNX_NAME", "OnnxClassifier", "OnnxForward", "to_onnx"]

#: The attachment of a model file that holds its network as an ONNX graph.
ONNX_NAME = "network.onnx"
_OPSET = 17


def to_onnx(model: keras.Model, inputs: Sequence[tf.TensorSpec]) -> bytes:
    """Serialized ONNX graph of `model` for inputs of the given specs (float32)."""
    import tf2onnx  # imported here: only saving a model needs it

    proto, _ = tf2onnx.convert.from_keras(model, input_signature=tuple(inputs), opset=_OPSET)
    return proto.SerializeToString()


class OnnxForward:
    """Callable that maps float32 input arrays (in the network's input order) to its output.

    Parameters
    ----------
    graph : bytes
        A serialized ONNX graph.
    threads : int
        ONNX Runtime's threads for one call; 0 is one per core.
    """

    def __init__(self, graph: bytes, *, threads: int = 0) -> None:
        options = ort.SessionOptions()
        options.log_severity_level = 3  # errors only
        options.intra_op_num_threads = threads
        # Threads that sleep when idle, so that reading can prepare the next batch meanwhile:
        # on 2 cores (captcha_v2) batch reading is as fast as with one thread (227-239
        # against 221-229 images/s) and a single image is read faster (p50 4.9 against
        # 6.2-7.2 ms).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(graph, options, providers=["CPUExecutionProvider"])
        self._inputs = [i.name for i in self._session.get_inputs()]

    @property
    def n_outputs(self) -> Any:
        """The size of the output's last axis (an int, or a name when the graph leaves it
        open)."""
        return self._session.get_outputs()[0].shape[-1]

    def __call__(self, *arrays: np.ndarray) -> np.ndarray:
        return self._session.run(None, dict(zip(self._inputs, arrays, strict=True)))[0]


class OnnxClassifier(WindowScoring):
    """A saved window classifier run by ONNX Runtime from its model file's graph, without
    TensorFlow: it scores windows and reads glyphs as the `WindowClassifier` it was saved
    from does (outputs equal within 1e-6).

    Get one from `load_classifier` (its default runtime). Training from it (`model`) and
    saving it load that Keras classifier from `path` on first use.

    Parameters
    ----------
    path : path-like
        The model file.
    graph : bytes
        Its ONNX graph.
    alphabet, spec, network, reject
        As in `WindowClassifier`.
    threads : int
        ONNX Runtime's threads for one call; 0 is one per core.

    Raises
    ------
    ModelFileError
        A damaged graph, or one whose outputs do not fit the alphabet.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        graph: bytes,
        alphabet: str,
        spec: WindowSpec,
        network: str,
        reject: bool,
        *,
        threads: int = 0,
    ) -> None:
        self.path = Path(path)
        self.alphabet, self.spec, self.network, self.reject = alphabet, spec, network, reject
        try:
            self.forward = OnnxForward(graph, threads=threads)
        except Exception as err:  # onnxruntime raises its own types for a bad graph
            raise ModelFileError(path, f"damaged ONNX graph ({err.__class__.__name__})") from None
        if self.forward.n_outputs != self.n_outputs:
            raise ModelFileError(
                path,
                f"metadata does not fit the network (the graph has {self.forward.n_outputs} "
                f"outputs, the alphabet {len(alphabet)} symbols, reject class: {reject})",
            )

    def _run(self, board: np.ndarray, windows: np.ndarray) -> np.ndarray:
        return self.forward(board, windows)

    @functools.cached_property
    def keras_classifier(self) -> WindowClassifier:
        """The file's Keras classifier (imports TensorFlow), loaded on first use."""
        from .loading import load_keras_classifier

        return load_keras_classifier(self.path)

    @property
    def model(self) -> keras.Model:
        """The Keras network, for training from this classifier (`keras_classifier`)."""
        return self.keras_classifier.model

    def save(self, path: str | os.PathLike[str], extra: dict[str, Any] | None = None) -> None:
        """Write the model file as `WindowClassifier.save` does."""
        self.keras_classifier.save(path, extra)
