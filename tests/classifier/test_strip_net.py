import numpy as np

from classifier import WindowSample
from classifier._tf import tf


def test_window_sample_interpolates_column_features_evenly_over_the_window():
    features = tf.constant(np.arange(10, dtype=np.float32).reshape(1, 10, 1))
    windows = tf.constant([[[4.0, 12.0], [0.0, 2.0]]])
    out = WindowSample(samples=4, context=0, step=2, height=8)(features, windows).numpy()[0]
    # points 5, 7, 9, 11 (centres of quarters of [4, 12)) -> feature rows x / 2 - 0.5
    np.testing.assert_allclose(out[0], [2.0, 3.0, 4.0, 5.0, 1.0])
    # points 0.25 .. 1.75 fall left of row 0's centre, clipped to it; width 2 / height 8
    np.testing.assert_allclose(out[1], [0.0, 0.0, 0.125, 0.375, 0.25])


def test_window_sample_context_widens_the_sampled_span():
    features = tf.constant(np.arange(20, dtype=np.float32).reshape(1, 20, 1))
    windows = tf.constant([[[8.0, 12.0]]])
    plain = WindowSample(samples=2, context=0, step=1, height=8)(features, windows).numpy()
    wide = WindowSample(samples=2, context=4, step=1, height=8)(features, windows).numpy()
    # [8, 12) sampled at 9 and 11; with 4 columns of context, [4, 16) at 7 and 13
    np.testing.assert_allclose(plain[0, 0, :2], [8.5, 10.5])
    np.testing.assert_allclose(wide[0, 0, :2], [6.5, 12.5])
    assert plain[0, 0, 2] == wide[0, 0, 2] == 0.5  # the width is the window's own


def test_fused_batch_normalization_trains_and_infers_like_the_keras_layer():
    from classifier import FusedBatchNormalization
    from classifier._tf import keras

    rng = np.random.default_rng(0)
    x = tf.constant(rng.normal(2.0, 3.0, (4, 6, 10, 5)).astype(np.float32))
    fused, plain = FusedBatchNormalization(), keras.layers.BatchNormalization()
    fused.build(x.shape), plain.build(x.shape)
    for layer in (fused, plain):
        layer.gamma.assign(rng.normal(1.0, 0.1, 5).astype(np.float32))
        layer.beta.assign(np.linspace(-1.0, 1.0, 5, dtype=np.float32))
    plain.set_weights(fused.get_weights())
    np.testing.assert_allclose(fused(x, training=True), plain(x, training=True), atol=1e-4)
    for name in ("moving_mean", "moving_variance"):
        np.testing.assert_allclose(getattr(fused, name), getattr(plain, name), rtol=1e-5)
    assert not np.allclose(fused.moving_mean, 0.0)  # the training call moved the statistics
    np.testing.assert_allclose(fused(x, training=False), plain(x, training=False), atol=1e-5)
