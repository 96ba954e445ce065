"""Choosing the network's precision for reading: 8-bit integers where they read the training
captchas as well as the float network does."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

import classifier as classifiers
from charseg import Prepared, WidthBounds

from ..reading import WidthModel, window_inputs
from .calibration import decode_texts

if TYPE_CHECKING:
    from classifier import WindowClassifier

__all__ = ["choose_int8"]


def choose_int8(
    classifier: WindowClassifier,
    prepared: Sequence[Prepared],
    labels: Sequence[str],
    texts: Sequence[str],
    lengths: Mapping[int, int],
    widths: WidthModel,
    bounds: WidthBounds,
    width_weight: float,
    *,
    sample: int = 256,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Quantize the network to 8-bit integers (`classifier.int8_graph`), calibrated on up to
    `sample` training images spread over the set, and keep it where it reads at least as
    many of them right as the float network did (`texts`, its readings of every image under
    `width_weight`): `classifier.int8` is then set (saved with the model) and
    `classifier.forward` runs it, so the reader reads as its file will.

    Returns
    -------
    dict
        ``int8`` (kept or not), ``sample`` (images read) and ``right_float``,
        ``right_int8`` (how many each read right).
    """
    picked = np.unique(np.linspace(0, len(prepared) - 1, min(sample, len(prepared))).astype(int))
    part = [prepared[n] for n in picked]
    strips, windows, _ = window_inputs(part, [sorted(lengths)] * len(part), bounds)
    calibration = [(board, wins) for _, board, wins in classifier.batches(strips, windows)]
    try:
        graph = classifiers.int8_graph(
            classifiers.to_onnx(classifier.model, classifier.input_specs), calibration
        )
        quantized = classifiers.OnnxForward(graph)
    except Exception as err:  # the quantizer's own errors: reading in floats loses nothing
        log(f"network for reading: float (quantizing it failed: {err.__class__.__name__}: {err})")
        return {"int8": False, "sample": len(part), "right_float": None, "right_int8": None}
    classifier.forward = quantized
    read = decode_texts(classifier, part, lengths, widths, bounds, [width_weight])[width_weight]
    right = {
        "float": sum(texts[n] == labels[n] for n in picked),
        "int8": sum(t == labels[n] for t, n in zip(read, picked, strict=True)),
    }
    keep = right["int8"] >= right["float"]
    classifier.int8 = graph if keep else None
    classifier.forward = quantized if keep else None  # reads as its saved file will
    log(
        f"network for reading: {'8-bit integers' if keep else 'float'} (of {len(part)} "
        f"training captchas the 8-bit network reads {right['int8']} right, the float one "
        f"{right['float']})"
    )
    return {
        "int8": keep,
        "sample": len(part),
        "right_float": right["float"],
        "right_int8": right["int8"],
    }
