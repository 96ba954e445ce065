import dataclasses

import numpy as np

from classifier import OnnxForward, int8_graph, load_classifier, to_onnx
from classifier.model_file import read_attachment
from classifier.onnx_runtime import ONNX_INT8_NAME
from tests.classifier.conftest import bar_strips


def _int8_of(classifier):
    strips, windows, _ = bar_strips(1, 32)
    calibration = [(strips[lo : lo + 8], windows[lo : lo + 8]) for lo in range(0, 32, 8)]
    return int8_graph(to_onnx(classifier.model, classifier.input_specs), calibration)


def test_the_int8_graph_is_quantized_and_reads_as_the_float_one(bar_classifier):
    graph = _int8_of(bar_classifier)
    assert b"QuantizeLinear" in graph and b"DequantizeLinear" in graph
    strips, windows, labels = bar_strips(2, 16)
    exact = bar_classifier.model.predict([strips, windows], verbose=0)
    quantized = OnnxForward(graph)(strips, windows)
    assert quantized.shape == exact.shape
    assert np.abs(quantized - exact).max() < 0.1
    assert (quantized[..., :3].argmax(-1) == labels).mean() == (
        exact[..., :3].argmax(-1) == labels
    ).mean()


def test_a_saved_int8_graph_is_read_unless_asked_for_the_float_one(bar_classifier, tmp_path):
    plain, with_int8 = tmp_path / "plain.keras", tmp_path / "int8.keras"
    bar_classifier.save(plain)
    dataclasses.replace(bar_classifier, int8=_int8_of(bar_classifier)).save(with_int8)
    assert read_attachment(plain, ONNX_INT8_NAME) is None
    assert read_attachment(with_int8, ONNX_INT8_NAME) is not None
    assert load_classifier(with_int8)[0].int8
    assert not load_classifier(with_int8, int8=False)[0].int8
    assert not load_classifier(plain)[0].int8
