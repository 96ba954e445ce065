"""Breakability audit: accuracy against the number of labelled captchas an attacker has.

Trains readers on nested, growing subsets of a dataset's training part (also from a base
model, and self-trained with the rest of the training part unlabelled, when asked), scores
each on one fixed held-out part, and retrains at one budget with each cleaning step turned
off to show which step the scheme's defences depend on.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from charseg import OPTIONAL_STEPS, without_steps

from ..data import Dataset, DatasetError
from ..reading import CaptchaReader, ReaderConfig
from ..training import (
    SelfTraining,
    choose_cleaning,
    choose_extent,
    self_train,
    train_reader,
    with_cleaning,
)
from .evaluate import evaluate
from .metrics import Evaluation
from .peers import installed_peers, zero_label_scores

__all__ = [
    "ABLATIONS",
    "AuditConfig",
    "AuditPoint",
    "AuditReport",
    "QUICK_READER",
    "QUICK_SELF_TRAINING",
    "labels_needed",
    "run_audit",
]

# The cleaning steps an audit turns off one at a time.
ABLATIONS = tuple(OPTIONAL_STEPS)

# A shorter schedule for audits: fewer rounds and epochs, same model and search. Batches of 8
# strips make its step floor about 1.6x cheaper than batches of 16; on captcha_v2 (seeds 0
# and 1, 25 to 672 labels) the readers read 1.2 points more on average (-1.5 at 100 labels,
# +4.8 at 50).
QUICK_READER = ReaderConfig(rounds=3, epochs=10, refine_epochs=4, min_steps=1000, batch_size=8)

# Self-training in quick audits: trainings after the first continue the previous network (on
# captcha_v2 from 100 labels, 89.6% against 90.8% for fresh trainings over seeds 0 and 1, in
# half the time).
QUICK_SELF_TRAINING = SelfTraining(continued=True)


@dataclass(frozen=True)
class AuditConfig:
    """What an audit trains and measures.

    Attributes
    ----------
    budgets : tuple of int
        Numbers of labelled training images to try (larger than the training part: all of it,
        which is always tried, as is the ablation budget when ablating).
    test_fraction : float
        Held-out part, fixed for every budget.
    reader : ReaderConfig
    ablate : bool
        Retrain with each cleaning step off at `ablation_budget` labels.
    ablation_budget : int
        Labels used for the ablations (capped at the training part).
    init : CaptchaReader, optional
        A base reader (e.g. from `pretrain`): every budget is also trained from it, giving a
        second, "pretrained" curve.
    unlabelled : bool
        Also self-train every budget (`self_train`, from the base when there is one) with the
        rest of the training part as an unlabelled pool: a third curve. Budgets too small to
        hold out a check of `self_training.min_check` images, or with fewer images left over
        than labelled, are left out of it.
    self_training : SelfTraining
    peers : bool
        Also read the held-out part with every installed off-the-shelf OCR engine
        (`installed_peers`, zero-shot): what an attacker reads with no labels at all.
    seed : int
    """

    budgets: tuple[int, ...] = (25, 50, 100, 200, 400)
    test_fraction: float = 0.2
    reader: ReaderConfig = field(default_factory=ReaderConfig)
    ablate: bool = True
    ablation_budget: int = 200
    init: CaptchaReader | None = None
    unlabelled: bool = False
    self_training: SelfTraining = field(default_factory=SelfTraining)
    peers: bool = True
    seed: int = 0

    def __post_init__(self) -> None:
        if not self.budgets or min(self.budgets) < 1:
            raise ValueError(f"budgets={self.budgets} must be positive numbers of images")
        if not 0.0 < self.test_fraction < 1.0:
            raise ValueError(f"test_fraction={self.test_fraction} must be in (0, 1)")


@dataclass(frozen=True)
class AuditPoint:
    """One trained reader's scores on the held-out part."""

    labels: int
    whole_accuracy: float
    char_accuracy: float
    train_seconds: float
    ablation: str | None = None
    pretrained: bool = False
    unlabelled: bool = False


