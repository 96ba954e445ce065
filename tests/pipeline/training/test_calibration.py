import dataclasses

import numpy as np
import pytest

from pipeline import ReaderConfig, load_dataset
from pipeline.training import choose_decode_weight, decode_texts


def test_decode_weight_is_the_best_of_the_grid_on_training_data(tiny_reader, tiny_dataset_dir):
    ds = load_dataset(tiny_dataset_dir)
    prepared = tiny_reader.prepare(ds.paths)
    weights = (0.0, 0.5, 1.0, 40.0)
    learned = tiny_reader.learned
    by_weight = decode_texts(
        tiny_reader.classifier, prepared, learned.lengths, learned.widths, learned.bounds, weights
    )
    best, accuracy = choose_decode_weight(by_weight, ds.labels)
    assert set(accuracy) == set(weights)
    for w in weights:
        right = [t == y for t, y in zip(by_weight[w], ds.labels, strict=True)]
        assert accuracy[w] == pytest.approx(np.mean(right))
    top = max(accuracy.values())
    margin = np.sqrt(top * (1 - top) / len(prepared))
    assert accuracy[best] >= top - margin - 1e-12
    assert best == max(w for w in weights if accuracy[w] >= top - margin - 1e-12)
    # The accuracy under a weight is what reading with that weight gives.
    original = tiny_reader.learned
    try:
        tiny_reader.learned = dataclasses.replace(original, decode_weight=40.0)
        texts = [r.text for r in tiny_reader.read_prepared(prepared)]
    finally:
        tiny_reader.learned = original
    assert np.mean([t == y for t, y in zip(texts, ds.labels, strict=True)]) == pytest.approx(
        accuracy[40.0]
    )
    assert texts == by_weight[40.0]


def test_decode_weights_must_be_usable():
    with pytest.raises(ValueError, match="decode_weights"):
        ReaderConfig(decode_weights=())
    with pytest.raises(ValueError, match="decode_weights"):
        ReaderConfig(decode_weights=(0.5, -1.0))
