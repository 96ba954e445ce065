"""`captcha-cnn`: one command with subcommands for training, evaluation and debugging."""

from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from PIL import Image
from tqdm import tqdm

from charseg import CleanConfig, ImageLoadError, SegmentConfig, load_image, segment
from classifier import ModelConfig, ModelFileError, load_classifier

from .audit import QUICK_READER, AuditConfig, run_audit
from .checkpoint import Checkpoint
from .cli_parser import build_parser
from .dataset import glyph_labels, list_images, load_dataset
from .errors import DatasetError, PathError
from .metrics import evaluate, selective_accuracy
from .overlay import draw_overlay
from .plots import plot_training
from .pretrain import pretrain
from .reader import CaptchaReader
from .report import write_audit, write_overlays, write_plots
from .synth import SynthConfig, generate_dataset
from .training import ReaderConfig
from .windows import precut_glyph

__all__ = ["main"]

_EXPECTED = (ImageLoadError, ModelFileError, PathError)


class UsageError(ValueError):
    """A command-line argument that cannot be used."""


def _model_path(raw: str) -> Path:
    """The output model path, checked before any training starts."""
    path = Path(raw)
    if path.suffix != ".keras":
        raise UsageError(f"--model {path} must end in .keras")
    return path


def _logger(quiet: bool) -> Callable[[str], None]:
    """Round and progress messages to stderr, or nowhere with --quiet."""
    return (lambda _msg: None) if quiet else (lambda msg: tqdm.write(msg, file=sys.stderr))


