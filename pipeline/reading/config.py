"""`ReaderConfig`: everything that shapes a reader and its training, as frozen dataclasses
with their defaults in one place (importable without TensorFlow)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from charseg import CleanConfig, SegmentConfig, StripConfig
from classifier.config import AugmentConfig, ModelConfig

__all__ = ["CleaningChoice", "ReaderConfig", "WidthLearning", "config_from_dict"]


@dataclass(frozen=True)
class CleaningChoice:
    """How training chooses a scheme's cleaning from its training images
    (`pipeline.training.choose_cleaning`, `choose_extent`): the median filter is turned off
    where it erodes more than `max_stroke_loss` of the strokes it keeps (hairline glyphs), so
    that a step that removes glyph strokes on a scheme is not on for it; it and line removal
    are turned off where that keeps markedly more glyphs whole and apart (`min_split_gain`);
    the text extent is narrowed to tall ink where that makes the text's width per character
    more consistent.

    Attributes
    ----------
    choose : bool
        False: train with `segment.clean` as it is.
    max_stroke_loss : float
        Highest median stroke loss (`charseg.median_stroke_loss`, the median over the sampled
        images) at which the median stays on. On the four real schemes: 4% (captcha_v2,
        mnwato_cat4), 14% (captcha_ds), 39-41% (sysu_cas, hairline serifs).
    min_split_gain : float
        Line removal and the median are then turned off (one or both), and a colour image's
        ink keyed to its main colour, where that lets at least this much larger a share of
        the sampled images fall apart into as many separate runs of text columns as the
        label has characters (`pipeline.training.cleaning.markedly_more`): on small, well-spaced
        glyphs without lines, line removal takes thin glyph strokes and whole glyphs for
        lines; on mnwato_cat4, keying drops strike lines drawn in other colours than the
        glyphs. A generated 72x24 serif set goes from 41-43% to 84-86% with both steps off
        (training seeds 0-2); mnwato_cat4 from 18-23% to 25-29% keyed.
    min_split_z : float
        ...and by at least this many standard errors of the paired per-image difference, so
        that the sample's luck does not make the choice.
    sample : int
        Training images measured (at most).
    tall_fraction : float
        The text extent tried against the configured one (`StripConfig.tall_fraction`):
        narrowed to the columns whose ink spans at least this fraction of a typical column's
        rows, which leaves out a thick line's tails beyond the glyphs.
    min_spread_gain : float
        It is chosen where it makes the width per character (text extent over label length)
        at least this much more consistent across the sampled images, relative to its
        coefficient of variation: from 0.176 to 0.130 on captcha_ds (a thick wave runs past
        the digits); it would be 9-34% less consistent on the other three real schemes.
    """

    choose: bool = True
    max_stroke_loss: float = 0.25
    min_split_gain: float = 0.04
    min_split_z: float = 2.5
    sample: int = 400
    tall_fraction: float = 0.5
    min_spread_gain: float = 0.1


@dataclass(frozen=True)
class WidthLearning:
    """How training learns the width bounds and the per-character width prior from aligned
    glyphs (widths relative to their image's mean character width).

    Attributes
    ----------
    quantiles : tuple of float
        The bounds start from these quantiles of the aligned relative widths...
    factors : tuple of float
        ...times these factors...
    lower_range, upper_range : tuple of float
        ...clipped into these ranges.
    min_sigma : float
        Smallest spread of a character's width prior.
    prior_count : float
        Pseudo-samples of the pooled estimate that a character's own estimate is shrunk
        toward (rare characters get about the pooled prior).
    """

    quantiles: tuple[float, float] = (0.002, 0.998)
    factors: tuple[float, float] = (0.85, 1.15)
    lower_range: tuple[float, float] = (0.1, 0.9)
    upper_range: tuple[float, float] = (1.1, 4.0)
    min_sigma: float = 0.06
    prior_count: float = 5.0


@dataclass(frozen=True)
class ReaderConfig:
    """Everything that shapes a reader and its training.

    Attributes
    ----------
    segment : SegmentConfig
        Cleaning, strip and candidate settings.
    model : ModelConfig
        The window network.
    augment : AugmentConfig
    widths : WidthLearning
    cleaning : CleaningChoice
        How training chooses the cleaning (`segment.clean` is where it starts).
    rounds : int
        Most train/align rounds (1 = train once on the projection-based alignment).
    settled : float
        Training ends before `rounds` once a round's re-alignment moves a cut by more than
        the jitter in at most this fraction of the images (the alignment has settled;
        0 = always `rounds` rounds).
    epochs : int
        Fewest epochs of the first round.
    refine_epochs : int
        Fewest epochs of each later round (continuing from the previous weights).
    min_steps : int
        Fewest optimizer steps (batches) of the first round: below 1200 / `epochs` batches
        per epoch (about 1480 images in batches of 16) every round's epochs are stretched by
        the same factor, so that small sets and a few dozen images still get trained (29 + 16
        epochs on captcha_v2's 672 images); larger sets train `epochs` and `refine_epochs`,
        their cost growing with the data (0 = off).
    class_views : int
        Fewest times the first round shows each symbol, on average over the alphabet (the
        labels' characters per symbol times the epochs): a scheme with many symbols and few
        images of each gets every round stretched by the same factor (0 = off). On the real
        schemes the labels hold 52 (sysu_cas, mixed case) to 640 (digit schemes) characters
        per symbol.
    batch_size : int
        Strips per training batch.
    width_pool : int
        Each epoch sorts this many batches' worth of shuffled strips by width before cutting
        them into batches, so a batch is padded only to about its own strips' width.
    learning_rate : float
        Peak learning rate of the first round.
    refine_rate : float
        Peak learning rate of later rounds, as a fraction of `learning_rate`.
    final_rate : float
        Each round's cosine decay ends at this fraction of its peak rate.
    jitter : float
        Random shift of each cut of a training window, as a fraction of the strip height.
    copies : int
        Jittered copies per aligned window, besides the window itself.
    negatives : float
        Badly cut windows per aligned glyph, taught as the reject class (0 = no reject class).
    negative_offset : float
        A window is badly cut when a cut lies this far (fraction of a character width) from
        every aligned cut.
    width_weight : float
        Weight of the width prior against the classifier's log-probabilities in forced
        alignment.
    decode_weights : tuple of float
        Width-prior weights tried for reading; the largest within one standard error of the
        best on the training captchas is kept with the model (a strong prior can outvote a
        confident classifier).
    outlier_width : float
        Training leaves out, with one line naming each, images whose strip is wider than this
        many times the median strip (cleaning kept a band of a few pixels, which scaled up
        becomes a strip many times too wide) and images with no ink at all.
    seed : int
    """

    segment: SegmentConfig = field(default_factory=SegmentConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    augment: AugmentConfig = field(default_factory=AugmentConfig)
    widths: WidthLearning = field(default_factory=WidthLearning)
    cleaning: CleaningChoice = field(default_factory=CleaningChoice)
    rounds: int = 5
    settled: float = 0.02
    epochs: int = 13
    refine_epochs: int = 7
    min_steps: int = 1200
    class_views: int = 1500
    batch_size: int = 16
    width_pool: int = 8
    learning_rate: float = 2e-3
    refine_rate: float = 0.5
    final_rate: float = 0.05
    jitter: float = 0.06
    copies: int = 2
    negatives: float = 1.0
    negative_offset: float = 0.3
    width_weight: float = 1.0
    decode_weights: tuple[float, ...] = (0.0, 0.125, 0.25, 0.5, 1.0)
    outlier_width: float = 3.0
    seed: int = 0

    @property
    def jitter_columns(self) -> int:
        """`jitter` in strip columns (at least 1)."""
        return max(1, int(round(self.jitter * self.segment.strip.height)))

    def __post_init__(self) -> None:
        if self.rounds < 1 or self.epochs < 1 or self.refine_epochs < 0:
            raise ValueError("rounds and epochs must be at least 1, refine_epochs at least 0")
        if not 0.0 <= self.settled < 1.0:
            raise ValueError(f"settled={self.settled} must be in [0, 1)")
        if not self.decode_weights or min(self.decode_weights) < 0:
            raise ValueError("decode_weights must hold at least one weight, none negative")


def config_from_dict(data: dict[str, Any]) -> ReaderConfig:
    """Inverse of ``dataclasses.asdict`` for a `ReaderConfig`.

    Examples
    --------
    >>> import dataclasses
    >>> config = ReaderConfig(rounds=2)
    >>> config_from_dict(dataclasses.asdict(config)) == config
    True
    """
    segment = dict(data["segment"])
    segment["clean"] = CleanConfig(**segment["clean"])
    segment["strip"] = StripConfig(**segment["strip"])
    model = {**data["model"], "filters": tuple(data["model"]["filters"])}
    widths: dict[str, Any] = {
        k: tuple(v) if isinstance(v, list) else v for k, v in data["widths"].items()
    }
    cleaning: dict[str, Any] = dict(data.get("cleaning", {}))  # absent in older model files
    nested = ("segment", "model", "augment", "widths", "cleaning")
    rest = {k: v for k, v in data.items() if k not in nested}
    rest["decode_weights"] = tuple(rest["decode_weights"])
    return ReaderConfig(
        segment=SegmentConfig(**segment),
        model=ModelConfig(**model),
        augment=AugmentConfig(**data["augment"]),
        widths=WidthLearning(**widths),
        cleaning=CleaningChoice(**cleaning),
        **rest,
    )
