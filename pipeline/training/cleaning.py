"""Choosing a scheme's cleaning from its training images (`CleaningChoice`).

The median filter removes dot noise and hairlines that are not text; on a scheme whose
glyphs are drawn with hairline strokes it removes much of the glyphs too. The choice measures,
on up to `CleaningChoice.sample` training images, how much of the strokes the median keeps it
erodes (`charseg.median_stroke_loss`), and turns the median off where that is more than
`max_stroke_loss` in the typical image.

A thick line that runs on past the glyphs (a wave's tails) is taken for text and widens the
text extent by a different amount in every image. `choose_extent` narrows the extent to the
columns of tall ink (`StripConfig.tall_fraction`) where that makes the width per character
markedly more consistent across the sampled images.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from charseg import (
    CleanConfig,
    StripConfig,
    load_image,
    make_strip,
    median_stroke_loss,
    without_steps,
)
from charseg import clean as clean_image

from ..data import Dataset
from ..reading import ReaderConfig

__all__ = ["choose_cleaning", "choose_extent", "with_cleaning"]


def choose_cleaning(
    dataset: Dataset, config: ReaderConfig, log: Callable[[str], None]
) -> tuple[str, CleanConfig, float | None]:
    """How the chosen cleaning is named ("as configured", or the step turned off), its
    settings, and the median stroke loss it was chosen by (None when nothing was measured:
    the choice is off, or the configured cleaning has no median)."""
    choice = config.cleaning
    clean = config.segment.clean
    if not choice.choose or clean.denoise <= 1 or len(dataset) == 0:
        return "as configured", clean, None
    losses = [
        median_stroke_loss(load_image(dataset.paths[n]), clean) for n in _sample(dataset, config)
    ]
    loss = float(np.median(losses))
    if loss <= choice.max_stroke_loss:
        log(f"cleaning as configured: the median erodes {loss:.0%} of the strokes it keeps")
        return "as configured", clean, loss
    log(
        f"cleaning without median denoising: it would erode {loss:.0%} of the strokes it "
        f"keeps (more than {choice.max_stroke_loss:.0%}: hairline glyph strokes)"
    )
    return "without median denoising", without_steps(clean, ["median denoising"]), loss


def choose_extent(
    dataset: Dataset, config: ReaderConfig, cleaning: CleanConfig, log: Callable[[str], None]
) -> tuple[str, StripConfig, dict[str, float] | None]:
    """How the chosen text extent is named ("as configured" or "tall ink"), its strip
    settings, and the width-per-character spreads (coefficients of variation) it was chosen
    by (None when nothing was measured)."""
    choice = config.cleaning
    strip = config.segment.strip
    if not choice.choose or strip.tall_fraction > 0 or len(dataset) == 0:
        return "as configured", strip, None
    tall = dataclasses.replace(strip, tall_fraction=choice.tall_fraction)
    widths: dict[str, list[float]] = {"as configured": [], "tall ink": []}
    for n in _sample(dataset, config):
        cleaned = clean_image(load_image(dataset.paths[n]), cleaning)
        for name, settings in (("as configured", strip), ("tall ink", tall)):
            made = make_strip(cleaned, settings)
            widths[name].append((made.end - made.start) / len(dataset.labels[n]))
    spread = {name: float(np.std(w) / max(float(np.mean(w)), 1e-9)) for name, w in widths.items()}
    base = spread["as configured"]
    gain = 1.0 - spread["tall ink"] / base if base > 0 else 0.0
    if gain >= choice.min_spread_gain:
        log(
            f"text extent: tall ink (the width per character varies {spread['tall ink']:.3f} "
            f"instead of {spread['as configured']:.3f}: ink as thick as the glyphs runs past "
            "them)"
        )
        return "tall ink", tall, spread
    log(f"text extent as configured (tall ink would change its spread by {-gain:+.0%})")
    return "as configured", strip, spread


def _sample(dataset: Dataset, config: ReaderConfig) -> np.ndarray:
    """Indices of the training images both choices measure (the same ones, for a seed)."""
    order = np.random.default_rng(config.seed).permutation(len(dataset))
    return order[: config.cleaning.sample]


def with_cleaning(
    config: ReaderConfig, clean: CleanConfig, strip: StripConfig | None = None
) -> ReaderConfig:
    """`config` training with `clean` (and `strip`, when given) as they are (no further
    choice)."""
    segment = dataclasses.replace(config.segment, clean=clean, strip=strip or config.segment.strip)
    cleaning = dataclasses.replace(config.cleaning, choose=False)
    return dataclasses.replace(config, segment=segment, cleaning=cleaning)
