"""`CaptchaReader`: train on labelled captchas, read new ones, save and load one model file."""

from __future__ import annotations

import dataclasses
import functools
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from tqdm import tqdm

from charseg import ImageLoadError, Prepared, boxes_from_cuts, load_pixels, prepare
from classifier import GlyphClassifier, ModelFileError, StripClassifier, load_classifier

from .checkpoint import Checkpoint, fingerprint
from .dataset import Dataset
from .errors import CheckpointError, DatasetError
from .first_pass import choose_threshold, first_readings
from .search import (
    Decoded,
    WindowScores,
    align,
    decode_batch,
    length_log_prior,
    score_windows,
)
from .training import (
    ReaderConfig,
    RoundReport,
    choose_decode_weight,
    config_from_dict,
    decode_texts,
    run_rounds,
)
from .widths import WidthModel

__all__ = ["Reading", "CaptchaReader", "ImageInput"]

ImageInput = np.ndarray | str | os.PathLike[str]
_PREPARE_BATCH = 64
Box = tuple[int, int, int, int]


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
    prepared : Prepared
        Cleaned maps, strip and candidate cuts, for overlays and debugging.
    first_pass : bool
        Read by the first pass from the projection's cuts, without the search
        (see `ReaderConfig.first_pass`).
    boxes : list of Box
        One (top, left, bottom, right) box per character, in source pixels, half-open;
        worked out from `cuts` on first use (most callers only want the text).
    """

    text: str
    confidences: tuple[float, ...]
    confidence: float
    cuts: tuple[int, ...]
    prepared: Prepared = field(repr=False, compare=False)
    first_pass: bool = False

    @functools.cached_property
    def boxes(self) -> list[Box]:
        """One (top, left, bottom, right) box per character (see the class docstring)."""
        if not self.text:
            return []
        prep = self.prepared
        return boxes_from_cuts(prep.strip, np.asarray(self.cuts, int), prep.cleaned.mask)


class CaptchaReader:
    """Segmentation-first captcha reader.

    Train it with `train` or load a saved one with `load`, then `read` images or paths.

    Examples
    --------
    >>> reader = CaptchaReader()
    >>> reader.trained, reader.alphabet
    (False, '')
    """

    def __init__(self, config: ReaderConfig | None = None) -> None:
        self.config = config or ReaderConfig()
        self.classifier: GlyphClassifier | StripClassifier | None = None
        self.lengths: dict[int, int] = {}
        self.widths: WidthModel | None = None
        self.history: list[RoundReport] = []
        self.epoch_log: list[dict[str, float]] = []
        self.decode_weight: float | None = None
        self.first_pass_threshold: float | None = None

    @property
    def trained(self) -> bool:
        """True once the reader has a classifier."""
        return self.classifier is not None

    @property
    def alphabet(self) -> str:
        """The symbols the classifier knows ('' before training)."""
        return self.classifier.alphabet if self.classifier else ""

    def prepare(self, images: Sequence[ImageInput], *, progress: bool = False) -> list[Prepared]:
        """Load (when given paths), clean and over-segment images.

        Raises
        ------
        ImageLoadError
            For the first file that cannot be read.
        """
        bar = tqdm(
            total=len(images), desc="preparing", unit="img", disable=not progress, leave=False
        )
        out: list[Prepared] = []
        for lo in range(0, len(images), _PREPARE_BATCH):
            part = self._prepare_batch(images[lo : lo + _PREPARE_BATCH])
            for item in part:
                if isinstance(item, ImageLoadError):
                    raise item
                out.append(item)
            bar.update(len(part))
        bar.close()
        return out

    def _prepare_batch(self, images: Sequence[ImageInput]) -> list[Prepared | ImageLoadError]:
        """`prepare` for a few images, an unreadable file giving its error in its place."""
        arrays: list[np.ndarray | ImageLoadError] = []
        for image in images:
            try:
                arrays.append(_as_array(image))
            except ImageLoadError as err:
                arrays.append(err)
        # Decoding the batch before cleaning it, rather than each file just before its
        # cleaning, takes a fifth less time: decoder and cleaning each keep the CPU caches
        # warm for the next image.
        return [
            a if isinstance(a, ImageLoadError) else prepare(a, self.config.segment) for a in arrays
        ]

    def train(
        self,
        dataset: Dataset,
        *,
        progress: bool = True,
        log: Callable[[str], None] = print,
        checkpoint: str | os.PathLike[str] | None = None,
        resume: bool = False,
        init: CaptchaReader | None = None,
    ) -> list[RoundReport]:
        """Train on a labelled dataset (alphabet and lengths are read from its labels).

        With `init` (a trained reader, e.g. from `pretrain`), the network starts from its
        weights with outputs mapped by symbol, and its architecture and glyph geometry are
        used; width bounds and priors are learned afresh.

        With `checkpoint` (a folder), the network is saved there after every epoch and the
        alignment after every round; `resume=True` continues an interrupted run of the same
        dataset and settings from it. The folder is left for the caller to delete once the
        model is saved (resuming a finished run returns at once).

        Raises
        ------
        DatasetError
            An empty dataset or fewer than two symbols.
        CheckpointError
            `resume` without a usable checkpoint, a checkpoint of another run, or a
            checkpoint already there without `resume` (it is never overwritten).
        """
        if len(dataset) == 0:
            raise DatasetError("dataset", "no images to train on")
        alphabet = dataset.alphabet
        if len(alphabet) < 2:
            raise DatasetError(
                dataset.paths[0].parent,
                f"labels use only {len(alphabet)} symbol(s); need at least 2",
            )
        base = init._require_classifier() if init is not None else None
        if init is not None:
            self.config = _with_geometry_of(self.config, init.config)
        store = Checkpoint(checkpoint) if checkpoint is not None else None
        if resume and store is None:
            raise ValueError("resume=True needs a checkpoint folder")
        if store is not None and store.exists() and not resume:
            raise CheckpointError(
                store.folder, "an interrupted run's checkpoint is here: resume it or delete it"
            )
        key = fingerprint(
            list(dataset.labels), [p.name for p in dataset.paths], dataclasses.asdict(self.config)
        )
        prepared = self.prepare(dataset.paths, progress=progress)
        result = run_rounds(
            prepared,
            dataset.labels,
            alphabet,
            self.config,
            progress=progress,
            log=log,
            checkpoint=store,
            resume_key=key if resume else None,
            run_key=key,
            init=base,
        )
        self.classifier = result.classifier
        self.widths = result.widths
        self.config = dataclasses.replace(self.config, segment=result.segment)
        self.lengths = dict(dataset.lengths)
        self.history = result.reports
        self.epoch_log = result.epochs
        self._tune_reading(prepared, dataset.labels, progress=progress, log=log)
        return result.reports

    def _tune_reading(
        self,
        prepared: Sequence[Prepared],
        labels: Sequence[str],
        *,
        progress: bool,
        log: Callable[[str], None],
    ) -> None:
        """Choose the width-prior weight and the first-pass threshold on the training images."""
        classifier = self._require_classifier()
        texts = decode_texts(
            classifier,
            prepared,
            self.lengths,
            self._widths(),
            self.config.segment,
            self.config.decode_weights,
            progress=progress,
        )
        self.decode_weight, tried = choose_decode_weight(texts, labels)
        log(
            f"width-prior weight for reading: {self.decode_weight:g} (training captchas read "
            "right: " + ", ".join(f"{w:g}: {a:.1%}" for w, a in tried.items()) + ")"
        )
        self.first_pass_threshold = None
        if isinstance(classifier, StripClassifier):
            return  # it scores all windows of a strip for about the price of the first pass
        if not self.config.first_pass or len(self.lengths) != 1:
            return
        firsts = first_readings(classifier, prepared, next(iter(self.lengths)), self.config.segment)
        self.first_pass_threshold = choose_threshold(firsts, texts[self.decode_weight], labels)
        if self.first_pass_threshold is None:
            log("first pass off: at every confidence it would answer some training captcha wrong")
            return
        share = np.mean([f is not None and f.score >= self.first_pass_threshold for f in firsts])
        log(
            f"first pass trusted at confidence >= {self.first_pass_threshold:g} "
            f"({share:.0%} of training captchas)"
        )

    def read_prepared(self, prepared: Sequence[Prepared]) -> list[Reading]:
        """Read images that were already prepared with `prepare`."""
        classifier = self._require_classifier()
        firsts = self._first_pass(prepared)
        part = [prep for prep, first in zip(prepared, firsts, strict=True) if first is None]
        lengths = [sorted(self.lengths)] * len(part)
        scores = score_windows(classifier, part, lengths, self.config.segment)
        searched = iter(self._decode(scores, part))
        return [first or next(searched) for first in firsts]

    def _first_pass(self, prepared: Sequence[Prepared]) -> list[Reading | None]:
        """Readings of the images the first pass may answer (see `ReaderConfig.first_pass`)."""
        if self.first_pass_threshold is None or len(self.lengths) != 1:
            return [None] * len(prepared)
        firsts = first_readings(
            self._require_classifier(), prepared, next(iter(self.lengths)), self.config.segment
        )
        return [
            _reading(f, p, first_pass=True)
            if f is not None and f.score >= self.first_pass_threshold
            else None
            for f, p in zip(firsts, prepared, strict=True)
        ]

    def _decode(
        self, scores: Sequence[WindowScores], prepared: Sequence[Prepared]
    ) -> list[Reading]:
        found = decode_batch(
            scores,
            prepared,
            self.alphabet,
            length_log_prior(self.lengths),
            self._widths(),
            width_weight=self._decode_weight(),
        )
        return [_reading(f, p) for f, p in zip(found, prepared, strict=True)]

    def read(
        self, images: Sequence[ImageInput], *, batch_size: int = 64, progress: bool = False
    ) -> list[Reading]:
        """Read captchas given as arrays (H, W[, 3]) (uint8, or float in [0, 1]) or file paths.

        Raises
        ------
        ImageLoadError
            For the first file that cannot be read (`read_stream` goes on past it).
        """
        out: list[Reading] = []
        for item in self.read_stream(images, batch_size=batch_size, progress=progress):
            if isinstance(item, ImageLoadError):
                raise item
            out.append(item)
        return out

    def read_stream(
        self, images: Sequence[ImageInput], *, batch_size: int = 64, progress: bool = False
    ) -> Iterator[Reading | ImageLoadError]:
        """Readings of `images` in order, yielded batch by batch (memory stays flat on big
        folders); a file that cannot be read yields its `ImageLoadError` in its place.

        The next batch is decoded and prepared in a worker thread while the classifier reads
        the current one.
        """
        self._require_classifier()
        parts = [images[lo : lo + batch_size] for lo in range(0, len(images), batch_size)]
        bar = tqdm(total=len(images), desc="reading", unit="img", disable=not progress, leave=False)
        with ThreadPoolExecutor(max_workers=1) as pool:
            ahead = pool.submit(self._prepare_batch, parts[0]) if parts else None
            for n in range(len(parts)):
                prepared = ahead.result() if ahead is not None else []
                ahead = (
                    pool.submit(self._prepare_batch, parts[n + 1]) if n + 1 < len(parts) else None
                )
                good = [p for p in prepared if not isinstance(p, ImageLoadError)]
                readings = iter(self.read_prepared(good))
                for item in prepared:
                    yield item if isinstance(item, ImageLoadError) else next(readings)
                bar.update(len(prepared))
        bar.close()

    def read_and_align(
        self, prepared: Sequence[Prepared], labels: Sequence[str]
    ) -> tuple[list[Reading], list[np.ndarray | None]]:
        """Readings, and the cuts that best explain the known labels, from one classification.

        The truth-aligned cuts (None where a label cannot be placed; scored as the reading is,
        with the same width-prior weight) tell segmentation errors from classification errors.
        """
        classifier = self._require_classifier()
        index = {c: n for n, c in enumerate(classifier.alphabet)}
        lengths = [sorted(set(self.lengths) | {len(label)}) for label in labels]
        scores = score_windows(classifier, prepared, lengths, self.config.segment)
        firsts = self._first_pass(prepared)
        todo = [n for n, first in enumerate(firsts) if first is None]
        searched = iter(self._decode([scores[n] for n in todo], [prepared[n] for n in todo]))
        readings = [first or next(searched) for first in firsts]
        references = []
        for prep, sc, label in zip(prepared, scores, labels, strict=True):
            label_index = np.array([index[c] for c in label], int)
            references.append(
                align(sc, prep, label_index, self._widths(), width_weight=self._decode_weight())
            )
        return readings, references

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write one self-describing model file (atomic)."""
        classifier = self._require_classifier()
        classifier.save(
            path,
            extra={
                "kind": "captcha-reader",
                "lengths": {str(k): n for k, n in self.lengths.items()},
                "widths": self._widths().to_dict(),
                "decode_weight": self._decode_weight(),
                "first_pass_threshold": self.first_pass_threshold,
                "config": dataclasses.asdict(self.config),
                "history": [dataclasses.asdict(r) for r in self.history],
                "epochs": self.epoch_log,
            },
        )

    @classmethod
    def load(cls, path: str | os.PathLike[str], *, runtime: str = "onnxruntime") -> CaptchaReader:
        """Load a reader written by `save` (`runtime`: see `GlyphClassifier.load`)."""
        classifier, meta = load_classifier(path, runtime=runtime)
        if meta.get("kind") != "captcha-reader":
            raise ModelFileError(path, "a glyph classifier, not a whole-captcha reader")
        try:
            reader = cls(config_from_dict(meta["config"]))
            reader.lengths = {int(k): int(n) for k, n in meta["lengths"].items()}
            reader.widths = WidthModel.from_dict(meta["widths"])
            reader.history = [RoundReport(**r) for r in meta.get("history", [])]
            reader.epoch_log = list(meta.get("epochs", []))
            if "decode_weight" in meta:
                reader.decode_weight = float(meta["decode_weight"])
            if meta.get("first_pass_threshold") is not None:
                reader.first_pass_threshold = float(meta["first_pass_threshold"])
        except (KeyError, TypeError, ValueError) as err:
            raise ModelFileError(path, f"incomplete reader metadata ({err})") from None
        reader.classifier = classifier
        return reader

    def _decode_weight(self) -> float:
        """Width-prior weight for reading: the one chosen in training, else the alignment's."""
        return self.config.width_weight if self.decode_weight is None else self.decode_weight

    def _widths(self) -> WidthModel:
        """The learned width prior, or a broad one for a classifier set by hand."""
        if self.widths is None:
            return WidthModel.uniform(len(self.alphabet), self.config.segment.width_sigma)
        return self.widths

    def _require_classifier(self) -> GlyphClassifier | StripClassifier:
        if self.classifier is None:
            raise RuntimeError("the reader is not trained: call train() or CaptchaReader.load()")
        return self.classifier


def _with_geometry_of(config: ReaderConfig, base: ReaderConfig) -> ReaderConfig:
    """`config` with the network architecture and glyph geometry of `base`."""
    segment = dataclasses.replace(
        config.segment,
        strip_height=base.segment.strip_height,
        context=base.segment.context,
        window_aspect=base.segment.window_aspect,
    )
    return dataclasses.replace(config, model=base.model, segment=segment)


def _as_array(image: ImageInput) -> np.ndarray:
    if isinstance(image, np.ndarray):
        if image.ndim not in (2, 3) or image.size == 0:
            raise ValueError(f"image must have shape (H, W) or (H, W, C), got {image.shape}")
        return image if image.dtype == np.uint8 else image.astype(np.float32)
    return load_pixels(Path(image))


def _reading(found: Decoded, prep: Prepared, *, first_pass: bool = False) -> Reading:
    conf = tuple(float(p) for p in found.probs)
    return Reading(
        found.text,
        conf,
        float(np.prod(conf)) if conf else 0.0,
        tuple(int(c) for c in found.cuts),
        prep,
        first_pass,
    )
