"""`captcha-cnn generate`."""

from __future__ import annotations

import argparse

from ..data import SynthConfig, generate_dataset
from .common import UsageError

__all__ = ["run_generate"]


def run_generate(args: argparse.Namespace) -> int:
    """Write generated captchas into a folder."""
    lo, hi = _parse_length(args.length)
    config = SynthConfig(
        width=args.width,
        height=args.height,
        alphabet=args.alphabet,
        min_length=lo,
        max_length=hi,
        lines=args.lines,
        line_width=args.line_width,
        noise=args.noise,
        colour=args.colour,
        ripple=args.ripple,
        hollow=args.hollow,
        pale=args.pale,
        overlap=args.overlap,
    )
    paths = generate_dataset(
        args.output_dir, args.count, config, seed=args.seed, progress=not args.quiet
    )
    print(f"wrote {len(paths)} captchas to {args.output_dir}")
    return 0


def _parse_length(text: str) -> tuple[int, int]:
    try:
        lo, _, hi = text.partition("-")
        return int(lo), int(hi or lo)
    except ValueError:
        raise UsageError(f"--length must be K or K-L, got {text!r}") from None
