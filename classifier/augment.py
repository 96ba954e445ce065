"""Augmentation of training strips, with their windows moved along: shear, zoom, vertical
shift, stroke thickness, strike lines and noise."""

from __future__ import annotations

import math

import cv2
import numpy as np

from .config import AugmentConfig

__all__ = ["augment_strip"]


def augment_strip(
    strip: np.ndarray, windows: np.ndarray, config: AugmentConfig, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """One random augmentation of a strip and its windows.

    A shear and a zoom about the centre (windows scale with the zoom), then a vertical shift,
    stroke thickening or thinning, a strike line and uniform noise, each as strong as `config`
    says.

    Parameters
    ----------
    strip : ndarray of shape (H, W, C), float32
        Channel 0 is the raw ink, channel 1 the line-free ink.
    windows : ndarray of shape (n, 2)
        Column ranges [a, b) of the strip's windows.

    Returns
    -------
    strip : ndarray of shape (H, W, C), float32 in [0, 1]
    windows : ndarray of shape (n, 2)

    Examples
    --------
    >>> s, w = augment_strip(np.zeros((8, 20, 2), np.float32), np.array([[2.0, 6.0]]),
    ...                      AugmentConfig(), np.random.default_rng(0))
    >>> s.shape, w.shape, bool(0 <= s.min() and s.max() <= 1)
    ((8, 20, 2), (1, 2), True)
    """
    out = strip
    height, width = strip.shape[:2]
    if config.shear > 0 or config.zoom > 0:
        shear = rng.uniform(-config.shear, config.shear)
        zoom = 1.0 + rng.uniform(-config.zoom, config.zoom)
        cx, cy = width / 2, height / 2
        matrix = np.array(
            [[zoom, shear * zoom, cx - zoom * (cx + shear * cy)], [0, zoom, cy * (1 - zoom)]]
        )
        out = cv2.warpAffine(out, matrix, (width, height), flags=cv2.INTER_LINEAR)
        out = out.reshape(strip.shape)
        windows = np.clip(zoom * (windows - cx) + cx, 0, width)
    rows = int(round(config.shift * height))
    if rows:
        out = np.roll(out, int(rng.integers(-rows, rows + 1)), axis=0)
    u = rng.random()
    if u < config.stroke / 2:
        out = cv2.dilate(out, np.ones((3, 3), np.uint8)).reshape(strip.shape)
    elif u < config.stroke:
        out = cv2.erode(out, np.ones((3, 3), np.uint8)).reshape(strip.shape)
    if config.lines > 0 and rng.random() < config.lines:
        out = _strike(out, rng)
    out = out.astype(np.float32, copy=False)
    if config.noise > 0:
        # Uniform noise of that standard deviation: a sixth of the cost of Gaussian draws.
        noise = rng.random(out.shape, dtype=np.float32)
        noise -= 0.5
        noise *= np.float32(config.noise * _UNIFORM_SPREAD)
        noise += out
        out = np.clip(noise, 0.0, 1.0, out=noise)
    return out, windows


#: Width of a uniform distribution of unit standard deviation.
_UNIFORM_SPREAD = math.sqrt(12.0)


def _strike(strip: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A random gently curved strike line drawn into the raw ink (channel 0) and, half the
    time, cut out of the line-free ink (channel 1), as line removal does to a glyph stroke
    that runs along a line."""
    height, width = strip.shape[:2]
    t = np.linspace(0.0, 1.0, 16)
    x = rng.uniform(0.0, 0.3) * width + t * rng.uniform(0.5, 0.7) * width
    ends = rng.uniform(0.15, 0.85, 2) * height
    y = ends[0] + (ends[1] - ends[0]) * t + rng.uniform(-0.3, 0.3) * height * 4 * t * (1 - t)
    points = np.round(np.stack([x, y], axis=1) * 16).astype(np.int32)
    line = np.zeros((height, width), np.float32)
    cv2.polylines(line, [points], False, 1.0, int(rng.integers(1, 3)), cv2.LINE_AA, shift=4)
    out = strip.copy()
    out[:, :, 0] = np.maximum(out[:, :, 0], line * rng.uniform(0.7, 1.0))
    if rng.random() < 0.5:
        out[:, :, 1] *= 1.0 - line
    return out
