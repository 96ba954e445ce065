"""Training from whole-string labels: align glyphs, train the network, re-align, repeat."""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from tqdm import tqdm

import classifier as classifiers
from charseg import STRIP_CHANNELS, Prepared, model_free_cuts
from classifier.config import TrainConfig

from ..reading import ReaderConfig, WidthModel
from .alignment import align_all, count_changed, learn_bounds, learn_widths, relative_cut_widths
from .checkpoint import Checkpoint, TrainingState

if TYPE_CHECKING:
    from classifier import OnnxClassifier, StripBatches, WindowClassifier
    from classifier._tf import keras

__all__ = ["RoundReport", "TrainingResult", "round_epochs", "run_rounds"]


@dataclass(frozen=True)
class RoundReport:
    """What one training round did.

    `glyphs` is the number of training windows of one epoch (aligned glyphs, their jittered
    copies and the reject windows); `aligned` and `changed` count images after the round's
    alignment, `changed` those with a cut moved by more than the training jitter.
    """

    round: int
    glyphs: int
    aligned: int
    changed: int
    train_accuracy: float
    seconds: float


@dataclass(frozen=True)
class TrainingResult:
    """What `run_rounds` learned, with its per-round reports and per-epoch log."""

    classifier: WindowClassifier
    bounds: tuple[float, float]
    widths: WidthModel
    reports: list[RoundReport]
    epochs: list[dict[str, float]]


def round_epochs(
    config: ReaderConfig, round_no: int, steps_per_epoch: int, glyphs_per_symbol: float
) -> int:
    """Epochs of a round: the configured ones, stretched when the first round would take
    fewer than `config.min_steps` optimizer steps or show each symbol fewer than
    `config.class_views` times.

    Examples
    --------
    >>> config = ReaderConfig(epochs=10, refine_epochs=4, min_steps=1000, class_views=1500)
    >>> round_epochs(config, 1, 10, 500.0), round_epochs(config, 0, 100, 50.0)
    (40, 30)
    """
    base = config.epochs if round_no == 0 else config.refine_epochs
    stretch = max(
        1.0,
        config.min_steps / (config.epochs * steps_per_epoch),
        config.class_views / (config.epochs * glyphs_per_symbol),
    )
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
    init: WindowClassifier | OnnxClassifier | None = None,
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
    classifiers.set_random_seed(config.seed)
    spec, reject = (
        config.model.spec(config.segment.strip.height, STRIP_CHANNELS),
        config.negatives > 0,
    )
    resumed = resume_key is not None and checkpoint is not None
    if resume_key is not None and checkpoint is not None:
        state, model = checkpoint.load(resume_key)
        log(f"resuming at round {state.round} after {state.epochs_done} epoch(s) of it")
        classifier = classifiers.WindowClassifier(
            model, alphabet, spec, config.model.network, reject
        )
    else:
        state = _fresh_state(prepared, labels, alphabet, config, run_key)
        classifier = classifiers.WindowClassifier.build(alphabet, spec, config.model, reject=reject)
    run = _Run(classifier, state, prepared, label_idx, config, progress, log, checkpoint)
    if not resumed:
        run.start(init)
    while state.round < config.rounds and not run.settled():
        run.next_round()
    low, high = state.bounds
    return TrainingResult(
        classifier,
        (low, high),
        WidthModel.from_dict(state.widths),
        [RoundReport(**r) for r in state.reports],
        state.epochs,
    )


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
        bounds=list(seg.width_bounds),
        widths=WidthModel.uniform(len(alphabet), seg.width_sigma).to_dict(),
        reports=[],
        epochs=[],
        fingerprint=key,
    )


