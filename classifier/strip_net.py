"""The strip network: one convolution over a whole text strip, every window scored from it.

The strip is convolved once, turned into one feature vector per few columns, and a window
[a, b) is classified from the features at `samples` points spread evenly over
[a - context, b + context) (linear interpolation between columns) and its width. An image's
~100 candidate windows thus cost about as much as four windows convolved on their own.
"""

from __future__ import annotations

from ._tf import keras, tf
from .config import ModelConfig, WindowSpec

__all__ = ["FusedBatchNormalization", "WindowSample", "build_strip_network"]


@keras.saving.register_keras_serializable(package="captcha_cnn")
class WindowSample(keras.layers.Layer):
    """Column features at `samples` evenly spread points of each window, and its width.

    Inputs: features (B, F, D), one row per `step` strip columns, and windows (B, N, 2) as
    [a, b) in strip columns. Output: (B, N, samples * D + 1), the last value the window's
    width over `height`.
    """

    def __init__(self, samples: int, context: int, step: int, height: int, **kwargs) -> None:
        super().__init__(**kwargs)
        self.samples, self.context, self.step, self.height = samples, context, step, height

    def call(self, features, windows):
        a = windows[..., 0:1] - self.context
        b = windows[..., 1:2] + self.context
        t = (tf.range(self.samples, dtype=features.dtype) + 0.5) / self.samples
        at = (a + (b - a) * t) / self.step - 0.5  # (B, N, samples) in feature rows
        last = tf.cast(tf.shape(features)[1] - 1, features.dtype)
        at = tf.clip_by_value(at, 0.0, last)
        lower = tf.floor(at)
        frac = tf.reshape(at - lower, (tf.shape(at)[0], -1, 1))
        i0 = tf.cast(tf.reshape(lower, (tf.shape(at)[0], -1)), tf.int32)
        i1 = tf.minimum(i0 + 1, tf.cast(last, tf.int32))
        g0 = tf.gather(features, i0, batch_dims=1)
        g1 = tf.gather(features, i1, batch_dims=1)
        mixed = g0 + (g1 - g0) * frac
        shape = tf.shape(windows)
        sampled = tf.reshape(mixed, (shape[0], shape[1], self.samples * features.shape[-1]))
        width = (windows[..., 1:2] - windows[..., 0:1]) / self.height
        return tf.concat([sampled, width], axis=-1)

    def get_config(self) -> dict:
        extra = {"samples": self.samples, "context": self.context, "step": self.step}
        return {**super().get_config(), **extra, "height": self.height}


@keras.saving.register_keras_serializable(package="captcha_cnn")
class FusedBatchNormalization(keras.layers.BatchNormalization):
    """Batch normalization over the last axis of NHWC maps whose training step runs
    TensorFlow's fused kernel (Keras 3 composes it from separate ops).

    The same normalization, weights and moving statistics as the Keras layer, which it runs
    outside training (and in the exported graph); a training step of the strip network is
    about a quarter cheaper on a CPU (captcha_v2, 2 cores: 27-32 against 35-40 ms for 16
    strips, alternating in one process).
    """

    def call(self, inputs, training=None, mask=None):
        if not (training and self.trainable) or mask is not None:
            return super().call(inputs, training=training, mask=mask)
        outputs, mean, variance = tf.compat.v1.nn.fused_batch_norm(
            inputs, self.gamma, self.beta, epsilon=self.epsilon, is_training=True
        )
        # The kernel returns the unbiased variance; the Keras layer tracks the biased one.
        count = tf.cast(tf.reduce_prod(tf.shape(inputs)[:-1]), variance.dtype)
        variance = variance * (count - 1.0) / tf.maximum(count, 1.0)
        keep = self.momentum
        self.moving_mean.assign(self.moving_mean * keep + mean * (1.0 - keep))
        self.moving_variance.assign(self.moving_variance * keep + variance * (1.0 - keep))
        return outputs


def build_strip_network(n_outputs: int, spec: WindowSpec, config: ModelConfig) -> keras.Model:
    """Build an uncompiled strip network.

    Parameters
    ----------
    n_outputs : int
        Outputs per window (the alphabet, plus the reject class when there is one).
    spec : WindowSpec
        Strip height and channels, and the context read around each window.
    config : ModelConfig

    Returns
    -------
    keras.Model mapping strips (B, height, W, channels) and windows (B, N, 2) to
    probabilities (B, N, n_outputs)
    """
    rows = spec.height // 2 ** len(config.filters)
    if rows < 1:
        raise ValueError(f"{len(config.filters)} conv blocks halve a {spec.height}-row strip away")
    layers = keras.layers
    strip = keras.Input((spec.height, None, spec.channels), name="strip")
    windows = keras.Input((None, 2), name="windows")
    x = strip
    pools = [(2, 2)] * (len(config.filters) - 1) + [(2, 1)]
    for n, pool in zip(config.filters, pools, strict=True):
        # Pooled before it is normalized: the batch normalization and the activation, and
        # their gradients, run on maps a quarter the size (a training step about a sixth
        # cheaper than pooling last).
        x = layers.Conv2D(n, 3, padding="same", use_bias=False)(x)
        x = layers.MaxPooling2D(pool)(x)
        x = FusedBatchNormalization()(x)
        x = layers.Activation("relu")(x)
    x = layers.Permute((2, 1, 3))(x)
    x = layers.Reshape((-1, rows * config.filters[-1]))(x)
    x = layers.Dense(config.column_features, activation="relu", name="columns")(x)
    step = 2 ** (len(config.filters) - 1)
    h = WindowSample(config.samples, spec.context, step, spec.height)(x, windows)
    h = layers.Dropout(config.dropout)(h)
    h = layers.Dense(config.dense, activation="relu")(h)
    h = layers.Dropout(config.dropout)(h)
    outputs = layers.Dense(n_outputs, activation="softmax", name="char")(h)
    return keras.Model([strip, windows], outputs, name="strip_cnn")
