"""`captcha-cnn`: one command with subcommands for training, evaluation and debugging."""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image
from tqdm import tqdm

from charseg import CleanConfig, ImageLoadError, SegmentConfig, load_image, segment
from classifier import GlyphClassifier, ModelFileError

from .dataset import DatasetError, list_images, load_dataset
from .metrics import evaluate
from .overlay import draw_overlay
from .reader import CaptchaReader
from .synth import SynthConfig, generate_dataset
from .training import ReaderConfig
from .windows import precut_glyph

__all__ = ["main"]

_EXPECTED = (ImageLoadError, ModelFileError, DatasetError)
_PREDICT_BATCH = 256
_FORMATTER = argparse.ArgumentDefaultsHelpFormatter


class UsageError(ValueError):
    """A command-line argument that cannot be used."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="captcha-cnn",
        formatter_class=_FORMATTER,
        description="Segmentation-first text-captcha reader for research on local image files.",
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--quiet", action="store_true", help="no progress bars or round logs")
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name: str, help_text: str, example: str) -> argparse.ArgumentParser:
        return sub.add_parser(
            name,
            formatter_class=_FORMATTER,
            help=help_text,
            parents=[common],
            epilog=f"example: {example}",
        )

    p = add(
        "train",
        "train a reader on a dataset",
        "captcha-cnn train data/captchas --model reader.keras",
    )
    p.add_argument("dataset", help="folder of <label>.png images, or with a labels.csv")
    p.add_argument("--model", required=True, help="output model file (.keras)")
    p.add_argument("--epochs", type=int, default=ReaderConfig.epochs, help="first-round epochs")
    p.add_argument(
        "--refine-epochs",
        type=int,
        default=ReaderConfig.refine_epochs,
        help="epochs of each later alignment round",
    )
    p.add_argument("--rounds", type=int, default=ReaderConfig.rounds, help="train/align rounds")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--val-fraction",
        type=float,
        default=0.1,
        help="fraction held out to report validation accuracy (0 = none)",
    )

    p = add(
        "evaluate",
        "score a model on a dataset",
        "captcha-cnn evaluate --model reader.keras data/test --json scores.json "
        "--overlays failures/",
    )
    p.add_argument("dataset", help="folder of labelled images, or with a labels.csv")
    p.add_argument("--model", required=True, help="model file")
    p.add_argument("--json", help="write the figures to this JSON file")
    p.add_argument("--overlays", help="write an overlay PNG of each misread image here")

    p = add("predict", "read captcha files", "captcha-cnn predict --model reader.keras new/ a.png")
    p.add_argument("paths", nargs="+", help="image files or folders")
    p.add_argument("--model", required=True, help="model file")
    p.add_argument("--json", action="store_true", help="JSON lines instead of tab-separated")

    p = add(
        "segment",
        "write segmentation overlays",
        "captcha-cnn segment a.png --output-dir overlays/ --n-chars 5",
    )
    p.add_argument("paths", nargs="+", help="image files or folders")
    p.add_argument("--output-dir", required=True, help="folder for the overlay PNGs")
    p.add_argument("--model", help="use this model's search (and show its reading)")
    p.add_argument("--n-chars", type=int, help="number of characters (without a model)")

    p = add(
        "classify", "classify pre-cut glyphs", "captcha-cnn classify --model reader.keras glyphs/"
    )
    p.add_argument("paths", nargs="+", help="glyph image files or folders")
    p.add_argument("--model", required=True, help="model file")

    p = add(
        "generate",
        "generate synthetic captchas",
        "captcha-cnn generate out/ --count 500 --length 4-6 --colour",
    )
    p.add_argument("output_dir", help="folder to write <label>.png files into")
    p.add_argument("--count", type=int, default=500, help="number of captchas")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--length", type=str, default="5", help="length K or range K-L")
    p.add_argument("--alphabet", default=SynthConfig.alphabet, help="symbols to draw from")
    p.add_argument("--width", type=int, default=SynthConfig.width, help="image width")
    p.add_argument("--height", type=int, default=SynthConfig.height, help="image height")
    p.add_argument("--colour", action="store_true", help="coloured glyphs and background")
    p.add_argument("--lines", type=int, default=SynthConfig.lines, help="max strike lines")
    p.add_argument("--noise", type=float, default=SynthConfig.noise, help="dot noise fraction")
    p.add_argument("--ripple", type=float, default=0.0, help="sine distortion amplitude / height")
    p.add_argument("--hollow", type=float, default=0.0, help="probability of hollow glyphs")
    p.add_argument(
        "--overlap",
        type=float,
        default=SynthConfig.overlap,
        help="max overlap of neighbouring glyphs (fraction of width)",
    )
    return parser


def _expand(paths: Sequence[str]) -> list[Path]:
    """Files as given, folders replaced by the images inside them."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            out.extend(list_images(path))
        else:
            out.append(path)
    return out


