"""Peer readers for the benchmarks (never imported by the library).

- ddddocr: a pretrained general captcha OCR, used zero-shot, each of its two models either
  restricted to the dataset's alphabet on the probabilities or unrestricted and case-folded.
- rapidocr (`rapidocr_onnxruntime`): PaddleOCR's recognition model on ONNX Runtime, used
  zero-shot, recognition only (no text detection), its output case-folded and stripped of
  spaces. Its wheel requires `opencv-python`, which would put a second `cv2` beside
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


class Ddddocr:
    """ddddocr zero-shot: its default model or its beta model (`beta`), restricted to
    `alphabet` on the per-frame probabilities before the CTC collapse (`restrict`), or
    unrestricted with its output case-folded to the alphabet's case."""

    def __init__(self, alphabet: str, *, beta: bool = False, restrict: bool = True) -> None:
        import ddddocr

        self._ocr = ddddocr.DdddOcr(show_ad=False, beta=beta)
        self.alphabet, self.restrict = alphabet, restrict
        self._allowed: np.ndarray | None = None

    def read(self, paths: Sequence[Path]) -> list[str]:
        if not self.restrict:
            return [
                _fold(self._ocr.classification(Path(p).read_bytes()), self.alphabet) for p in paths
            ]
        return [self._restricted(Path(p).read_bytes()) for p in paths]

    def _restricted(self, data: bytes) -> str:
        """Best path over the blank and the alphabet's symbols only."""
        result = self._ocr.classification(data, probability=True)
        probs = np.asarray(result["probabilities"], np.float32).reshape(-1, len(result["charset"]))
        charset = result["charset"]
        if self._allowed is None:
            keep = [0] + [n for n, c in enumerate(charset) if c and c in self.alphabet]
            self._allowed = np.array(keep)
        best = self._allowed[probs[:, self._allowed].argmax(axis=1)]
        collapsed = [int(i) for n, i in enumerate(best) if n == 0 or i != best[n - 1]]
        return "".join(charset[i] for i in collapsed if i != 0)


#: The ddddocr variants the benchmarks measure, by name.
DDDDOCR_VARIANTS = {
    "ddddocr, restricted": {"beta": False, "restrict": True},
    "ddddocr, case-folded": {"beta": False, "restrict": False},
    "ddddocr beta, restricted": {"beta": True, "restrict": True},
    "ddddocr beta, case-folded": {"beta": True, "restrict": False},
}


class Rapidocr:
    """rapidocr's recognizer alone, its output folded to the alphabet's case."""

    def __init__(self, alphabet: str) -> None:
        from rapidocr_onnxruntime import RapidOCR

        self._ocr = RapidOCR()
        self.alphabet = alphabet

    def read(self, paths: Sequence[Path]) -> list[str]:
        out = []
        for path in paths:
            result, _ = self._ocr(str(path), use_det=False, use_cls=False, use_rec=True)
            text = "".join(result[0][0].split()) if result else ""
            out.append(_fold(text, self.alphabet))
        return out


def _fold(text: str, alphabet: str) -> str:
    """`text` in the alphabet's case where the alphabet has a single case."""
    if alphabet == alphabet.lower():
        return text.lower()
    if alphabet == alphabet.upper():
        return text.upper()
    return text


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
