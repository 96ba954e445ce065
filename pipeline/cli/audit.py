"""`captcha-cnn audit`."""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

from .. import reporting
from ..data import load_dataset
from ..evaluation import QUICK_READER, QUICK_SELF_TRAINING, AuditConfig, run_audit
from ..reading import CaptchaReader, ReaderConfig
from ..training import SelfTraining
from .common import UsageError, logger

__all__ = ["run_audit_command"]


def run_audit_command(args: argparse.Namespace) -> int:
    """Train readers on growing label budgets and write the audit report."""
    try:
        budgets = tuple(int(b) for b in args.budgets.split(","))
    except ValueError:
        raise UsageError(
            f"--budgets must be numbers separated by commas, got {args.budgets!r}"
        ) from None
    config = AuditConfig(
        budgets=budgets,
        test_fraction=args.test_fraction,
        reader=dataclasses.replace(QUICK_READER if args.quick else ReaderConfig(), seed=args.seed),
        ablate=not args.no_ablations,
        ablation_budget=args.ablation_budget,
        init=CaptchaReader.load(args.init) if args.init else None,
        unlabelled=args.unlabelled,
        self_training=QUICK_SELF_TRAINING if args.quick else SelfTraining(),
        peers=not args.no_peers,
        seed=args.seed,
    )
    dataset = load_dataset(args.dataset)
    report = run_audit(
        dataset,
        config,
        name=Path(args.dataset).name,
        progress=not args.quiet,
        log=logger(args.quiet),
    )
    for path in reporting.write_audit(report, args.report):
        print(path)
    return 0