def _cmd_train(args: argparse.Namespace) -> int:
    dataset = load_dataset(args.dataset)
    train, val = (
        dataset.split(args.val_fraction, seed=args.seed) if args.val_fraction else (dataset, None)
    )
    config = ReaderConfig(
        epochs=args.epochs, refine_epochs=args.refine_epochs, rounds=args.rounds, seed=args.seed
    )
    log = (lambda _msg: None) if args.quiet else (lambda msg: print(msg, file=sys.stderr))
    log(
        f"training on {len(train)} images ({len(train.alphabet)} symbols "
        f"{train.alphabet!r}, lengths {dict(sorted(train.lengths.items()))})"
    )
    reader = CaptchaReader(config)
    started = time.perf_counter()
    reader.train(train, progress=not args.quiet, log=log)
    log(f"trained in {time.perf_counter() - started:.0f}s")
    reader.save(args.model)
    print(f"model written to {args.model}")
    if val is not None and len(val):
        result, _ = evaluate(reader, val, progress=not args.quiet)
        print(
            f"validation ({len(val)} images): whole-string {100 * result.whole_accuracy:.2f}%, "
            f"characters {100 * result.char_accuracy:.2f}%"
        )
    return 0


def _cmd_evaluate(args: argparse.Namespace) -> int:
    reader = CaptchaReader.load(args.model)
    dataset = load_dataset(args.dataset)
    result, readings = evaluate(reader, dataset, progress=not args.quiet)
    print(result.table())
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(result.summary(), indent=1))
    if args.overlays:
        out = Path(args.overlays)
        out.mkdir(parents=True, exist_ok=True)
        for res, reading in zip(result.results, readings, strict=True):
            if res.correct:
                continue
            image = draw_overlay(
                load_image(res.path),
                reading.prepared,
                reading.cuts,
                text=reading.text,
                confidences=reading.confidences,
                truth=res.truth,
            )
            Image.fromarray(image).save(out / f"{Path(res.path).stem}.png")
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
    reader = CaptchaReader.load(args.model)
    files = _expand(args.paths)
    writer = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
    bad = 0
    bar = tqdm(total=len(files), desc="reading", unit="img", disable=args.quiet, leave=False)
    # Stream: decode, read and print one batch at a time, so memory stays flat on big folders.
    for lo in range(0, len(files), _PREDICT_BATCH):
        paths, images, n_bad = _read_good(files[lo : lo + _PREDICT_BATCH])
        bad += n_bad
        for path, reading in zip(paths, reader.read(images), strict=True):
            if args.json:
                record = {
                    "path": str(path),
                    "text": reading.text,
                    "confidence": round(reading.confidence, 6),
                    "char_confidences": [round(c, 6) for c in reading.confidences],
                }
                print(json.dumps(record))
            else:
                writer.writerow([str(path), reading.text, f"{reading.confidence:.4f}"])
        bar.update(min(_PREDICT_BATCH, len(files) - lo))
    bar.close()
    return 1 if bad else 0


def _cmd_segment(args: argparse.Namespace) -> int:
    if args.n_chars is not None and args.n_chars < 1:
        raise UsageError(f"--n-chars must be at least 1, got {args.n_chars}")
    reader = CaptchaReader.load(args.model) if args.model else None
    out = Path(args.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths, images, bad = _read_good(_expand(args.paths))
    # With a model, every image is read in batched classifier calls, not one call per image.
    readings = reader.read(images) if reader is not None else [None] * len(images)
    for path, image, reading in zip(paths, images, readings, strict=True):
        if reading is not None:
            overlay = draw_overlay(
                image,
                reading.prepared,
                reading.cuts,
                text=reading.text,
                confidences=reading.confidences,
            )
        else:
            seg = segment(image, args.n_chars, config=SegmentConfig())
            overlay = draw_overlay(image, seg.prepared, seg.cuts)
        target = out / f"{path.stem}.png"
        Image.fromarray(overlay).save(target)
        print(target)
    return 1 if bad else 0


def _cmd_classify(args: argparse.Namespace) -> int:
    classifier, meta = GlyphClassifier.load(args.model)
    clean_config = CleanConfig(**meta["config"]["segment"]["clean"]) if "config" in meta else None
    paths, images, bad = _read_good(_expand(args.paths))
    glyphs = [precut_glyph(image, classifier.channels, clean_config) for image in images]
    chars, conf = classifier.predict(glyphs)
    for path, char, c in zip(paths, chars, conf, strict=True):
        print(f"{path}\t{char}\t{c:.4f}")
    return 1 if bad else 0


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
    "evaluate": _cmd_evaluate,
    "predict": _cmd_predict,
    "segment": _cmd_segment,
    "classify": _cmd_classify,
    "generate": _cmd_generate,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand; expected failures print one line and return 2."""
    args = _parser().parse_args(argv)
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
