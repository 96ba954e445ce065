"""Training from whole-string labels: align glyphs, train the CNN, re-align, repeat."""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import keras
import numpy as np
from tqdm import tqdm

from charseg import (
    CleanConfig,
    Prepared,
    SegmentConfig,
    Strip,
    model_free_cuts,
)
from classifier import (
    AugmentConfig,
    GlyphClassifier,
    ModelConfig,
    StripClassifier,
    TrainConfig,
    build_model,
    build_strip_model,
    fit,
    fit_windows,
    transfer_weights,
)

from .checkpoint import Checkpoint, TrainingState
from .search import align, decode_batch, length_log_prior, score_windows
from .strip_batches import StripBatches, bad_windows, training_windows
from .widths import WidthModel
from .windows import glyph_batches

__all__ = [
    "ReaderConfig",
    "RoundReport",
    "TrainingResult",
    "bad_windows",
    "choose_decode_weight",
    "decode_texts",
    "config_from_dict",
    "glyph_set",
    "learn_widths",
    "relative_cut_widths",
    "round_epochs",
    "run_rounds",
    "segment_from_dict",
]


@dataclass(frozen=True)
class ReaderConfig:
    """Everything that shapes a reader and its training.

    Attributes
    ----------
    segment : SegmentConfig
        Cleaning, strip and candidate settings (width bounds are re-learned in training).
    model : ModelConfig
    augment : AugmentConfig
    rounds : int
        Train/align rounds (1 = train once on the projection-based alignment).
    epochs : int
        Epochs of the first round.
    refine_epochs : int
        Epochs of each later round (continuing from the previous weights).
    min_steps : int
        Fewest optimizer steps (batches) of the first round: on small datasets every round's
        epochs are stretched by the same factor so that a few dozen images still get trained
        (0 = off).
    batch_size : int
        Glyphs per batch (glyph network).
    strip_batch_size : int
        Strips per batch (strip network).
    learning_rate : float
    jitter : float
        Random shift of each cut of a training glyph, as a fraction of the strip height.
    copies : int
        Jittered copies per aligned glyph, besides the glyph itself.
    negatives : float
        Badly cut windows per aligned glyph, taught as the reject class (0 = no reject class).
    negative_offset : float
        A window is badly cut when a cut lies this far (fraction of a character width) from
        every aligned cut.
    width_weight : float
        Weight of the width prior against the classifier's log-probabilities in forced
        alignment.
    first_pass : bool
        Glyph network only: read each captcha first from the projection's cuts alone (a
        handful of windows) and search only where a character of that reading is less
        confident than the threshold learned in training (the lowest at which every training
        captcha it would answer is read right and as the search reads it). Used only when all
        training labels have one length.
    decode_weights : tuple of float
        Width-prior weights tried for reading; the largest within one standard error of the
        best on the training captchas is kept with the model (a strong prior can outvote a
        confident classifier).
    seed : int
    """

    segment: SegmentConfig = field(default_factory=SegmentConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    augment: AugmentConfig = field(default_factory=AugmentConfig)
    rounds: int = 5
    epochs: int = 30
    refine_epochs: int = 15
    min_steps: int = 1000
    batch_size: int = 64
    strip_batch_size: int = 16
    learning_rate: float = 2e-3
    jitter: float = 0.06
    copies: int = 2
    negatives: float = 1.0
    negative_offset: float = 0.3
    width_weight: float = 1.0
    first_pass: bool = True
    decode_weights: tuple[float, ...] = (0.0, 0.125, 0.25, 0.5, 1.0)
    seed: int = 0

    @property
    def jitter_columns(self) -> int:
        """`jitter` in strip columns (at least 1)."""
        return max(1, int(round(self.jitter * self.segment.strip_height)))

    def __post_init__(self) -> None:
        if self.rounds < 1 or self.epochs < 1 or self.refine_epochs < 0:
            raise ValueError("rounds and epochs must be at least 1, refine_epochs at least 0")
        if not self.decode_weights or min(self.decode_weights) < 0:
            raise ValueError("decode_weights must hold at least one weight, none negative")


@dataclass(frozen=True)
class RoundReport:
    """What one training round did.

    `glyphs` is the number of training windows of one epoch (aligned glyphs, their jittered
    copies and the reject windows); `aligned` and `changed` count images after the round's
    alignment.
    """

    round: int
    glyphs: int
    aligned: int
    changed: int
    train_accuracy: float
    seconds: float


def glyph_set(
    prepared: Sequence[Prepared],
    cuts: Sequence[np.ndarray | None],
    labels: Sequence[np.ndarray],
    config: ReaderConfig,
    *,
    reject_index: int | None,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Normalized training glyphs and label indices from aligned cuts.

    Each aligned glyph comes with `config.copies` copies whose cuts are shifted at random;
    with a `reject_index`, badly cut windows are added with that label.
    """
    glyph_size = config.segment.strip_height
    context = config.segment.context_columns
    strips: list[Strip] = []
    los: list[np.ndarray] = []
    his: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    reject = reject_index is not None and config.negatives > 0
    for prep, cut, label in zip(prepared, cuts, labels, strict=True):
        if cut is None:
            continue
        lo, hi, y = training_windows(
            cut,
            label,
            prep.strip.channels.shape[1],
            jitter=config.jitter_columns,
            copies=config.copies,
            rng=rng,
            bad=bad_windows(prep, cut, config.segment, config.negative_offset) if reject else None,
            negatives=config.negatives,
            reject_index=-1 if reject_index is None else reject_index,
        )
        ys.append(y)
        strips.append(prep.strip)
        los.append(lo)
        his.append(hi)
    if not strips:
        raise ValueError("no image could be aligned to its label")
    x = glyph_batches(
        strips, los, his, size=glyph_size, width=config.segment.glyph_width, context=context
    )
    return x, np.concatenate(ys).astype(np.int32)


def relative_cut_widths(prepared: Prepared, cut: np.ndarray | None) -> np.ndarray | None:
    """Widths between consecutive cuts relative to the image's mean character width."""
    if cut is None:
        return None
    return np.diff(cut) / prepared.mean_width(len(cut) - 1)


def learn_widths(rel: Sequence[np.ndarray | None], config: SegmentConfig) -> SegmentConfig:
    """Bounds of the relative window width from aligned glyphs' relative widths."""
    known = [r for r in rel if r is not None]
    if not known:
        return config
    values = np.concatenate(known)
    lo, hi = np.quantile(values, [0.002, 0.998])
    return dataclasses.replace(
        config,
        min_rel_width=float(np.clip(0.85 * lo, 0.1, 0.9)),
        max_rel_width=float(np.clip(1.15 * hi, 1.1, 4.0)),
    )


def round_epochs(config: ReaderConfig, round_no: int, steps_per_epoch: int) -> int:
    """Epochs of a round: the configured ones, stretched when the first round would take
    fewer than `config.min_steps` optimizer steps.

    Examples
    --------
    >>> round_epochs(ReaderConfig(epochs=10, refine_epochs=4, min_steps=1000), 1, 10)
    40
    """
    base = config.epochs if round_no == 0 else config.refine_epochs
    stretch = max(1.0, config.min_steps / (config.epochs * steps_per_epoch))
    return math.ceil(base * stretch)


def run_rounds(
    prepared: Sequence[Prepared],
    labels: Sequence[str],
    alphabet: str,
    config: ReaderConfig,
    *,
    progress: bool = True,
    log: Callable[[str], None] = print,
    checkpoint: Checkpoint | None = None,
    resume_key: str | None = None,
    run_key: str = "",
    init: GlyphClassifier | StripClassifier | None = None,
) -> TrainingResult:
    """Alternate training and forced alignment; return the classifier and learned widths.

    With a `checkpoint`, the network is saved after every epoch and the alignment after
    every round, marked with `run_key`; with `resume_key` the run continues from a
    checkpoint marked with that key. With `init` (a classifier of the same architecture,
    e.g. pretrained on generated captchas) the network starts from its weights, mapped by
    symbol, and round 0 is aligned by it instead of by the projection.
    """
    index = {c: n for n, c in enumerate(alphabet)}
    label_idx = [np.array([index[c] for c in label], int) for label in labels]
    keras.utils.set_random_seed(config.seed)
    reject = config.negatives > 0
    model: keras.Model | None = None
    if resume_key is not None and checkpoint is not None:
        state, model = checkpoint.load(resume_key)
        log(f"resuming at round {state.round} after {state.epochs_done} epoch(s) of it")
    else:
        state = _fresh_state(prepared, labels, alphabet, config, run_key)
    seg = segment_from_dict(state.segment)
    fresh = model is None
    if model is None:
        model = _build(len(alphabet) + int(reject), seg, config.model)
    classifier = _classifier(model, alphabet, seg, reject)
    if fresh and init is not None:
        mapped = transfer_weights(init, model, alphabet, reject=reject)
        log(f"started from the base model: {len(mapped)} of {len(alphabet)} symbols mapped")
        widths0 = WidthModel.from_dict(state.widths)
        cuts0 = _align_all(
            classifier, prepared, label_idx, seg, widths0, config.width_weight, progress
        )
        # Where the base cannot place a label (new symbols), the projection's cuts stay.
        state.cuts = [
            old if new is None else new.tolist() for old, new in zip(state.cuts, cuts0, strict=True)
        ]
    if fresh and checkpoint is not None:
        checkpoint.save(state, model)
    cuts = [None if c is None else np.asarray(c, int) for c in state.cuts]
    widths = WidthModel.from_dict(state.widths)
    rng = np.random.default_rng()
    rng.bit_generator.state = state.rng
    for round_no in range(state.round, config.rounds):
        started = time.perf_counter()
        # state.rng holds the generator's state at the start of this round (set below at the
        # end of the previous one), so a resumed round draws the same glyph set.
        round_config = dataclasses.replace(config, segment=seg, seed=config.seed + round_no)
        reject_index = len(alphabet) if reject else None
        if isinstance(classifier, StripClassifier):
            data = _strip_batches(prepared, cuts, label_idx, round_config, reject_index)
            n_windows, steps = data.windows_per_epoch, len(data)
        else:
            x, y = glyph_set(
                prepared, cuts, label_idx, round_config, reject_index=reject_index, rng=rng
            )
            n_windows, steps = len(x), math.ceil(len(x) / config.batch_size)
        epochs = round_epochs(config, round_no, steps)
        train = TrainConfig(
            epochs=epochs,
            batch_size=config.batch_size,
            learning_rate=config.learning_rate if round_no == 0 else config.learning_rate / 2,
            augment=config.augment,
            seed=round_config.seed,
        )
        callbacks = [
            _EpochBar(epochs, round_no, progress),
            _EpochRecorder(state, round_no, checkpoint),
        ]
        if state.epochs_done < epochs and isinstance(classifier, StripClassifier):
            data.epoch = state.epochs_done
            fit_windows(model, data, train, initial_epoch=state.epochs_done, callbacks=callbacks)
        elif state.epochs_done < epochs:
            fit(model, x, y, train, initial_epoch=state.epochs_done, callbacks=callbacks)
        new_cuts = _align_all(
            classifier, prepared, label_idx, seg, widths, config.width_weight, progress
        )
        changed = sum(
            1
            for old, new in zip(cuts, new_cuts, strict=True)
            if new is not None and (old is None or len(old) != len(new) or np.any(old != new))
        )
        cuts = new_cuts
        rel = [relative_cut_widths(p, c) for p, c in zip(prepared, cuts, strict=True)]
        seg = learn_widths(rel, seg)
        widths = WidthModel.fit(rel, label_idx, len(alphabet))
        last = [e for e in state.epochs if e["round"] == round_no]
        report = RoundReport(
            round_no,
            n_windows,
            sum(c is not None for c in cuts),
            changed,
            float(last[-1]["accuracy"]) if last else float("nan"),
            time.perf_counter() - started,
        )
        state.reports.append(dataclasses.asdict(report))
        state.round, state.epochs_done = round_no + 1, 0
        state.cuts = [None if c is None else c.tolist() for c in cuts]
        state.segment = dataclasses.asdict(seg)
        state.widths = widths.to_dict()
        state.rng = rng.bit_generator.state
        if checkpoint is not None:
            checkpoint.save(state)
        log(
            f"round {round_no}: {report.glyphs} windows, "
            f"train accuracy {report.train_accuracy:.3f}, "
            f"aligned {report.aligned}/{len(prepared)}, cuts changed in {report.changed}, "
            f"{report.seconds:.0f}s"
        )
    return TrainingResult(
        classifier, seg, widths, [RoundReport(**r) for r in state.reports], state.epochs
    )


def _build(n_outputs: int, seg: SegmentConfig, config: ModelConfig) -> keras.Model:
    if config.network == "strip":
        return build_strip_model(n_outputs, seg.strip_height, 2, seg.context_columns, config)
    return build_model(
        n_outputs, seg.strip_height, seg.glyph_channels, config, glyph_width=seg.glyph_width
    )


def _classifier(
    model: keras.Model, alphabet: str, seg: SegmentConfig, reject: bool
) -> GlyphClassifier | StripClassifier:
    if model.name == "strip_cnn":
        return StripClassifier(model, alphabet, seg.strip_height, 2, seg.context_columns, reject)
    return GlyphClassifier(
        model, alphabet, seg.strip_height, seg.glyph_channels, reject, seg.glyph_width
    )


def _strip_batches(prepared, cuts, label_idx, config: ReaderConfig, reject_index) -> StripBatches:
    return StripBatches(
        prepared,
        cuts,
        label_idx,
        config.segment,
        batch_size=config.strip_batch_size,
        jitter=config.jitter_columns,
        copies=config.copies,
        negatives=config.negatives,
        negative_offset=config.negative_offset,
        reject_index=reject_index,
        augment=config.augment,
        seed=config.seed,
    )


@dataclass(frozen=True)
class TrainingResult:
    """What `run_rounds` learned, with its per-round reports and per-epoch log."""

    classifier: GlyphClassifier | StripClassifier
    segment: SegmentConfig
    widths: WidthModel
    reports: list[RoundReport]
    epochs: list[dict[str, float]]


def _fresh_state(
    prepared: Sequence[Prepared],
    labels: Sequence[str],
    alphabet: str,
    config: ReaderConfig,
    key: str,
) -> TrainingState:
    """Round 0's start: cuts from the projection and widths alone."""
    seg = config.segment
    cuts = [model_free_cuts(p, len(lab), seg) for p, lab in zip(prepared, labels, strict=True)]
    return TrainingState(
        round=0,
        epochs_done=0,
        cuts=[None if c is None else np.asarray(c).tolist() for c in cuts],
        segment=dataclasses.asdict(seg),
        widths=WidthModel.uniform(len(alphabet), seg.width_sigma).to_dict(),
        rng=dict(np.random.default_rng(config.seed).bit_generator.state),
        reports=[],
        epochs=[],
        fingerprint=key,
    )


def segment_from_dict(data: dict[str, Any]) -> SegmentConfig:
    """Inverse of ``dataclasses.asdict`` for a `SegmentConfig`."""
    fields = dict(data)
    fields["clean"] = CleanConfig(**fields["clean"])
    return SegmentConfig(**fields)


def config_from_dict(data: dict[str, Any]) -> ReaderConfig:
    """Inverse of ``dataclasses.asdict`` for a `ReaderConfig`."""
    model = dict(data["model"])
    model["filters"] = tuple(model["filters"])
    model.setdefault("network", "glyph")  # files from before the strip network
    rest = {k: v for k, v in data.items() if k not in ("segment", "model", "augment")}
    if "decode_weights" in rest:
        rest["decode_weights"] = tuple(rest["decode_weights"])
    return ReaderConfig(
        segment=segment_from_dict(data["segment"]),
        model=ModelConfig(**model),
        augment=AugmentConfig(**data["augment"]),
        **rest,
    )


def decode_texts(
    classifier: GlyphClassifier | StripClassifier,
    prepared: Sequence[Prepared],
    lengths: Mapping[int, int],
    widths: WidthModel,
    seg: SegmentConfig,
    weights: Sequence[float],
    *,
    progress: bool = False,
) -> dict[float, list[str]]:
    """The search's reading of every image under each width-prior weight, from one
    classification of the windows."""
    prior = length_log_prior(lengths)
    texts: dict[float, list[str]] = {w: [] for w in weights}
    per_image = [sorted(lengths)] * len(prepared)
    for part, scores in _scored(classifier, prepared, per_image, seg, "reading", progress):
        for w in weights:
            found = decode_batch(scores, part, classifier.alphabet, prior, widths, width_weight=w)
            texts[w].extend(f.text for f in found)
    return texts


def choose_decode_weight(
    texts: Mapping[float, Sequence[str]], labels: Sequence[str]
) -> tuple[float, dict[float, float]]:
    """The width-prior weight for reading, and the fraction of `labels` read right under each
    weight (`texts` as from `decode_texts`).

    The chosen weight is the largest one whose accuracy is within one standard error of the
    best (the one-standard-error rule): the classifier is surer of its own training images
    than of new ones, so the best weight on them underrates the prior.
    """
    n = max(len(labels), 1)
    accuracy = {
        w: sum(t == y for t, y in zip(read, labels, strict=True)) / n for w, read in texts.items()
    }
    top = max(accuracy.values())
    margin = math.sqrt(top * (1 - top) / n)
    return max(w for w in accuracy if accuracy[w] >= top - margin - 1e-12), accuracy


def _scored(classifier, prepared, lengths, seg, desc, progress, chunk=128):
    """(prepared images, their WindowScores), `chunk` images classified at a time."""
    bar = tqdm(total=len(prepared), desc=desc, unit="img", disable=not progress, leave=False)
    for lo in range(0, len(prepared), chunk):
        part = prepared[lo : lo + chunk]
        yield part, score_windows(classifier, part, lengths[lo : lo + chunk], seg)
        bar.update(len(part))
    bar.close()


def _align_all(classifier, prepared, label_idx, seg, widths, width_weight, progress):
    per_image = [[len(lab)] for lab in label_idx]
    pairs = (
        (prep, sc)
        for part, scores in _scored(classifier, prepared, per_image, seg, "aligning", progress)
        for prep, sc in zip(part, scores, strict=True)
    )
    return [
        align(sc, prep, lab, widths, width_weight=width_weight)
        for (prep, sc), lab in zip(pairs, label_idx, strict=True)
    ]


class _EpochRecorder(keras.callbacks.Callback):
    """Logs each epoch into the training state and checkpoints the network after it."""

    def __init__(self, state: TrainingState, round_no: int, checkpoint: Checkpoint | None):
        super().__init__()
        self._state, self._round, self._checkpoint = state, round_no, checkpoint

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        self._state.epochs.append(
            {
                "round": self._round,
                "epoch": epoch,
                "loss": float(logs.get("loss", float("nan"))),
                "accuracy": float(logs.get("accuracy", float("nan"))),
            }
        )
        self._state.epochs_done = epoch + 1
        if self._checkpoint is not None:
            self._checkpoint.save(self._state, self.model)


class _EpochBar(keras.callbacks.Callback):
    """One tqdm bar over the epochs of a training round."""

    def __init__(self, epochs: int, round_no: int, enabled: bool) -> None:
        super().__init__()
        self._epochs, self._round, self._enabled = epochs, round_no, enabled

    def on_train_begin(self, logs=None):
        self._bar = tqdm(
            total=self._epochs,
            desc=f"round {self._round} training",
            unit="epoch",
            disable=not self._enabled,
            leave=False,
        )

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        self._bar.set_postfix(
            loss=f"{logs.get('loss', 0):.3f}", acc=f"{logs.get('accuracy', 0):.3f}"
        )
        self._bar.update(1)

    def on_train_end(self, logs=None):
        self._bar.close()
