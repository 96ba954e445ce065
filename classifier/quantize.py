"""Window networks in 8-bit integers for reading: weights per output channel and activations
quantized by ONNX Runtime, their ranges calibrated on inputs the network reads in use.

On one thread of a CPU with AVX-512 VNNI the strip network then takes 0.70-0.76 of its float
time (captcha_v2 and mnwato_cat4); training checks that the quantized network reads
its training captchas as well before a model file keeps it (`pipeline.train_reader`).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from pathlib import Path

import numpy as np

__all__ = ["int8_graph"]

#: The operators quantized: the convolutions and the dense layers (MatMul in the graph).
_QUANTIZED = ["Conv", "MatMul"]


def int8_graph(graph: bytes, inputs: Iterable[tuple[np.ndarray, ...]]) -> bytes:
    """The ONNX graph `graph` with its convolutions and dense layers in 8-bit integers.

    Parameters
    ----------
    graph : bytes
        A serialized float ONNX graph (`to_onnx`).
    inputs : iterable of tuple of ndarray
        Calibration inputs, one tuple of the graph's inputs in order per forward pass (for
        a window network: a board of strips and its windows, as `WindowScoring.batches`
        gives them); their activations set the integer ranges.

    Returns
    -------
    bytes
        The serialized quantized graph (QDQ format), read by the same ONNX Runtime session
        options as the float one.
    """
    import onnx  # imported here: only training quantizes
    from onnxruntime.quantization import (
        CalibrationDataReader,
        QuantFormat,
        QuantType,
        quantize_static,
    )
    from onnxruntime.quantization.shape_inference import quant_pre_process

    names = [node.name for node in onnx.load_from_string(graph).graph.input]
    feeds = iter([dict(zip(names, arrays, strict=True)) for arrays in inputs])

    class _Feeds(CalibrationDataReader):
        def get_next(self) -> dict[str, np.ndarray] | None:
            return next(feeds, None)

    with tempfile.TemporaryDirectory() as tmp:
        plain, optimized, quantized = (Path(tmp) / n for n in ("f.onnx", "o.onnx", "q.onnx"))
        plain.write_bytes(graph)
        # Folds and fuses the graph first, so that fused layers are quantized as one.
        quant_pre_process(str(plain), str(optimized), skip_symbolic_shape=True)
        quantize_static(
            str(optimized),
            str(quantized),
            _Feeds(),
            quant_format=QuantFormat.QDQ,
            per_channel=True,
            activation_type=QuantType.QUInt8,
            weight_type=QuantType.QInt8,
            op_types_to_quantize=_QUANTIZED,
        )
        return quantized.read_bytes()
