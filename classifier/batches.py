"""Training batches of a window network: aligned strips, windows drawn afresh every batch."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from charseg import Prepared, WidthBounds, ink_extents

from ._tf import keras
from .augment import augment_strip
from .config import AugmentConfig
from .window_classifier import padded_width
from .windows import bad_windows, training_windows

__all__ = ["StripBatches"]


class StripBatches(keras.utils.PyDataset):
    """Batches ``((strips, windows), labels, weights)`` for `classifier.fit_windows`.

    Every aligned strip gives, each time it is drawn, its aligned windows, `copies` copies of
    each with both cuts shifted at random by up to `jitter` columns, and about `negatives`
    badly cut windows per character (labelled `reject_index`); windows are tightened to their
    ink as in reading, and each strip is augmented (`augment_strip`). The draw depends only on
    `seed`, the epoch and the batch, so a resumed fit sees the same batches.
    """

    def __init__(
        self,
        prepared: Sequence[Prepared],
        cuts: Sequence[np.ndarray | None],
        labels: Sequence[np.ndarray],
        bounds: WidthBounds,
        *,
        context: int,
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
                bad_windows(prepared[n], self._cuts[r], bounds, negative_offset)
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
        self._width = padded_width(widest, context)
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
            strip, w = augment_strip(self._strips[r].channels, w, self._augment, rng)
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
