"""Synthetic pretraining: a reader trained on the project's own generated captchas.

The corpus mixes several styles (clean, lines and dots, colour, overlap, ripple, hollow, pale
glyphs under dark lines) at several sizes, lengths 3 to 8, digits and letters of both cases, in
every font the generator has, so the base model has seen glyphs in many looks before it is
fine-tuned on a few real, labelled captchas.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..data import Dataset, SynthConfig, generate_dataset, load_dataset
from ..reading import CaptchaReader, ReaderConfig
from .train import train_reader

__all__ = ["DEFAULT_ALPHABET", "DEFAULT_COUNT", "PRETRAIN_STYLES", "pretrain", "synthetic_corpus"]

#: Digits and letters of both cases: a base maps every symbol of a mixed-case scheme, and
#: started captcha_v2 (lower case) better than a base on digits and lower case only
#: (docs/design.md, "Synthetic pretraining").
DEFAULT_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
#: Generated captchas a base trains on by default.
DEFAULT_COUNT = 3000

# Generator settings of each style; sizes rotate through _SIZES.
PRETRAIN_STYLES: tuple[dict[str, Any], ...] = (
    {"lines": 0, "noise": 0.0},
    {"lines": 2, "noise": 0.02},
    {"colour": True, "lines": 1},
    {"overlap": 0.3},
    {"ripple": 0.04},
    {"hollow": 0.6, "lines": 0},
    {"colour": True, "pale": 1.0, "lines": 2},
)
_SIZES = ((160, 50), (200, 50), (180, 60), (140, 44))


def synthetic_corpus(
    folder: str | Path,
    count: int,
    *,
    alphabet: str = DEFAULT_ALPHABET,
    seed: int = 0,
    progress: bool = True,
) -> Dataset:
    """Generate `count` captchas spread over `PRETRAIN_STYLES` into subfolders of `folder`."""
    if count < len(PRETRAIN_STYLES):
        raise ValueError(f"count={count} must be at least {len(PRETRAIN_STYLES)} (one per style)")
    paths: list[Path] = []
    labels: list[str] = []
    for n, style in enumerate(PRETRAIN_STYLES):
        width, height = _SIZES[n % len(_SIZES)]
        config = SynthConfig(
            width=width,
            height=height,
            alphabet=alphabet,
            min_length=3,
            max_length=8,
            **style,
        )
        share = count // len(PRETRAIN_STYLES) + (n < count % len(PRETRAIN_STYLES))
        sub = Path(folder) / f"style{n}"
        generate_dataset(sub, share, config, seed=seed * 100 + n, progress=progress)
        part = load_dataset(sub)
        paths += part.paths
        labels += part.labels
    return Dataset(paths, labels)


def pretrain(
    count: int = DEFAULT_COUNT,
    config: ReaderConfig | None = None,
    *,
    alphabet: str = DEFAULT_ALPHABET,
    progress: bool = True,
    log: Callable[[str], None] = print,
) -> CaptchaReader:
    """Train a base reader on a freshly generated synthetic corpus (deleted afterwards); the
    defaults are `captcha-cnn pretrain`'s."""
    config = config or ReaderConfig()
    with tempfile.TemporaryDirectory(prefix="captcha-cnn-pretrain-") as folder:
        corpus = synthetic_corpus(
            folder, count, alphabet=alphabet, seed=config.seed, progress=progress
        )
        log(f"pretraining on {len(corpus)} generated captchas ({len(corpus.alphabet)} symbols)")
        return train_reader(corpus, config, progress=progress, log=log)
