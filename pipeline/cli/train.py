"""`captcha-cnn train` and `captcha-cnn pretrain`."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

from charseg import SegmentConfig
from classifier.config import ModelConfig

from ..data import DatasetError, list_images, load_dataset
from ..evaluation import QUICK_READER, evaluate
from ..reading import CaptchaReader, CleaningChoice, ReaderConfig
from ..reporting import plot_training
from ..training import Checkpoint, SelfTraining, pretrain, self_train, train_reader
from .common import logger, model_path

__all__ = ["run_pretrain", "run_train"]


def run_train(args: argparse.Namespace) -> int:
    """Train a reader, write it with its history, report validation accuracy."""
    dataset = load_dataset(args.dataset)
    if args.val_fraction and len(dataset) < 2:
        raise DatasetError(
            args.dataset, f"{len(dataset)} image: too few to hold some out (--val-fraction 0)"
        )
    train, val = (
        dataset.split(args.val_fraction, seed=args.seed) if args.val_fraction else (dataset, None)
    )
    path = model_path(args.model)
    checkpoint = Path(args.checkpoint) if args.checkpoint else path.with_suffix(".ckpt")
    config = ReaderConfig(
        epochs=args.epochs,
        refine_epochs=args.refine_epochs,
        rounds=args.rounds,
        settled=args.settled,
        min_steps=args.min_steps,
        class_views=args.class_views,
        model=ModelConfig(filters=args.filters),
        segment=SegmentConfig(thin_edges=args.thin_edges),
        cleaning=CleaningChoice(choose=not args.keep_cleaning),
        seed=args.seed,
    )
    unlabelled = _unlabelled(args.unlabelled) if args.unlabelled else []
    log = logger(args.quiet)
    log(
        f"training on {len(train)} images ({len(train.alphabet)} symbols "
        f"{train.alphabet!r}, lengths {dict(sorted(train.lengths.items()))}); "
        + (f"{len(unlabelled)} unlabelled images" if unlabelled else f"checkpoint {checkpoint}")
    )
    base = CaptchaReader.load(args.init) if args.init else None
    started = time.perf_counter()
    try:
        if unlabelled:
            reader = self_train(
                train,
                unlabelled,
                config,
                settings=SelfTraining(rounds=args.self_rounds),
                init=base,
                progress=not args.quiet,
                log=log,
            )
        else:
            reader = train_reader(
                train,
                config,
                init=base,
                checkpoint=checkpoint,
                resume=args.resume,
                progress=not args.quiet,
                log=log,
            )
    except KeyboardInterrupt:
        print(
            "interrupted: self-training keeps no checkpoint"
            if unlabelled
            else f"interrupted: the checkpoint in {checkpoint} keeps every finished epoch; "
            "run the same command with --resume to continue",
            file=sys.stderr,
        )
        return 130
    log(f"trained in {time.perf_counter() - started:.0f}s")
    reader.save(path)
    history = _write_history(reader, path)
    Checkpoint(checkpoint).remove()
    print(
        f"model written to {path} (cleaning: {reader.history['cleaning']['chosen']}; text "
        f"extent: {reader.history['cleaning']['extent']}; "
        f"training history: {', '.join(map(str, history))})"
    )
    if val is not None and len(val):
        result, _ = evaluate(reader, val, progress=not args.quiet)
        print(
            f"validation ({len(val)} images): whole-string {100 * result.whole_accuracy:.2f}%, "
            f"characters {100 * result.char_accuracy:.2f}%"
        )
    return 0


def run_pretrain(args: argparse.Namespace) -> int:
    """Train a base reader on generated captchas and write it."""
    path = model_path(args.model)
    config = dataclasses.replace(QUICK_READER if args.quick else ReaderConfig(), seed=args.seed)
    log = logger(args.quiet)
    started = time.perf_counter()
    reader = pretrain(args.count, config, alphabet=args.alphabet, progress=not args.quiet, log=log)
    log(f"pretrained in {time.perf_counter() - started:.0f}s")
    reader.save(path)
    history = _write_history(reader, path)
    print(f"base model written to {path} (training history: {', '.join(map(str, history))})")
    return 0


def _unlabelled(folder: str) -> list[Path]:
    images = list_images(folder)
    if not images:
        raise DatasetError(folder, "no images found for --unlabelled")
    return images


def _write_history(reader: CaptchaReader, path: Path) -> list[Path]:
    """`<model>.history.json` (rounds and epochs) and `<model>.curves.png` beside the model."""
    stem = path.with_suffix("")
    history = Path(f"{stem}.history.json")
    history.write_text(json.dumps(reader.history, indent=1))
    return [history, plot_training(reader.history["epochs"], f"{stem}.curves.png")]