@dataclass(frozen=True)
class AuditReport:
    """The learning curve, the label counts it implies, confusions and ablations.

    `zero_label` holds each installed off-the-shelf engine's `text_scores` on the held-out
    part (empty: none installed; None: not asked for).
    """

    dataset: str
    n_train: int
    n_test: int
    alphabet: str
    lengths: dict[int, int]
    curve: list[AuditPoint]
    labels_for: dict[str, float | None]
    pretrained_curve: list[AuditPoint]
    pretrained_labels_for: dict[str, float | None]
    unlabelled_curve: list[AuditPoint]
    unlabelled_labels_for: dict[str, float | None]
    confusions: list[tuple[str, str, int]]
    ablations: list[AuditPoint]
    zero_label: dict[str, dict[str, float]] | None
    seconds: float
    settings: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        out = dataclasses.asdict(self)
        out["lengths"] = {str(k): v for k, v in self.lengths.items()}
        out["confusions"] = [list(c) for c in self.confusions]
        return out


def labels_needed(curve: Sequence[AuditPoint], target: float) -> float | None:
    """Labelled images needed to reach `target` whole-string accuracy, interpolated on a log
    scale between the budgets around the first crossing; None if never reached.

    Examples
    --------
    >>> pts = [AuditPoint(10, 0.2, 0.5, 1.0), AuditPoint(100, 0.8, 0.9, 1.0)]
    >>> round(labels_needed(pts, 0.5))
    32
    >>> labels_needed(pts, 0.9) is None
    True
    """
    points = sorted(curve, key=lambda p: p.labels)
    for n, point in enumerate(points):
        if point.whole_accuracy >= target:
            if n == 0:
                return float(point.labels)
            prev = points[n - 1]
            rise = point.whole_accuracy - prev.whole_accuracy
            share = (target - prev.whole_accuracy) / rise
            log_n = math.log(prev.labels) + share * (math.log(point.labels) - math.log(prev.labels))
            return math.exp(log_n)
    return None


def run_audit(
    dataset: Dataset,
    config: AuditConfig,
    *,
    name: str = "dataset",
    progress: bool = True,
    log: Callable[[str], None] = print,
) -> AuditReport:
    """Train on growing label budgets (and with cleaning steps off) and score each reader."""
    started = time.perf_counter()
    train, test = dataset.split(config.test_fraction, seed=config.seed)
    if len(test) == 0 or len(train) < 2:
        raise DatasetError(name, f"{len(dataset)} images are too few for an audit")
    order = np.random.default_rng(config.seed + 1).permutation(len(train))
    ablation_budget = min(config.ablation_budget, len(train))
    # The ablations compare against the curve's reader of the same budget.
    extra = {len(train), ablation_budget} if config.ablate else {len(train)}
    budgets = sorted({min(b, len(train)) for b in config.budgets} | extra)
    curves: dict[str, list[AuditPoint]] = {"labels": [], "base": [], "unlabelled": []}
    ablations: list[AuditPoint] = []
    confusions: list[tuple[str, str, int]] = []
    jobs = _jobs(config, budgets, ablation_budget, len(train))
    chosen = _with_chosen_cleaning(train, config.reader, log)
    for labels, step, kind in tqdm(jobs, desc="audit", unit="reader", disable=not progress):
        subset = train.subset(np.sort(order[:labels]))
        pool = [train.paths[n] for n in order[labels:]] if kind == "unlabelled" else None
        reader_config = _without(chosen, step)
        init = config.init if kind != "labels" else None
        point, result = _train_and_score(
            subset, test, reader_config, labels, step, init, pool, config.self_training, progress
        )
        (ablations if step else curves[kind]).append(point)
        if step is None and kind == "labels" and labels == len(train) and result is not None:
            confusions = result.confusions
        log(
            f"{labels} labels, {_JOB_NAMES[kind] if step is None else f'without {step}'}: "
            f"whole-string {100 * point.whole_accuracy:.1f}%, "
            f"characters {100 * point.char_accuracy:.1f}% ({point.train_seconds:.0f}s)"
        )
    zero_label = _zero_label(test, dataset.alphabet, log) if config.peers else None
    return AuditReport(
        dataset=name,
        n_train=len(train),
        n_test=len(test),
        alphabet=dataset.alphabet,
        lengths=dict(sorted(dataset.lengths.items())),
        curve=curves["labels"],
        labels_for=_needed_for(curves["labels"]),
        pretrained_curve=curves["base"],
        pretrained_labels_for=_needed_for(curves["base"]),
        unlabelled_curve=curves["unlabelled"],
        unlabelled_labels_for=_needed_for(curves["unlabelled"]),
        confusions=confusions[:10],
        ablations=ablations,
        zero_label=zero_label,
        seconds=time.perf_counter() - started,
        settings={
            "test_fraction": config.test_fraction,
            "seed": config.seed,
            "rounds": config.reader.rounds,
            "epochs": config.reader.epochs,
            "refine_epochs": config.reader.refine_epochs,
            "batch_size": config.reader.batch_size,
            "continued_self_training": config.self_training.continued,
            "ablation_budget": ablation_budget,
            "cleaning": dataclasses.asdict(chosen.segment.clean),
        },
    )


