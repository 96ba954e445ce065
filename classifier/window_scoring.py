"""Scoring windows of strips and reading pre-cut glyphs with any runner of a window network:
the batching shared by the Keras classifier and the TensorFlow-free ONNX one."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import cv2
import numpy as np

from .config import WindowSpec

__all__ = ["WindowScoring", "padded_width"]

#: Strips per forward pass.
_CHUNK = 16
#: Batch widths are rounded up to a multiple of this (fewer distinct shapes).
_WIDTH_STEP = 8


def padded_width(width: int, context: int) -> int:
    """Width of a batch whose widest strip has `width` columns: room for a window's context
    and one feature column of zeros after every strip, so that a strip's scores do not
    depend on the strips it is batched with.

    Examples
    --------
    >>> padded_width(100, 8)
    120
    """
    return -(-(width + context + _WIDTH_STEP) // _WIDTH_STEP) * _WIDTH_STEP


class WindowScoring:
    """Window scores and glyph readings of a network run by `_run(board, windows)`.

    Subclasses provide `alphabet` (str), `spec` (WindowSpec), `reject` (bool) and `_run`,
    which maps strips (B, height, W, channels) and windows (B, N, 2), float32, to
    probabilities (B, N, n_outputs).
    """

    alphabet: str
    spec: WindowSpec
    reject: bool

    def _run(self, board: np.ndarray, windows: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    @property
    def n_outputs(self) -> int:
        """Number of outputs: the alphabet, plus one for the reject class."""
        return len(self.alphabet) + int(self.reject)

    def window_proba(
        self, strips: Sequence[np.ndarray], windows: Sequence[np.ndarray]
    ) -> np.ndarray:
        """Class probabilities of windows of strips.

        Parameters
        ----------
        strips : sequence of ndarray of shape (height, W_i, channels), float32
        windows : sequence of ndarray of shape (n_i, 2)
            Column ranges [a, b) of each strip's windows.

        Returns
        -------
        ndarray of shape (sum of n_i, n_outputs), float32, the windows in order
            The last column is the reject class when `reject` is set.
        """
        if len(strips) != len(windows):
            raise ValueError(f"{len(strips)} strips but {len(windows)} window lists")
        height, channels = self.spec.height, self.spec.channels
        for strip in strips:
            if strip.ndim != 3 or strip.shape[0] != height or strip.shape[2] != channels:
                raise ValueError(
                    f"strips must have shape ({height}, W, {channels}), got {strip.shape}"
                )
        counts = np.array([len(w) for w in windows], int)
        offsets = np.concatenate([[0], np.cumsum(counts)])
        out = np.zeros((offsets[-1], self.n_outputs), np.float32)
        for part, board, wins in self.batches(strips, windows):
            proba = self._run(board, wins)
            for row, n in enumerate(part):
                out[offsets[n] : offsets[n + 1]] = proba[row, : counts[n]]
        return out

    def batches(
        self, strips: Sequence[np.ndarray], windows: Sequence[np.ndarray]
    ) -> Iterator[tuple[list[int], np.ndarray, np.ndarray]]:
        """The network's inputs for windows of strips (as `window_proba` takes them): for each
        forward pass, the strips' indices, their board (B, height, W, channels) padded with
        zeros, and their windows (B, N, 2), float32, padded with empty windows.

        Strips of similar width share a pass, so little of it is padding.
        """
        height, channels = self.spec.height, self.spec.channels
        counts = np.array([len(w) for w in windows], int)
        order = [n for n in np.argsort([s.shape[1] for s in strips], kind="stable") if counts[n]]
        for lo in range(0, len(order), _CHUNK):
            part = [int(n) for n in order[lo : lo + _CHUNK]]
            width = padded_width(max(strips[n].shape[1] for n in part), self.spec.context)
            board = np.zeros((len(part), height, width, channels), np.float32)
            wins = np.zeros((len(part), counts[part].max(), 2), np.float32)
            for row, n in enumerate(part):
                board[row, :, : strips[n].shape[1]] = strips[n]
                wins[row, : counts[n]] = windows[n]
            yield part, board, wins

    def predict(self, glyphs: Sequence[np.ndarray]) -> tuple[list[str], np.ndarray]:
        """Characters and confidences of pre-cut glyphs (ink-high arrays of any size).

        Each glyph is scaled to the strip height and read as one window over its whole
        width. Glyphs with one channel are repeated to fill the network's channels; the
        reject class is ignored.
        """
        if len(glyphs) == 0:
            return [], np.zeros(0, np.float32)
        strips = [self._as_strip(g) for g in glyphs]
        windows = [np.array([[0, s.shape[1]]], np.float32) for s in strips]
        proba = self.window_proba(strips, windows)[:, : len(self.alphabet)]
        best = proba.argmax(axis=1)
        return [self.alphabet[i] for i in best], proba[np.arange(len(best)), best]

    def _as_strip(self, glyph: np.ndarray) -> np.ndarray:
        height, channels = self.spec.height, self.spec.channels
        if glyph.ndim == 2:
            glyph = glyph[:, :, None]
        if glyph.ndim != 3 or glyph.shape[0] == 0 or glyph.shape[1] == 0:
            raise ValueError(f"glyph must have shape (h, w) or (h, w, C), got {glyph.shape}")
        if glyph.shape[2] not in (1, channels):
            raise ValueError(f"glyph has {glyph.shape[2]} channels, the model takes {channels}")
        h, w = glyph.shape[:2]
        width = max(2, int(round(w * height / h)))
        resized = cv2.resize(
            glyph.astype(np.float32), (width, height), interpolation=cv2.INTER_AREA
        )
        resized = resized.reshape(height, width, -1)
        return np.ascontiguousarray(np.broadcast_to(resized, (height, width, channels)))