@dataclass
class _Run:
    """One training run: the network, where the run stands, and what every round uses."""

    classifier: WindowClassifier
    state: TrainingState
    prepared: Sequence[Prepared]
    labels: Sequence[np.ndarray]
    config: ReaderConfig
    progress: bool
    log: Callable[[str], None]
    checkpoint: Checkpoint | None

    def start(self, init: WindowClassifier | OnnxClassifier | None) -> None:
        """With a base classifier, copy its weights and let it align round 0 where it can
        place the label; checkpoint the start."""
        if init is not None:
            mapped = classifiers.transfer_weights(init, self.classifier)
            alphabet = self.classifier.alphabet
            line = f"started from the base model: {len(mapped)} of {len(alphabet)} symbols mapped"
            if new := "".join(c for c in alphabet if c not in mapped):
                line += (
                    f"; {new!r} start untrained (a base pretrained with an --alphabet that "
                    "holds them would cover them)"
                )
            self.log(line)
            cuts = self._align()
            # Where the base cannot place a label (new symbols), the projection's cuts stay.
            self.state.cuts = [
                old if new is None else new.tolist()
                for old, new in zip(self.state.cuts, cuts, strict=True)
            ]
        if self.checkpoint is not None:
            self.checkpoint.save(self.state, self.classifier.model)

    def settled(self) -> bool:
        """Whether the last round's re-alignment moved cuts in few enough images to stop."""
        if not self.state.reports:
            return False
        last = self.state.reports[-1]
        return last["changed"] <= self.config.settled * len(self.prepared)

    def next_round(self) -> None:
        """Train on the current alignment, re-align, learn the widths, log the round."""
        started = time.perf_counter()
        round_no = self.state.round
        n_windows = self._train()
        report = dataclasses.replace(
            self._realign(), glyphs=n_windows, seconds=time.perf_counter() - started
        )
        self.state.reports.append(dataclasses.asdict(report))
        self.state.round, self.state.epochs_done = round_no + 1, 0
        if self.checkpoint is not None:
            self.checkpoint.save(self.state)
        self.log(
            f"round {round_no}: {report.glyphs} windows, "
            f"train accuracy {report.train_accuracy:.3f}, "
            f"aligned {report.aligned}/{len(self.prepared)}, "
            f"cuts moved (beyond the jitter) in {report.changed}, "
            f"{report.seconds:.0f}s"
        )

    def _align(self) -> list[np.ndarray | None]:
        """Force-align every image under the state's width bounds and prior."""
        low, high = self.state.bounds
        return align_all(
            self.classifier,
            self.prepared,
            self.labels,
            (low, high),
            WidthModel.from_dict(self.state.widths),
            width_weight=self.config.width_weight,
            progress=self.progress,
        )

    def _train(self) -> int:
        """Train the network for this round on its alignment (resuming inside the round
        where a checkpoint stopped); return the windows of one epoch."""
        state, config = self.state, self.config
        data = self._batches()
        per_symbol = sum(map(len, self.labels)) / len(self.classifier.alphabet)
        epochs = round_epochs(config, state.round, len(data), per_symbol)
        if state.round == 0 and state.epochs_done == 0:
            later = round_epochs(config, 1, len(data), per_symbol)
            self.log(
                f"training in batches of {config.batch_size} strips: {epochs} epochs in the "
                f"first round, {later} in each later one (at least {config.min_steps} steps "
                f"and {config.class_views} views of each symbol in the first)"
            )
        rate = config.learning_rate * (1.0 if state.round == 0 else config.refine_rate)
        bar = tqdm(
            total=epochs,
            initial=state.epochs_done,
            desc=f"round {state.round} training",
            unit="epoch",
            disable=not self.progress,
            leave=False,
        )

        def on_epoch_end(epoch: int, logs: dict[str, float], network: keras.Model) -> None:
            loss, accuracy = logs.get("loss", float("nan")), logs.get("accuracy", float("nan"))
            state.epochs.append(
                {"round": state.round, "epoch": epoch, "loss": loss, "accuracy": accuracy}
            )
            state.epochs_done = epoch + 1
            if self.checkpoint is not None:
                self.checkpoint.save(state, network)
            bar.set_postfix(loss=f"{loss:.3f}", acc=f"{accuracy:.3f}")
            bar.update(1)

        if state.epochs_done < epochs:
            classifiers.fit_windows(
                self.classifier,
                data,
                TrainConfig(epochs=epochs, learning_rate=rate, final_rate=config.final_rate),
                initial_epoch=state.epochs_done,
                on_epoch_end=on_epoch_end,
            )
        bar.close()
        return data.windows_per_epoch

    def _batches(self) -> StripBatches:
        low, high = self.state.bounds
        config = self.config
        return classifiers.StripBatches(
            self.prepared,
            [None if c is None else np.asarray(c, int) for c in self.state.cuts],
            self.labels,
            (low, high),
            context=self.classifier.spec.context,
            batch_size=config.batch_size,
            pool=config.width_pool,
            jitter=config.jitter_columns,
            copies=config.copies,
            negatives=config.negatives,
            negative_offset=config.negative_offset,
            reject_index=len(self.classifier.alphabet) if self.classifier.reject else None,
            augment=config.augment,
            seed=config.seed + self.state.round,
        )

    def _realign(self) -> RoundReport:
        """Force-align every image with the trained network, then learn the widths of the
        new alignment; the report counts aligned and changed images."""
        state, config = self.state, self.config
        old = [None if c is None else np.asarray(c, int) for c in state.cuts]
        cuts = self._align()
        rel = [relative_cut_widths(p, c) for p, c in zip(self.prepared, cuts, strict=True)]
        low, high = state.bounds
        state.cuts = [None if c is None else c.tolist() for c in cuts]
        state.bounds = list(learn_bounds(rel, (low, high), config.widths))
        n_classes = len(self.classifier.alphabet)
        sigma = config.segment.width_sigma
        state.widths = learn_widths(
            rel, self.labels, n_classes, config.widths, sigma=sigma
        ).to_dict()
        last = [e for e in state.epochs if e["round"] == state.round]
        return RoundReport(
            state.round,
            0,
            sum(c is not None for c in cuts),
            count_changed(old, cuts, tolerance=config.jitter_columns),
            float(last[-1]["accuracy"]) if last else float("nan"),
            0.0,
        )
