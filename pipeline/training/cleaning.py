"""Choosing a scheme's cleaning from its training images (`CleaningChoice`).

The median filter removes dot noise and hairlines that are not text; on a scheme whose
glyphs are drawn with hairline strokes it removes much of the glyphs too. The choice measures,
on up to `CleaningChoice.sample` training images, how much of the strokes the median keeps it
erodes (`charseg.median_stroke_loss`), and turns the median off where that is more than
`max_stroke_loss` in the typical image.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from charseg import CleanConfig, load_image, median_stroke_loss, without_steps

from ..data import Dataset
from ..reading import ReaderConfig

__all__ = ["choose_cleaning", "with_cleaning"]


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
    pick = np.random.default_rng(config.seed).permutation(len(dataset))[: choice.sample]
    losses = [median_stroke_loss(load_image(dataset.paths[n]), clean) for n in pick]
    loss = float(np.median(losses))
    if loss <= choice.max_stroke_loss:
        log(f"cleaning as configured: the median erodes {loss:.0%} of the strokes it keeps")
        return "as configured", clean, loss
    log(
        f"cleaning without median denoising: it would erode {loss:.0%} of the strokes it "
        f"keeps (more than {choice.max_stroke_loss:.0%}: hairline glyph strokes)"
    )
    return "without median denoising", without_steps(clean, ["median denoising"]), loss


def with_cleaning(config: ReaderConfig, clean: CleanConfig) -> ReaderConfig:
    """`config` training with `clean` as it is (no further choice)."""
    segment = dataclasses.replace(config.segment, clean=clean)
    cleaning = dataclasses.replace(config.cleaning, choose=False)
    return dataclasses.replace(config, segment=segment, cleaning=cleaning)
