"""Glyph augmentation for training: geometry, stroke thickness, strike lines and noise."""

from __future__ import annotations

from dataclasses import dataclass

import keras
import tensorflow as tf

__all__ = ["AugmentConfig", "make_augmenter"]


@dataclass(frozen=True)
class AugmentConfig:
    """Strength of each augmentation (0 turns one off).

    Attributes
    ----------
    rotation : float
        Maximum rotation, in fractions of a full turn.
    shear : float
        Maximum shear factor.
    zoom : float
        Maximum relative scale change.
    shift : float
        Maximum shift as a fraction of the glyph side.
    stroke : float
        Probability of thickening or thinning the strokes by one pixel.
    noise : float
        Standard deviation of additive Gaussian noise.
    lines : float
        Probability of drawing a random thin strike line across the raw-ink channel (the
        first), so the classifier learns glyphs crossed by lines the cleaning left or damaged;
        for the strip network the line is also cut out of the line-free channel half the time.
    """

    rotation: float = 0.03
    shear: float = 0.15
    zoom: float = 0.08
    shift: float = 0.05
    stroke: float = 0.3
    noise: float = 0.05
    lines: float = 0.5

    @property
    def enabled(self) -> bool:
        """True when any augmentation is on."""
        return any(v > 0 for v in vars(self).values())


def _stroke(images: tf.Tensor, probability: float) -> tf.Tensor:
    """Randomly dilate or erode each image by one pixel (3x3 max/min filter)."""
    dilated = tf.nn.max_pool2d(images, 3, 1, "SAME")
    eroded = -tf.nn.max_pool2d(-images, 3, 1, "SAME")
    u = tf.random.uniform([tf.shape(images)[0], 1, 1, 1])
    out = tf.where(u < probability / 2, dilated, images)
    return tf.where((u >= probability / 2) & (u < probability), eroded, out)


def _strike_lines(images: tf.Tensor, probability: float) -> tf.Tensor:
    """Draw a line y = slope * x + offset, 1-3 px thick, into channel 0 of some images."""
    shape = tf.shape(images)
    n, height, width = shape[0], tf.cast(shape[1], tf.float32), tf.cast(shape[2], tf.float32)
    ys = tf.range(height)[None, :, None]
    xs = tf.range(width)[None, None, :]
    slope = tf.random.uniform([n, 1, 1], -0.35, 0.35)
    offset = tf.random.uniform([n, 1, 1], 0.2, 0.8) * height - slope * width / 2
    half = tf.random.uniform([n, 1, 1], 0.5, 1.5)
    drawn = tf.random.uniform([n, 1, 1]) < probability
    line = tf.cast((tf.abs(ys - (slope * xs + offset)) <= half) & drawn, images.dtype)
    raw = tf.maximum(images[..., :1], line[..., None])
    return tf.concat([raw, images[..., 1:]], axis=-1)


def make_augmenter(config: AugmentConfig, *, seed: int = 0):
    """A function mapping a batch (N, S, S, C) to an augmented batch of the same shape."""
    geometry = []
    if config.rotation > 0:
        geometry.append(
            keras.layers.RandomRotation(config.rotation, fill_mode="constant", seed=seed)
        )
    if config.shear > 0:
        geometry.append(
            keras.layers.RandomShear(x_factor=config.shear, fill_mode="constant", seed=seed + 1)
        )
    if config.zoom > 0:
        geometry.append(keras.layers.RandomZoom(config.zoom, fill_mode="constant", seed=seed + 2))
    if config.shift > 0:
        geometry.append(
            keras.layers.RandomTranslation(
                config.shift, config.shift, fill_mode="constant", seed=seed + 3
            )
        )
    pipeline = keras.Sequential(geometry) if geometry else None

    @tf.autograph.experimental.do_not_convert
    def augment(images: tf.Tensor) -> tf.Tensor:
        out = pipeline(images, training=True) if pipeline is not None else images
        if config.stroke > 0:
            out = _stroke(out, config.stroke)
        if config.lines > 0:
            out = _strike_lines(out, config.lines)
        if config.noise > 0:
            out = out + tf.random.normal(tf.shape(out), stddev=config.noise)
        return tf.clip_by_value(out, 0.0, 1.0)

    return augment
