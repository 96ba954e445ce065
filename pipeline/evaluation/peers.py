"""Off-the-shelf OCR engines reading a scheme with no labels at all: the zero-label point of
an audit, and the peers of the benchmarks.

The engines are optional (`pip install captcha-cnn[bench]`; rapidocr through `make
bench-peers`). Nothing here imports one until it is asked for, and `installed_peers` leaves
out the ones that are not installed.

- ddddocr: a pretrained general captcha OCR, each of its two models either restricted to the
  dataset's alphabet on the per-frame probabilities (before the CTC collapse) or unrestricted
  with its output case-folded to the alphabet's case.
- rapidocr (`rapidocr_onnxruntime`): PaddleOCR's recognition model on ONNX Runtime,
  recognition only (no text detection), its output case-folded and stripped of spaces.
"""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from ..data import Dataset
from .metrics import text_scores

__all__ = [
    "DDDDOCR_WAYS",
    "Ddddocr",
    "PeerReader",
    "Rapidocr",
    "fold_case",
    "installed_peers",
    "zero_label_scores",
]


class PeerReader(Protocol):
    """An engine that reads image files into text."""

    def read(self, paths: Sequence[Path]) -> list[str]: ...


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
                fold_case(self._ocr.classification(Path(p).read_bytes()), self.alphabet)
                for p in paths
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


#: The ways ddddocr is tried, by name: keyword arguments of `Ddddocr`.
DDDDOCR_WAYS = {
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
            out.append(fold_case(text, self.alphabet))
        return out


def fold_case(text: str, alphabet: str) -> str:
    """`text` in the alphabet's case where the alphabet has a single case.

    Examples
    --------
    >>> fold_case("Ab3", "abc3"), fold_case("Ab3", "Aab3")
    ('ab3', 'Ab3')
    """
    if alphabet == alphabet.lower():
        return text.lower()
    if alphabet == alphabet.upper():
        return text.upper()
    return text


def installed_peers(alphabet: str) -> dict[str, Callable[[], PeerReader]]:
    """Every way of every installed engine, by name, as a function that builds it (building
    loads the engine's model)."""
    ways: dict[str, Callable[[], PeerReader]] = {}
    if importlib.util.find_spec("ddddocr") is not None:
        for name, kwargs in DDDDOCR_WAYS.items():
            ways[name] = functools.partial(Ddddocr, alphabet, **kwargs)
    if importlib.util.find_spec("rapidocr_onnxruntime") is not None:
        ways["rapidocr"] = functools.partial(Rapidocr, alphabet)
    return ways


def zero_label_scores(
    peers: dict[str, Callable[[], PeerReader]],
    test: Dataset,
    log: Callable[[str], None] = print,
) -> dict[str, dict[str, float]]:
    """`text_scores` of each peer way on `test`; a way that fails to load or read is left
    out with one line saying why."""
    scores = {}
    for name, build in peers.items():
        try:
            texts = build().read(test.paths)
        except Exception as error:  # an optional engine's failure must not end an audit
            log(f"{name}: left out, it failed: {type(error).__name__}: {error}")
            continue
        scores[name] = text_scores(texts, test.labels)
    return scores
