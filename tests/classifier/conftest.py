"""A tiny window classifier trained in a few seconds: three classes of bars by width."""

from __future__ import annotations

import numpy as np
import pytest

from classifier import ModelConfig, TrainConfig, WindowClassifier, WindowSpec, fit_windows
from classifier._tf import keras

SMALL = ModelConfig(filters=(4, 8, 8), dense=8, column_features=8, samples=4, dropout=0.0)
SPEC = WindowSpec(height=16, channels=2, context=2)


def bar_strips(seed: int, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Strips of 64 columns, each with three bars of widths 2, 6 and 10 in random order,
    the windows around the bars and their classes (0, 1, 2 by width)."""
    rng = np.random.default_rng(seed)
    strips = np.zeros((n, 16, 64, 2), np.float32)
    windows = np.zeros((n, 3, 2), np.float32)
    labels = np.zeros((n, 3), np.int32)
    for row in range(n):
        x = int(rng.integers(2, 6))
        for slot, cls in enumerate(rng.permutation(3)):
            width = 2 + 4 * int(cls)
            strips[row, 3:13, x : x + width] = 1.0
            windows[row, slot] = (x, x + width)
            labels[row, slot] = cls
            x += width + int(rng.integers(4, 8))
    return strips, windows, labels


class BarBatches:
    def __init__(self, strips, windows, labels):
        self._data = strips, windows, labels
        self.epoch = 0

    def __len__(self) -> int:
        return 6

    def __getitem__(self, index: int):
        part = slice(8 * index, 8 * index + 8)
        strips, windows, labels = (a[part] for a in self._data)
        return (strips, windows), labels, np.ones(labels.shape, np.float32)


@pytest.fixture(scope="session")
def bar_classifier() -> WindowClassifier:
    """A classifier of the three bar widths (labels "abc") with a reject output."""
    keras.utils.set_random_seed(0)
    clf = WindowClassifier.build("abc", SPEC, SMALL, reject=True)
    fit_windows(clf, BarBatches(*bar_strips(0, 48)), TrainConfig(epochs=40, learning_rate=1e-2))
    return clf
