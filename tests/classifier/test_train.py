import numpy as np

from classifier import TrainConfig
from classifier._tf import keras
from classifier.train import cosine_rate


def test_cosine_rate_follows_keras_cosine_decay():
    config = TrainConfig(learning_rate=2e-3, final_rate=0.05)
    schedule = keras.optimizers.schedules.CosineDecay(2e-3, 120, alpha=0.05)
    steps = [0, 1, 37, 60, 119, 120, 150]
    ours = [cosine_rate(step, 120, config) for step in steps]
    theirs = [float(schedule(step)) for step in steps]
    np.testing.assert_allclose(ours, theirs, rtol=1e-5)
    assert ours[0] == 2e-3 and abs(ours[-1] - 1e-4) < 1e-12
