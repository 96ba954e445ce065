import numpy as np

from classifier import TrainConfig, WindowClassifier, fit_windows
from classifier._tf import keras
from classifier.train import cosine_rate
from tests.classifier.conftest import SMALL, SPEC, BarBatches, bar_strips


def test_cosine_rate_follows_keras_cosine_decay():
    config = TrainConfig(learning_rate=2e-3, final_rate=0.05)
    schedule = keras.optimizers.schedules.CosineDecay(2e-3, 120, alpha=0.05)
    steps = [0, 1, 37, 60, 119, 120, 150]
    ours = [cosine_rate(step, 120, config) for step in steps]
    theirs = [float(schedule(step)) for step in steps]
    np.testing.assert_allclose(ours, theirs, rtol=1e-5)
    assert ours[0] == 2e-3 and abs(ours[-1] - 1e-4) < 1e-12


class _Logged(BarBatches):
    """Bars that record which (epoch, batch) each draw was."""

    def __init__(self, *data):
        super().__init__(*data)
        self.drawn: list[tuple[int, int]] = []

    def __getitem__(self, index: int):
        self.drawn.append((self.epoch, index))
        return super().__getitem__(index)


def test_every_fit_starts_a_fresh_optimizer_and_draws_batches_in_order():
    keras.utils.set_random_seed(0)
    clf = WindowClassifier.build("abc", SPEC, SMALL, reject=True)
    data = _Logged(*bar_strips(1, 48))
    fit_windows(clf, data, TrainConfig(epochs=2, learning_rate=1e-2))
    assert data.drawn == [(e, i) for e in range(2) for i in range(len(data))]
    first_moments = [keras.ops.convert_to_numpy(v) for v in clf.model.optimizer.variables[2:]]
    fit_windows(clf, data, TrainConfig(epochs=1, learning_rate=1e-2))
    # One epoch's steps since the reset, not three epochs' worth.
    assert int(clf.model.optimizer.iterations) == len(data)
    later_moments = [keras.ops.convert_to_numpy(v) for v in clf.model.optimizer.variables[2:]]
    assert any(not np.allclose(a, b) for a, b in zip(first_moments, later_moments, strict=True))
