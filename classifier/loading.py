"""Loading the classifier of a model file: by default its ONNX graph, without TensorFlow."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from .config import WindowSpec
from .errors import ModelFileError
from .model_file import read_attachment, read_metadata
from .networks import NETWORKS
from .onnx_runtime import ONNX_INT8_NAME, ONNX_NAME, OnnxClassifier, OnnxForward, to_onnx

if TYPE_CHECKING:
    from .window_classifier import WindowClassifier

__all__ = ["RUNTIMES", "load_classifier", "load_keras_classifier"]

#: How a loaded classifier runs its network.
RUNTIMES = ("onnxruntime", "tensorflow")


def load_classifier(
    path: str | os.PathLike[str],
    *,
    runtime: str = "onnxruntime",
    threads: int = 0,
    int8: bool = True,
) -> tuple[OnnxClassifier | WindowClassifier, dict[str, Any]]:
    """Load the classifier of a model file and the file's full metadata.

    `runtime` "onnxruntime" (default) reads with the file's ONNX graph and does not import
    TensorFlow (a file saved without a graph is converted now, which does); "tensorflow"
    loads the Keras classifier, as training from it needs. Both give the same probabilities
    within 1e-6. `threads` is ONNX Runtime's thread count for one call (0: one per core).
    With `int8`, ONNX Runtime runs the file's 8-bit integer graph where it has one (training
    keeps one where it reads the training captchas as well as the float network).

    Raises
    ------
    ModelFileError
        A missing, damaged or foreign file, or a network this version does not know.
    """
    if runtime not in RUNTIMES:
        raise ValueError(f"runtime={runtime!r} is unknown; valid names: {list(RUNTIMES)}")
    meta, fields = _described(path)
    if runtime == "onnxruntime":
        quantized = read_attachment(path, ONNX_INT8_NAME) if int8 else None
        graph = quantized or read_attachment(path, ONNX_NAME)
        if graph is not None:
            onnx = OnnxClassifier(path, graph, *fields, threads=threads, int8=bool(quantized))
            return onnx, meta
    classifier = _keras_classifier(path, fields)
    if runtime == "onnxruntime":  # a file saved before graphs were attached
        graph = to_onnx(classifier.model, classifier.input_specs)
        classifier.forward = OnnxForward(graph, threads=threads)
    return classifier, meta


def load_keras_classifier(path: str | os.PathLike[str]) -> WindowClassifier:
    """The Keras classifier of a model file, as training from it needs (imports TensorFlow).

    Raises
    ------
    ModelFileError
        As `load_classifier`.
    """
    return _keras_classifier(path, _described(path)[1])


#: What a model file says of its classifier: alphabet, window spec, network, reject class.
_Fields = tuple[str, WindowSpec, str, bool]


def _described(path: str | os.PathLike[str]) -> tuple[dict[str, Any], _Fields]:
    """A model file's verified metadata and the classifier it describes."""
    meta = read_metadata(path)
    if meta.get("network") not in NETWORKS:
        raise ModelFileError(
            path, f"holds a network this version does not know: {meta.get('network')!r}"
        )
    try:
        spec = WindowSpec(**meta["window"])
        return meta, (meta["alphabet"], spec, meta["network"], bool(meta["reject"]))
    except (KeyError, TypeError, ValueError) as err:
        raise ModelFileError(path, f"metadata does not fit the network ({err})") from None


def _keras_classifier(path: str | os.PathLike[str], fields: _Fields) -> WindowClassifier:
    from .model_file import load_model_file
    from .window_classifier import WindowClassifier

    model, _ = load_model_file(path)
    try:
        return WindowClassifier(model, *fields)
    except ValueError as err:
        raise ModelFileError(path, f"metadata does not fit the network ({err})") from None
