"""Trained networks as ONNX Runtime sessions: the same network, faster on a CPU, and read
without importing TensorFlow.

A network is converted once, when its file is saved, and stored in the file beside the Keras
weights; reading then runs it through ONNX Runtime (about 1.5x faster per window than the
TensorFlow graph on two cores, outputs equal within 1e-6), and a reader loads in a fraction
of a second because TensorFlow is never imported. Training keeps using TensorFlow.
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
from collections.abc import Iterator, Sequence
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

__all__ = [
    "ONNX_INT8_NAME",
    "ONNX_NAME",
    "OnnxClassifier",
    "OnnxForward",
    "sharing_cores",
    "to_onnx",
]

#: The attachment of a model file that holds its network as an ONNX graph.
ONNX_NAME = "network.onnx"
#: The attachment that holds the network in 8-bit integers (`classifier.int8_graph`), where
#: training found that it reads as well.
ONNX_INT8_NAME = "network-int8.onnx"
_OPSET = 17
_CALLER = threading.local()  # `sharing` is set inside `sharing_cores` blocks of a thread


@contextlib.contextmanager
def sharing_cores() -> Iterator[None]:
    """Inside the block, networks that choose their own thread count (``threads=0``) and are
    called from this thread run on one thread: another thread works on the other cores
    meanwhile (reading prepares the next batch). On 2 cores that reads captcha_v2 at 1032
    images/s against 903 with a thread per core (medians of 8 runs); a lone call keeps every
    core.
    """
    before = getattr(_CALLER, "sharing", False)
    _CALLER.sharing = True
    try:
        yield
    finally:
        _CALLER.sharing = before


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
        self._graph, self._threads = graph, threads
        self._session = _session(graph, threads)
        self._inputs = [i.name for i in self._session.get_inputs()]

    @functools.cached_property
    def _one_thread(self) -> ort.InferenceSession:
        """The graph on one thread, for calls inside `sharing_cores` (opened on first use)."""
        return _session(self._graph, 1)

    @property
    def n_outputs(self) -> Any:
        """The size of the output's last axis (an int, or a name when the graph leaves it
        open)."""
        return self._session.get_outputs()[0].shape[-1]

    def __call__(self, *arrays: np.ndarray) -> np.ndarray:
        shared = self._threads == 0 and getattr(_CALLER, "sharing", False)
        session = self._one_thread if shared else self._session
        return session.run(None, dict(zip(self._inputs, arrays, strict=True)))[0]


def _session(graph: bytes, threads: int) -> ort.InferenceSession:
    """An ONNX Runtime session of `graph` on `threads` threads (0: one per core)."""
    options = ort.SessionOptions()
    options.log_severity_level = 3  # errors only
    options.intra_op_num_threads = threads
    # Threads that sleep when idle: a lone image is read on every core (p50 4.9 against
    # 6.2-7.2 ms on one thread, captcha_v2 on 2 slow cores) and the pool gives the cores
    # back between calls.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(graph, options, providers=["CPUExecutionProvider"])


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
    int8 : bool
        `graph` is the file's 8-bit integer graph (its scores then differ slightly from the
        Keras network's).

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
        int8: bool = False,
    ) -> None:
        self.path, self.int8 = Path(path), int8
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
        """Write the model file as `WindowClassifier.save` does (without an 8-bit graph)."""
        self.keras_classifier.save(path, extra)