def _expand(paths: Sequence[str], *, recursive: bool = False) -> list[Path]:
    """Files as given, folders replaced by the images inside them (and their subfolders)."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        out.extend(list_images(path, recursive=recursive) if path.is_dir() else [path])
    return out


def _cmd_train(args: argparse.Namespace) -> int:
    dataset = load_dataset(args.dataset)
    if args.val_fraction and len(dataset) < 2:
        raise DatasetError(
            args.dataset, f"{len(dataset)} image: too few to hold some out (--val-fraction 0)"
        )
    train, val = (
        dataset.split(args.val_fraction, seed=args.seed) if args.val_fraction else (dataset, None)
    )
    model_path = _model_path(args.model)
    checkpoint = Path(args.checkpoint) if args.checkpoint else model_path.with_suffix(".ckpt")
    config = ReaderConfig(
        epochs=args.epochs,
        refine_epochs=args.refine_epochs,
        rounds=args.rounds,
        min_steps=args.min_steps,
        model=ModelConfig(network=args.network, filters=args.filters),
        seed=args.seed,
    )
    log = _logger(args.quiet)
    log(
        f"training on {len(train)} images ({len(train.alphabet)} symbols "
        f"{train.alphabet!r}, lengths {dict(sorted(train.lengths.items()))}); "
        f"checkpoint {checkpoint}"
    )
    base = CaptchaReader.load(args.init) if args.init else None
    reader = CaptchaReader(config)
    started = time.perf_counter()
    try:
        reader.train(
            train,
            progress=not args.quiet,
            log=log,
            checkpoint=checkpoint,
            resume=args.resume,
            init=base,
        )
    except KeyboardInterrupt:
        print(
            f"interrupted: the checkpoint in {checkpoint} keeps every finished epoch; "
            "run the same command with --resume to continue",
            file=sys.stderr,
        )
        return 130
    log(f"trained in {time.perf_counter() - started:.0f}s")
    reader.save(model_path)
    history = _write_history(reader, model_path)
    Checkpoint(checkpoint).remove()
    print(f"model written to {model_path} (training history: {', '.join(map(str, history))})")
    if val is not None and len(val):
        result, _ = evaluate(reader, val, progress=not args.quiet)
        print(
            f"validation ({len(val)} images): whole-string {100 * result.whole_accuracy:.2f}%, "
            f"characters {100 * result.char_accuracy:.2f}%"
        )
    return 0


def _cmd_pretrain(args: argparse.Namespace) -> int:
    model_path = _model_path(args.model)
    config = dataclasses.replace(QUICK_READER if args.quick else ReaderConfig(), seed=args.seed)
    log = _logger(args.quiet)
    started = time.perf_counter()
    reader = pretrain(args.count, config, alphabet=args.alphabet, progress=not args.quiet, log=log)
    log(f"pretrained in {time.perf_counter() - started:.0f}s")
    reader.save(model_path)
    history = _write_history(reader, model_path)
    print(f"base model written to {model_path} (training history: {', '.join(map(str, history))})")
    return 0


def _write_history(reader: CaptchaReader, model_path: Path) -> list[Path]:
    """`<model>.history.json` (rounds and epochs) and `<model>.curves.png` beside the model."""
    stem = model_path.with_suffix("")
    history = Path(f"{stem}.history.json")
    record = {
        "rounds": [dataclasses.asdict(r) for r in reader.history],
        "epochs": reader.epoch_log,
    }
    history.write_text(json.dumps(record, indent=1))
    return [history, plot_training(reader.epoch_log, f"{stem}.curves.png")]


def _cmd_evaluate(args: argparse.Namespace) -> int:
    reader = CaptchaReader.load(args.model)
    dataset = load_dataset(args.dataset)
    result, readings = evaluate(reader, dataset, progress=not args.quiet)
    print(result.table())
    if args.min_confidence is not None:
        answered, accuracy = selective_accuracy(result.results, args.min_confidence)
        print(
            f"confidence >= {args.min_confidence}: {100 * answered:.1f}% of images answered, "
            f"{100 * accuracy:.2f}% of those right"
        )
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(result.summary(), indent=1))
    if args.plots:
        for path in write_plots(result, args.plots):
            print(f"plot: {path}")
    if args.overlays:
        index = write_overlays(
            result,
            readings,
            args.overlays,
            failures_only=not args.all_overlays,
            progress=not args.quiet,
        )
        print(f"overlays: {index}")
    return 0


def _read_good(paths: Sequence[Path]) -> tuple[list[Path], list[np.ndarray], int]:
    """Load every readable image, reporting each bad one on stderr."""
    good, images, bad = [], [], 0
    for path in paths:
        try:
            images.append(load_image(path))
            good.append(path)
        except ImageLoadError as err:
            print(f"error: {err}", file=sys.stderr)
            bad += 1
    return good, images, bad


def _cmd_predict(args: argparse.Namespace) -> int:
    if args.skip_low and args.min_confidence is None:
        raise UsageError("--skip-low needs --min-confidence")
    reader = CaptchaReader.load(args.model)
    files = _expand(args.paths)
    writer = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
    threshold = args.min_confidence
    bad = low = read = 0
    # Streamed: files are decoded a batch ahead and printed a batch at a time.
    for path, reading in zip(
        files, reader.read_stream(files, progress=not args.quiet), strict=True
    ):
        if isinstance(reading, ImageLoadError):
            print(f"error: {reading}", file=sys.stderr)
            bad += 1
            continue
        read += 1
        abstain = threshold is not None and reading.confidence < threshold
        low += abstain
        if abstain and args.skip_low:
            continue
        if args.json:
            record = {
                "path": str(path),
                "text": reading.text,
                "confidence": round(reading.confidence, 6),
                "char_confidences": [round(c, 6) for c in reading.confidences],
                "first_pass": reading.first_pass,
            }
            if threshold is not None:
                record["abstained"] = abstain
            print(json.dumps(record))
        else:
            row = [str(path), reading.text, f"{reading.confidence:.4f}"]
            writer.writerow(row + ([("low" if abstain else "ok")] if threshold is not None else []))
    if threshold is not None:
        print(f"{low} of {read} readings below confidence {threshold}", file=sys.stderr)
    return _exit_status(read, bad)


def _exit_status(good: int, bad: int) -> int:
    """0 when every file was read, 1 when some were bad, 2 when none could be read."""
    if bad and not good:
        return 2
    return 1 if bad else 0


def _cmd_segment(args: argparse.Namespace) -> int:
    if args.n_chars is not None and args.n_chars < 1:
        raise UsageError(f"--n-chars must be at least 1, got {args.n_chars}")
    reader = CaptchaReader.load(args.model) if args.model else None
    out = Path(args.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths, images, bad = _read_good(_expand(args.paths))
    # With a model, every image is read in batched classifier calls, not one call per image.
    readings = (
        reader.read(images, progress=not args.quiet) if reader is not None else [None] * len(images)
    )
    items = zip(paths, images, readings, strict=True)
    for path, image, reading in tqdm(
        items, total=len(paths), desc="overlays", unit="img", disable=args.quiet, leave=False
    ):
        if reading is not None:
            overlay = draw_overlay(
                image,
                reading.prepared,
                reading.cuts,
                text=reading.text,
                confidences=reading.confidences,
                read_by="first pass" if reading.first_pass else "search",
            )
        else:
            seg = segment(image, args.n_chars, config=SegmentConfig())
            overlay = draw_overlay(image, seg.prepared, seg.cuts)
        target = out / f"{path.stem}.png"
        Image.fromarray(overlay).save(target)
        print(target)
    return _exit_status(len(paths), bad)


def _cmd_classify(args: argparse.Namespace) -> int:
    classifier, meta = load_classifier(args.model)
    clean_config = CleanConfig(**meta["config"]["segment"]["clean"]) if "config" in meta else None
    paths, images, bad = _read_good(_expand(args.paths, recursive=True))
    truth = glyph_labels(paths, args.labels) if args.labels else None
    glyphs = [
        precut_glyph(image, classifier.channels, clean_config)
        for image in tqdm(images, desc="cleaning", unit="glyph", disable=args.quiet, leave=False)
    ]
    chars, conf = classifier.predict(glyphs)
    for n, (path, char, c) in enumerate(zip(paths, chars, conf, strict=True)):
        print(f"{path}\t{char}\t{c:.4f}" + (f"\t{truth[n]}" if truth else ""))
    if truth:
        hits = sum(char == t for char, t in zip(chars, truth, strict=True))
        print(
            f"glyph accuracy: {100 * hits / len(truth):.2f}% ({hits} of {len(truth)})",
            file=sys.stderr,
        )
    return _exit_status(len(paths), bad)


def _cmd_audit(args: argparse.Namespace) -> int:
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
        seed=args.seed,
    )
    dataset = load_dataset(args.dataset)
    log = _logger(args.quiet)
    report = run_audit(
        dataset, config, name=Path(args.dataset).name, progress=not args.quiet, log=log
    )
    for path in write_audit(report, args.report):
        print(path)
    return 0


def _parse_length(text: str) -> tuple[int, int]:
    try:
        lo, _, hi = text.partition("-")
        return int(lo), int(hi or lo)
    except ValueError:
        raise UsageError(f"--length must be K or K-L, got {text!r}") from None


def _cmd_generate(args: argparse.Namespace) -> int:
    lo, hi = _parse_length(args.length)
    config = SynthConfig(
        width=args.width,
        height=args.height,
        alphabet=args.alphabet,
        min_length=lo,
        max_length=hi,
        lines=args.lines,
        noise=args.noise,
        colour=args.colour,
        ripple=args.ripple,
        hollow=args.hollow,
        overlap=args.overlap,
    )
    paths = generate_dataset(
        args.output_dir, args.count, config, seed=args.seed, progress=not args.quiet
    )
    print(f"wrote {len(paths)} captchas to {args.output_dir}")
    return 0


_COMMANDS = {
    "train": _cmd_train,
    "pretrain": _cmd_pretrain,
    "evaluate": _cmd_evaluate,
    "predict": _cmd_predict,
    "segment": _cmd_segment,
    "classify": _cmd_classify,
    "generate": _cmd_generate,
    "audit": _cmd_audit,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand; expected failures print one line and return 2."""
    args = build_parser().parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except _EXPECTED as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except (UsageError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
