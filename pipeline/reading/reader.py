"""`CaptchaReader`: read captchas with a trained window classifier; save and load one file."""

from __future__ import annotations

import dataclasses
import functools
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from tqdm import tqdm

import classifier as classifiers
from charseg import STRIP_CHANNELS, Box, ImageLoadError, Prepared, boxes_from_cuts
from classifier import ModelFileError

from .config import ReaderConfig, config_from_dict
from .decode import Decoded, decode_batch, length_log_prior
from .images import ImageInput, prepare_batch, prepare_images
from .learned import Learned
from .scores import WindowScores, score_windows
from .workers import map_in_workers, worker_count

if TYPE_CHECKING:
    from classifier import OnnxClassifier, WindowClassifier

__all__ = ["CaptchaReader", "Reading"]

_KIND = "captcha-reader"


@dataclass(frozen=True)
class Reading:
    """What the reader saw in one captcha.

    Attributes
    ----------
    text : str
    confidences : tuple of float
        Probability of each character.
    confidence : float
        Product of the character probabilities (0 for an empty reading).
    cuts : tuple of int
        Chosen cut columns in the normalized strip.
    prepared : Prepared or None
        Cleaned maps, strip and candidate cuts, for overlays and debugging; None when read
        with ``keep_prepared=False``.
    boxes : list of Box
        One (top, left, bottom, right) box per character, in source pixels, half-open;
        worked out from `cuts` on first use (most callers only want the text).
    """

    text: str
    confidences: tuple[float, ...]
    confidence: float
    cuts: tuple[int, ...]
    prepared: Prepared | None = field(repr=False, compare=False)

    @functools.cached_property
    def boxes(self) -> list[Box]:
        """One (top, left, bottom, right) box per character (see the class docstring)."""
        if not self.text:
            return []
        prep = self.prepared
        if prep is None:
            raise ValueError("boxes need the prepared image: read with keep_prepared=True")
        return boxes_from_cuts(prep.strip, np.asarray(self.cuts, int), prep.cleaned.mask)


