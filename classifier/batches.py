"""Training batches of a window network: aligned strips, windows drawn afresh every batch."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from charseg import Prepared, WidthBounds, ink_extents

from .augment import augment_strip
from .config import AugmentConfig
from .window_scoring import padded_width
from .windows import bad_windows, training_windows

__all__ = ["StripBatches"]


class StripBatches:
    """Batches ``((strips, windows), labels, weights)`` for `classifier.fit_windows`.

    Every aligned strip gives, each time it is drawn, its aligned windows, `copies` copies of
    each with both cuts shifted at random by up to `jitter` columns, and about `negatives`
    badly cut windows per character (labelled `reject_index`); windows are tightened to their
    ink as in reading, and each strip is augmented (`augment_strip`). The draw depends only on
    `seed`, the epoch and the batch, so a resumed fit sees the same batches.

    Each epoch shuffles the strips, sorts every `pool` batches' worth of them by width and
    shuffles the batches so made: a batch holds strips of about one width and is padded
    only to its own widest, so one wide strip costs its own batch, not every batch.
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
        pool: int,
    ) -> None:
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
        self._augment, self._seed, self._pool, self._context = augment, seed, pool, context
        self.epoch = 0
        self._rows: tuple[int, list[np.ndarray]] | None = None  # (epoch, its batch_rows)
        self._widths = np.array([s.channels.shape[1] for s in self._strips])
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

    def batch_rows(self, epoch: int) -> list[np.ndarray]:
        """The strips of each batch of an epoch."""
        rng = np.random.default_rng([self._seed, epoch])
        order = rng.permutation(len(self._strips))
        span = self._batch * self._pool
        batches = []
        for start in range(0, len(order), span):
            part = order[start : start + span]
            part = part[np.argsort(self._widths[part], kind="stable")]
            batches += [part[n : n + self._batch] for n in range(0, len(part), self._batch)]
        return [batches[n] for n in rng.permutation(len(batches))]

    def __getitem__(self, index: int):
        if self._rows is None or self._rows[0] != self.epoch:
            self._rows = self.epoch, self.batch_rows(self.epoch)
        rows = self._rows[1][index]
        rng = np.random.default_rng([self._seed, self.epoch, index])
        drawn = [self._draw(r, rng) for r in rows]
        height, _, channels = self._strips[rows[0]].channels.shape
        width = padded_width(int(self._widths[rows].max()), self._context)
        board = np.zeros((len(rows), height, width, channels), np.float32)
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