# How the log names each kind of reader.
_JOB_NAMES = {
    "labels": "all cleaning steps",
    "base": "pretrained",
    "unlabelled": "with the unlabelled pool",
}


def _jobs(
    config: AuditConfig, budgets: list[int], ablation_budget: int, n_train: int
) -> list[tuple[int, str | None, str]]:
    """(labels, cleaning step turned off or None, kind of reader) of every reader: "labels"
    alone, from the "base", or self-trained with the "unlabelled" rest of the training part."""
    jobs: list[tuple[int, str | None, str]] = [(b, None, "labels") for b in budgets]
    if config.init is not None:
        jobs += [(b, None, "base") for b in budgets]
    if config.unlabelled:
        check = config.self_training
        smallest = math.ceil(check.min_check / check.check_fraction)
        # A pool smaller than the labels adds little to them and costs the most to read.
        jobs += [(b, None, "unlabelled") for b in budgets if smallest <= b <= n_train - b]
    if config.ablate:
        jobs += [(ablation_budget, step, "labels") for step in ABLATIONS]
    return jobs


def _zero_label(
    test: Dataset, alphabet: str, log: Callable[[str], None]
) -> dict[str, dict[str, float]]:
    """Each installed engine's scores on the held-out part, one line logged per way."""
    scores = zero_label_scores(installed_peers(alphabet), test, log)
    for name, result in scores.items():
        log(f"no labels, {name}: whole-string {100 * result['whole_accuracy']:.1f}%")
    return scores


def _needed_for(curve: list[AuditPoint]) -> dict[str, float | None]:
    return {str(t): labels_needed(curve, t) for t in (0.5, 0.9)} if curve else {}


def _with_chosen_cleaning(
    train: Dataset, config: ReaderConfig, log: Callable[[str], None]
) -> ReaderConfig:
    """`config` with the cleaning and text extent chosen once on the whole training part
    (`choose_cleaning`, `choose_extent`), for every budget and as the ablations' starting
    point."""
    _, clean, _ = choose_cleaning(train, config, log)
    _, strip, _ = choose_extent(train, config, clean, log)
    return with_cleaning(config, clean, strip)


def _without(config: ReaderConfig, step: str | None) -> ReaderConfig:
    """`config` with the cleaning step `step` turned off (as it is when None)."""
    if step is None:
        return config
    clean = without_steps(config.segment.clean, [step])
    return dataclasses.replace(config, segment=dataclasses.replace(config.segment, clean=clean))


def _train_and_score(
    subset: Dataset,
    test: Dataset,
    reader_config: ReaderConfig,
    labels: int,
    step: str | None,
    init: CaptchaReader | None,
    pool: list[Path] | None,
    self_training: SelfTraining,
    progress: bool,
) -> tuple[AuditPoint, Evaluation | None]:
    """Train one reader (self-trained with `pool` when given) and score it on the held-out
    part."""
    kind = {"pretrained": init is not None, "unlabelled": pool is not None}
    if len(subset.alphabet) < 2:
        return AuditPoint(labels, 0.0, 0.0, 0.0, step, **kind), None
    t0 = time.perf_counter()
    if pool is None:
        reader = train_reader(
            subset, reader_config, init=init, progress=progress, log=lambda _m: None
        )
    else:
        reader = self_train(
            subset,
            pool,
            reader_config,
            settings=self_training,
            init=init,
            progress=progress,
            log=lambda _m: None,
        )
    seconds = time.perf_counter() - t0
    known = set(reader.alphabet)
    # Test labels with symbols this subset never showed cannot be read: they count as wrong.
    readable = [n for n, label in enumerate(test.labels) if set(label) <= known]
    if not readable:
        return AuditPoint(labels, 0.0, 0.0, seconds, step, **kind), None
    result, _ = evaluate(reader, test.subset(readable), progress=progress)
    share = len(readable) / len(test)
    return (
        AuditPoint(
            labels,
            result.whole_accuracy * share,
            result.char_accuracy * share,
            seconds,
            step,
            **kind,
        ),
        result,
    )
