"""The trained peer of the benchmarks (ddddocr and rapidocr, zero-shot, are in
`pipeline.evaluation.peers`, which the audit uses too).

- rapidocr: rapidocr's wheel requires `opencv-python`, which would put a second `cv2` beside
  `opencv-python-headless`: install it with `make bench-peers` (no dependencies; the ones it
  needs besides OpenCV are in the `bench` extra).
- CRNN + CTC in the style of the Keras captcha OCR example (keras-io
  examples/vision/captcha_ocr.py): two conv/pool blocks, a dense layer, two bidirectional
  LSTMs and a CTC loss, trained on the same training images for a fixed number of epochs.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

import keras
import numpy as np
from keras import layers, ops

from charseg import load_image


class Crnn:
    """The Keras captcha OCR example's CRNN + CTC reader."""

    def __init__(self, alphabet: str, max_length: int, width: int = 200, height: int = 50):
        self.alphabet, self.max_length = alphabet, max_length
        self.width, self.height = width, height
        self.model = self._build()

    def _build(self) -> keras.Model:
        image = keras.Input((self.width, self.height, 1), name="image")
        x = layers.Conv2D(32, 3, activation="relu", padding="same")(image)
        x = layers.MaxPooling2D(2)(x)
        x = layers.Conv2D(64, 3, activation="relu", padding="same")(x)
        x = layers.MaxPooling2D(2)(x)
        x = layers.Reshape((self.width // 4, (self.height // 4) * 64))(x)
        x = layers.Dense(64, activation="relu")(x)
        x = layers.Dropout(0.2)(x)
        x = layers.Bidirectional(layers.LSTM(128, return_sequences=True, dropout=0.25))(x)
        x = layers.Bidirectional(layers.LSTM(64, return_sequences=True, dropout=0.25))(x)
        # Logits: keras.ops.ctc_loss and ctc_decode apply the softmax themselves.
        out = layers.Dense(len(self.alphabet) + 1)(x)
        return keras.Model(image, out)

    def _images(self, paths: Sequence[Path]) -> np.ndarray:
        import cv2

        batch = np.zeros((len(paths), self.width, self.height, 1), np.float32)
        for n, path in enumerate(paths):
            gray = load_image(path).mean(axis=2)
            gray = cv2.resize(gray, (self.width, self.height), interpolation=cv2.INTER_AREA)
            batch[n, :, :, 0] = gray.T
        return batch

    def train(self, paths: Sequence[Path], labels: Sequence[str], epochs: int) -> float:
        """Fit for exactly `epochs` epochs (CTC plateaus for a while: no early stop)."""
        index = {c: n for n, c in enumerate(self.alphabet)}
        y = np.full((len(labels), self.max_length), -1, np.int32)
        for n, label in enumerate(labels):
            y[n, : len(label)] = [index[c] for c in label]
        blank = len(self.alphabet)

        def ctc(y_true, y_pred):
            y_true = ops.cast(y_true, "int32")
            label_len = ops.sum(ops.cast(y_true >= 0, "int32"), axis=1)
            out_len = ops.full((ops.shape(y_pred)[0],), ops.shape(y_pred)[1], dtype="int32")
            target = ops.where(y_true >= 0, y_true, ops.zeros_like(y_true))
            return keras.ops.ctc_loss(target, y_pred, label_len, out_len, mask_index=blank)

        self.model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=ctc)
        started = time.perf_counter()
        self.model.fit(self._images(paths), y, batch_size=16, epochs=epochs, verbose=0)
        return time.perf_counter() - started

    def read(self, paths: Sequence[Path]) -> list[str]:
        pred = self.model.predict(self._images(paths), verbose=0)
        decoded, _ = keras.ops.ctc_decode(
            pred,
            ops.full((len(paths),), pred.shape[1], dtype="int32"),
            strategy="greedy",
            mask_index=len(self.alphabet),
        )
        seqs = np.asarray(decoded[0])
        return [
            "".join(self.alphabet[c] for c in row if 0 <= c < len(self.alphabet)) for row in seqs
        ]
