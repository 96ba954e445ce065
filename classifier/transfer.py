"""Start a classifier from another one's weights, mapping the output layer by symbol."""

from __future__ import annotations

import numpy as np

from .onnx_runtime import OnnxClassifier
from .window_classifier import WindowClassifier

__all__ = ["transfer_weights"]


def transfer_weights(source: WindowClassifier | OnnxClassifier, target: WindowClassifier) -> str:
    """Copy `source`'s weights into `target`, a classifier of the same architecture (an
    `OnnxClassifier` source gives its Keras network's weights).

    Every layer but the output one is copied as is. Output unit of symbol ``c`` (and the reject
    unit) takes the source's unit of the same symbol; symbols the source does not know keep
    their fresh initialization.

    Returns
    -------
    str
        The target symbols that were mapped from the source.

    Raises
    ------
    ValueError
        When the two architectures differ (layer types or weight shapes).
    """
    src_layers, dst_layers = source.model.layers, target.model.layers
    if len(src_layers) != len(dst_layers):
        raise ValueError(
            f"base model has {len(src_layers)} layers, the new one {len(dst_layers)}: "
            "architectures differ"
        )
    for src, dst in zip(src_layers[:-1], dst_layers[:-1], strict=True):
        shapes = [w.shape for w in src.get_weights()], [w.shape for w in dst.get_weights()]
        if type(src) is not type(dst) or shapes[0] != shapes[1]:
            raise ValueError(
                f"base layer {src.name} ({type(src).__name__} {shapes[0]}) does not fit "
                f"{dst.name} ({type(dst).__name__} {shapes[1]}): architectures differ"
            )
        dst.set_weights(src.get_weights())
    kernel, bias = (np.array(w) for w in dst_layers[-1].get_weights())
    src_kernel, src_bias = src_layers[-1].get_weights()
    if src_kernel.shape[0] != kernel.shape[0]:
        raise ValueError("the output layers take different inputs: architectures differ")
    index = {c: n for n, c in enumerate(source.alphabet)}
    pairs = [(n, index[c]) for n, c in enumerate(target.alphabet) if c in index]
    if target.reject and source.reject:
        pairs.append((len(target.alphabet), len(source.alphabet)))
    for dst_unit, src_unit in pairs:
        kernel[:, dst_unit] = src_kernel[:, src_unit]
        bias[dst_unit] = src_bias[src_unit]
    dst_layers[-1].set_weights([kernel, bias])
    target.forward = None
    return "".join(c for c in target.alphabet if c in index)
