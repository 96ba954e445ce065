"""Choosing a scheme's cleaning from its training images (`CleaningChoice`).

The median filter removes dot noise and hairlines that are not text; on a scheme whose
glyphs are drawn with hairline strokes it removes much of the glyphs too. The choice measures,
on up to `CleaningChoice.sample` training images, how much of the strokes the median keeps it
erodes (`charseg.median_stroke_loss`), and turns the median off where that is more than
`max_stroke_loss` in the typical image. Then line removal and the median, one or both, are
turned off where that makes markedly more of the sampled images fall apart into one run of
text columns per character (the split share, `split_hits`; markedly: `markedly_more`): on
small, well-spaced glyphs with no lines, line removal takes the thin strokes of glyphs, and
whole glyphs, for lines. Last, on colour images, ink is keyed to each image's main ink colour
(`CleanConfig.main_colour`) where that makes markedly more of them fall apart so: strike
lines drawn in other colours drop out (mnwato_cat4: 21% -> 28% of 400 images, 4 standard
errors), while a scheme whose glyphs differ in colour (sysu_cas: 2% -> 3%) or that draws
everything in one colour (captcha_ds: 4% -> 5%) gains nothing.

A thick line that runs on past the glyphs (a wave's tails) is taken for text and widens the
text extent by a different amount in every image. `choose_extent` narrows the extent to the
columns of tall ink (`StripConfig.tall_fraction`) where that makes the width per character
markedly more consistent across the sampled images.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable
from typing import Any

import numpy as np

from charseg import (
    CleanConfig,
    StripConfig,
    has_colour,
    load_image,
    make_strip,
    median_stroke_loss,
    without_steps,
)
from charseg import clean as clean_image

from ..data import Dataset
from ..reading import CleaningChoice, ReaderConfig

__all__ = ["choose_cleaning", "choose_extent", "markedly_more", "split_hits", "with_cleaning"]


def choose_cleaning(
    dataset: Dataset, config: ReaderConfig, log: Callable[[str], None]
) -> tuple[str, CleanConfig, dict[str, Any]]:
    """How the chosen cleaning is named ("as configured", or "without" the steps turned off),
    its settings, and the figures it was chosen by: the median stroke loss (None when the
    configured cleaning has no median) and the split share of every cleaning tried (empty
    when the choice is off)."""
    choice = config.cleaning
    clean = config.segment.clean
    figures: dict[str, Any] = {"stroke_loss": None, "split_share": {}}
    if not choice.choose or len(dataset) == 0:
        return "as configured", clean, figures
    sample = _sample(dataset, config)
    images = [load_image(dataset.paths[n]) for n in sample]
    base: tuple[str, ...] = ()
    if clean.denoise > 1:
        loss = float(np.median([median_stroke_loss(image, clean) for image in images]))
        figures["stroke_loss"] = loss
        if loss > choice.max_stroke_loss:
            base = ("median denoising",)
            log(
                f"cleaning without median denoising: it would erode {loss:.0%} of the strokes "
                f"it keeps (more than {choice.max_stroke_loss:.0%}: hairline glyph strokes)"
            )
    optional = [
        step
        for step, on in (
            ("median denoising", clean.denoise > 1),
            ("line removal", clean.remove_lines),
        )
        if on and step not in base
    ]
    options = [
        (*base, *steps)
        for count in range(len(optional) + 1)
        for steps in itertools.combinations(optional, count)
    ]
    lengths = [len(dataset.labels[n]) for n in sample]
    hits = {steps: split_hits(images, lengths, without_steps(clean, steps)) for steps in options}
    shares = {steps: float(np.mean(h)) for steps, h in hits.items()}
    figures["split_share"] = {_name(steps): share for steps, share in shares.items()}
    best = max(options, key=lambda steps: shares[steps])
    chosen = best if markedly_more(hits[best], hits[base], choice) else base
    name = _name(chosen)
    if chosen != base:
        log(
            f"cleaning {name}: {shares[chosen]:.0%} of the sampled images fall apart into "
            f"one run of text columns per character, against {shares[base]:.0%} with "
            f"{'it' if len(chosen) - len(base) == 1 else 'them'}"
        )
    elif figures["stroke_loss"] is not None and not base:
        log(
            f"cleaning as configured: the median erodes {figures['stroke_loss']:.0%} of the "
            "strokes it keeps"
        )
    settings = without_steps(clean, chosen)
    if clean.main_colour or not any(has_colour(image) for image in images):
        return name, settings, figures
    keyed = dataclasses.replace(settings, main_colour=True)
    keyed_hits = split_hits(images, lengths, keyed)
    share = float(np.mean(keyed_hits))
    figures["split_share"][_MAIN_COLOUR] = share
    if not markedly_more(keyed_hits, hits[chosen], choice):
        log(
            f"ink of every colour kept (with {_MAIN_COLOUR}, {share:.0%} of the sampled "
            f"images fall apart into one run per character, against {shares[chosen]:.0%})"
        )
        return name, settings, figures
    log(
        f"cleaning {_MAIN_COLOUR}: {share:.0%} of the sampled images fall apart into one run "
        f"of text columns per character, against {shares[chosen]:.0%} with ink of every colour"
    )
    return (_MAIN_COLOUR if not chosen else f"{name}, {_MAIN_COLOUR}"), keyed, figures


#: How the choice names `CleanConfig.main_colour`.
_MAIN_COLOUR = "ink of the main colour only"


def _name(steps: tuple[str, ...]) -> str:
    return "as configured" if not steps else "without " + " and ".join(steps)


def split_hits(images: list[np.ndarray], lengths: list[int], clean: CleanConfig) -> np.ndarray:
    """Whether each of `images`, cleaned with `clean`, falls apart into as many runs of inked
    columns as its label has characters (`lengths`): a model-free sign that cleaning keeps
    the glyphs whole and apart. Their mean is the split share."""
    hits = np.zeros(len(images), bool)
    for n, (image, length) in enumerate(zip(images, lengths, strict=True)):
        inked = np.asarray(clean_image(image, clean).text.any(axis=0), bool)
        hits[n] = int(np.count_nonzero(inked[1:] & ~inked[:-1]) + inked[0]) == length
    return hits


def markedly_more(hits: np.ndarray, base: np.ndarray, choice: CleaningChoice) -> bool:
    """Whether `hits` (per image, same images as `base`) fall apart markedly more often: by
    at least `choice.min_split_gain` of the images and by `choice.min_split_z` standard errors
    of the paired difference (a gain the sample's luck does not explain).

    Examples
    --------
    >>> choice, base = CleaningChoice(min_split_gain=0.04, min_split_z=2.5), np.zeros(100, bool)
    >>> markedly_more(np.arange(100) < 9, base, choice)  # 9 of 100 more: 3.1 standard errors
    True
    >>> markedly_more(np.arange(100) < 5, base, choice)  # 5 of 100 more: 2.2 standard errors
    False
    """
    gain = hits.astype(float) - base.astype(float)
    mean = float(gain.mean()) if gain.size else 0.0
    error = float(gain.std(ddof=1) / np.sqrt(gain.size)) if gain.size > 1 else 0.0
    return mean >= choice.min_split_gain and mean >= choice.min_split_z * error


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
