"""Training batches of the strip network: aligned strips, windows drawn afresh every batch."""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import keras
import numpy as np

from charseg import Prepared, SegmentConfig, allowed_windows
from classifier import AugmentConfig, padded_width

from .windows import ink_extents

__all__ = ["StripBatches", "bad_windows", "training_windows"]


def bad_windows(
    prepared: Prepared, cut: np.ndarray, config: SegmentConfig, offset: float
) -> tuple[np.ndarray, np.ndarray]:
    """Allowed candidate windows whose start or end is far from every aligned cut."""
    k = len(cut) - 1
    i, j = allowed_windows(prepared, k, config)
    cands = prepared.candidates
    far = offset * prepared.mean_width(k)
    start_ok = np.abs(cands[i][:, None] - cut[None, :-1]) <= far
    end_ok = np.abs(cands[j][:, None] - cut[None, 1:]) <= far
    bad = ~np.any(start_ok & end_ok, axis=1)
    return cands[i[bad]], cands[j[bad]]


def training_windows(
    cut: np.ndarray,
    label: np.ndarray,
    width: int,
    *,
    jitter: int,
    copies: int,
    rng: np.random.Generator,
    bad: tuple[np.ndarray, np.ndarray] | None = None,
    negatives: float = 0.0,
    reject_index: int = -1,
    max_negatives: int | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Training windows [lo, hi) and labels of one aligned strip of `width` columns.

    Each aligned glyph comes as aligned and as `copies` copies with both cuts shifted by up
    to `jitter` columns; with `bad` (badly cut windows, see `bad_windows`) about `negatives`
    per character of them are added as `reject_index`, at most `max_negatives`.
    """
    k = len(label)
    shifts = rng.integers(-jitter, jitter + 1, (k, copies, 2))
    shifts = np.concatenate([np.zeros((k, 1, 2), int), shifts], axis=1)
    lo = np.clip(cut[:-1, None] + shifts[:, :, 0], 0, width - 2).ravel()
    hi = np.clip(cut[1:, None] + shifts[:, :, 1], lo.reshape(k, -1) + 2, width).ravel()
    y = np.repeat(label, copies + 1)
    if bad is not None:
        bad_lo, bad_hi = bad
        n_neg = min(len(bad_lo), int(rng.poisson(negatives * k)))
        if max_negatives is not None:
            n_neg = min(n_neg, max_negatives)
        pick = rng.choice(len(bad_lo), n_neg, replace=False)
        lo, hi = np.concatenate([lo, bad_lo[pick]]), np.concatenate([hi, bad_hi[pick]])
        y = np.concatenate([y, np.full(n_neg, reject_index)])
    return lo, hi, y


class StripBatches(keras.utils.PyDataset):
    """Batches ``((strips, windows), labels, weights)`` for `classifier.fit_windows`.

    Every aligned strip gives, each time it is drawn, its aligned windows, `copies` copies of
    each with both cuts shifted at random by up to `jitter` columns, and about `negatives`
    badly cut windows per character (labelled `reject_index`); windows are tightened to their
    ink as in reading. Strips are augmented with a shear and a zoom (windows follow), a
    vertical shift, stroke thickening or thinning and noise (`AugmentConfig.shear`, `zoom`,
    `shift`, `stroke`, `noise`). The draw depends only on
    `seed`, the epoch and the batch, so a resumed fit sees the same batches.
    """

    def __init__(
        self,
        prepared: Sequence[Prepared],
        cuts: Sequence[np.ndarray | None],
        labels: Sequence[np.ndarray],
        segment: SegmentConfig,
        *,
        batch_size: int,
        jitter: int,
        copies: int,
        negatives: float,
        negative_offset: float,
        reject_index: int | None,
        augment: AugmentConfig,
        seed: int,
    ) -> None:
        super().__init__()
        keep = [n for n, c in enumerate(cuts) if c is not None]
        if not keep:
            raise ValueError("no image could be aligned to its label")
        self._strips = [prepared[n].strip for n in keep]
        self._cuts = [np.asarray(cuts[n], int) for n in keep]
        self._labels = [np.asarray(labels[n], int) for n in keep]
        self._bad = (
            [
                bad_windows(prepared[n], self._cuts[r], segment, negative_offset)
                for r, n in enumerate(keep)
            ]
            if reject_index is not None and negatives > 0
            else None
        )
        self._batch, self._jitter, self._copies = batch_size, jitter, copies
        self._negatives, self._reject = negatives, reject_index
        self._augment, self._seed = augment, seed
        self.epoch = 0
        # Keras wants one batch shape: every strip padded to the widest, a fixed window count.
        widest = max(s.channels.shape[1] for s in self._strips)
        self._width = padded_width(widest, segment.context_columns)
        k = max(len(y) for y in self._labels)
        self._max_negatives = int(np.ceil(2 * negatives * k)) if self._bad else 0
        self._n_windows = k * (1 + copies) + self._max_negatives

    @property
    def windows_per_epoch(self) -> int:
        """About how many windows one epoch holds."""
        chars = sum(len(y) for y in self._labels)
        return int(chars * (1 + self._copies + (self._negatives if self._bad else 0)))

    def __len__(self) -> int:
        return -(-len(self._strips) // self._batch)

    def on_epoch_end(self) -> None:
        self.epoch += 1

    def __getitem__(self, index: int):
        order = np.random.default_rng([self._seed, self.epoch]).permutation(len(self._strips))
        rng = np.random.default_rng([self._seed, self.epoch, index])
        rows = order[index * self._batch : (index + 1) * self._batch]
        drawn = [self._draw(r, rng) for r in rows]
        height, _, channels = self._strips[rows[0]].channels.shape
        board = np.zeros((len(rows), height, self._width, channels), np.float32)
        windows = np.zeros((len(rows), self._n_windows, 2), np.float32)
        y = np.zeros((len(rows), self._n_windows), np.int32)
        weight = np.zeros((len(rows), self._n_windows), np.float32)
        for n, (r, (w, lab)) in enumerate(zip(rows, drawn, strict=True)):
            strip, w = self._augmented(self._strips[r].channels, w, rng)
            board[n, :, : strip.shape[1]] = strip
            windows[n, : len(lab)], y[n, : len(lab)], weight[n, : len(lab)] = w, lab, 1.0
        return (board, windows), y, weight

    def _draw(self, row: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """Windows [a, b) (tightened) and labels of one strip."""
        strip = self._strips[row]
        lo, hi, y = training_windows(
            self._cuts[row],
            self._labels[row],
            strip.channels.shape[1],
            jitter=self._jitter,
            copies=self._copies,
            rng=rng,
            bad=None if self._bad is None else self._bad[row],
            negatives=self._negatives,
            reject_index=-1 if self._reject is None else self._reject,
            max_negatives=self._max_negatives,
        )
        a, b = ink_extents(strip.profile, lo, hi)
        return np.stack([a, b], axis=1), y

    def _augmented(
        self, strip: np.ndarray, windows: np.ndarray, rng: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray]:
        """The strip augmented, and its windows moved with it: a shear and a zoom about the
        centre (`AugmentConfig.shear`, `zoom`; windows scale with the zoom), then a vertical
        shift, stroke thickening or thinning and noise."""
        aug = self._augment
        out = strip
        height, width = strip.shape[:2]
        if aug.shear > 0 or aug.zoom > 0:
            shear = rng.uniform(-aug.shear, aug.shear)
            zoom = 1.0 + rng.uniform(-aug.zoom, aug.zoom)
            cx, cy = width / 2, height / 2
            matrix = np.array(
                [[zoom, shear * zoom, cx - zoom * (cx + shear * cy)], [0, zoom, cy * (1 - zoom)]]
            )
            out = cv2.warpAffine(out, matrix, (width, height), flags=cv2.INTER_LINEAR)
            out = out.reshape(strip.shape)
            windows = np.clip(zoom * (windows - cx) + cx, 0, width)
        rows = int(round(aug.shift * strip.shape[0]))
        if rows:
            out = np.roll(out, int(rng.integers(-rows, rows + 1)), axis=0)
        u = rng.random()
        if u < aug.stroke / 2:
            out = cv2.dilate(out, np.ones((3, 3), np.uint8)).reshape(strip.shape)
        elif u < aug.stroke:
            out = cv2.erode(out, np.ones((3, 3), np.uint8)).reshape(strip.shape)
        if aug.lines > 0 and rng.random() < aug.lines:
            out = _strike(out.astype(np.float32), rng)
        if aug.noise > 0:
            out = np.clip(out + rng.normal(0, aug.noise, out.shape), 0, 1)
        return out.astype(np.float32), windows


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