class CaptchaReader:
    """Segmentation-first captcha reader: a window classifier, the settings it was trained
    with and what training learned about the scheme.

    Get one from `pipeline.train_reader` or `CaptchaReader.load`, then `read` images or paths.

    Parameters
    ----------
    classifier : WindowClassifier or OnnxClassifier
        The network: a `WindowClassifier` from training, an `OnnxClassifier` from `load`.
    config : ReaderConfig
    learned : Learned
    history : dict, optional
        The training log (``rounds`` and ``epochs`` lists), kept in the model file.
    """

    def __init__(
        self,
        classifier: WindowClassifier | OnnxClassifier,
        config: ReaderConfig,
        learned: Learned,
        history: dict[str, Any] | None = None,
    ) -> None:
        spec, strip = classifier.spec, config.segment.strip
        if (spec.height, spec.channels) != (strip.height, STRIP_CHANNELS):
            raise ValueError(
                f"the classifier reads strips of {spec.height} rows and {spec.channels} "
                f"channels, the segmenter makes {strip.height} rows and {STRIP_CHANNELS}"
            )
        self.classifier = classifier
        self.config = config
        self.learned = learned
        self.history = history or {"rounds": [], "epochs": []}

    @property
    def alphabet(self) -> str:
        """The symbols the classifier knows."""
        return self.classifier.alphabet

    def prepare(self, images: Sequence[ImageInput], *, progress: bool = False) -> list[Prepared]:
        """Load (when given paths), clean and over-segment images (`prepare_images`)."""
        return prepare_images(images, self.config.segment, progress=progress)

    def score(
        self, prepared: Sequence[Prepared], extra_lengths: Sequence[int] = ()
    ) -> list[WindowScores]:
        """Classifier scores of the windows of images for every learned length, and for
        `extra_lengths[n]` too where given (one per image; evaluation aligns the truth)."""
        lengths = sorted(self.learned.lengths)
        per_image = [sorted({*lengths, k}) for k in extra_lengths] or [lengths] * len(prepared)
        return score_windows(self.classifier, prepared, per_image, self.learned.bounds)

    def decode(self, scores: Sequence[WindowScores], prepared: Sequence[Prepared]) -> list[Reading]:
        """Readings of images from their window scores (`score`)."""
        found = decode_batch(
            scores,
            prepared,
            self.alphabet,
            length_log_prior(self.learned.lengths),
            self.learned.widths,
            width_weight=self.learned.decode_weight,
        )
        return [_reading(f, p) for f, p in zip(found, prepared, strict=True)]

    def read_prepared(self, prepared: Sequence[Prepared]) -> list[Reading]:
        """Read images that were already prepared with `prepare`."""
        return self.decode(self.score(prepared), prepared)

    def read(
        self,
        images: Sequence[ImageInput],
        *,
        batch_size: int = 64,
        progress: bool = False,
        keep_prepared: bool = True,
    ) -> list[Reading]:
        """Read captchas given as arrays (H, W[, 3]) (uint8, or float in [0, 1]) or file paths.

        Raises
        ------
        ImageLoadError
            For the first file that cannot be read (`read_stream` goes on past it).
        """
        out: list[Reading] = []
        stream = self.read_stream(
            images, batch_size=batch_size, progress=progress, keep_prepared=keep_prepared
        )
        for item in stream:
            if isinstance(item, ImageLoadError):
                raise item
            out.append(item)
        return out

    def read_stream(
        self,
        images: Sequence[ImageInput],
        *,
        batch_size: int = 64,
        progress: bool = False,
        keep_prepared: bool = True,
    ) -> Iterator[Reading | ImageLoadError]:
        """Readings of `images` in order, yielded batch by batch (memory stays flat on big
        folders); a file that cannot be read yields its `ImageLoadError` in its place.

        With `keep_prepared` False each reading's `prepared` is None: the text and
        confidences only, which is what reading in bulk needs and what worker processes
        send back cheaply.

        Several batches on several cores are read by one forked worker process per core
        (`workers.worker_count`), each batch whole, cleaning and network, in one process.
        Otherwise the next batch is decoded and prepared in a
        worker thread while the classifier reads the current one on one thread
        (`classifier.sharing_cores`); a single batch is read in this thread, the network on
        every core.
        """
        parts = [images[lo : lo + batch_size] for lo in range(0, len(images), batch_size)]
        if len(parts) == 1:
            yield from _read_part(self, parts[0], keep_prepared)
            return
        bar = tqdm(total=len(images), desc="reading", unit="img", disable=not progress, leave=False)
        workers = worker_count(self, len(parts))
        batches = (
            map_in_workers(self, _read_part, [(part, keep_prepared) for part in parts], workers)
            if workers > 1
            else self._read_in_threads(parts, keep_prepared)
        )
        for readings in batches:
            yield from readings
            bar.update(len(readings))
        bar.close()

    def _read_in_threads(
        self, parts: Sequence[Sequence[ImageInput]], keep_prepared: bool
    ) -> Iterator[list[Reading | ImageLoadError]]:
        """Readings of each part, the next one prepared in a worker thread meanwhile."""
        seg = self.config.segment
        with ThreadPoolExecutor(max_workers=1) as pool:
            ahead = pool.submit(prepare_batch, parts[0], seg) if parts else None
            for n in range(len(parts)):
                prepared = ahead.result() if ahead is not None else []
                ahead = (
                    pool.submit(prepare_batch, parts[n + 1], seg) if n + 1 < len(parts) else None
                )
                with classifiers.sharing_cores():  # the worker prepares on another core
                    readings = self._read_batch(prepared)
                yield _kept(readings, keep_prepared)  # the caller's code runs unshared

    def _read_batch(
        self, prepared: Sequence[Prepared | ImageLoadError]
    ) -> list[Reading | ImageLoadError]:
        """Readings of prepared images, an `ImageLoadError` staying in its place."""
        good = [p for p in prepared if not isinstance(p, ImageLoadError)]
        readings = iter(self.read_prepared(good))
        return [p if isinstance(p, ImageLoadError) else next(readings) for p in prepared]

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write one self-describing model file (atomic)."""
        self.classifier.save(
            path,
            extra={
                "kind": _KIND,
                "config": dataclasses.asdict(self.config),
                "learned": self.learned.to_dict(),
                "history": self.history,
            },
        )

    @classmethod
    def load(
        cls,
        path: str | os.PathLike[str],
        *,
        runtime: str = "onnxruntime",
        threads: int = 0,
        int8: bool = True,
    ) -> CaptchaReader:
        """Load a reader written by `save` (`runtime`, `threads`, `int8`: see
        `classifier.load_classifier`; the default reads without importing TensorFlow, with
        the 8-bit network where training kept one).

        Raises
        ------
        ModelFileError
            A missing, damaged or foreign file, or a classifier without a reader.
        """
        classifier, meta = classifiers.load_classifier(
            path, runtime=runtime, threads=threads, int8=int8
        )
        if meta.get("kind") != _KIND:
            raise ModelFileError(path, "a glyph classifier, not a whole-captcha reader")
        try:
            return cls(
                classifier,
                config_from_dict(meta["config"]),
                Learned.from_dict(meta["learned"]),
                meta.get("history"),
            )
        except (KeyError, TypeError, ValueError) as err:
            raise ModelFileError(path, f"incomplete reader metadata ({err})") from None


def _read_part(
    reader: CaptchaReader, part: Sequence[ImageInput], keep_prepared: bool
) -> list[Reading | ImageLoadError]:
    """Readings of one batch (in a worker process: `workers.map_in_workers`)."""
    return _kept(reader._read_batch(prepare_batch(part, reader.config.segment)), keep_prepared)


def _kept(
    readings: list[Reading | ImageLoadError], keep_prepared: bool
) -> list[Reading | ImageLoadError]:
    """`readings` as they are, or without their prepared images."""
    if keep_prepared:
        return readings
    return [
        r if isinstance(r, ImageLoadError) else dataclasses.replace(r, prepared=None)
        for r in readings
    ]


def _reading(found: Decoded, prep: Prepared) -> Reading:
    conf = tuple(float(p) for p in found.probs)
    return Reading(
        found.text,
        conf,
        float(np.prod(conf)) if conf else 0.0,
        tuple(int(c) for c in found.cuts),
        prep,
    )
