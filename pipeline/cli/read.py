"""`captcha-cnn evaluate`, `predict`, `segment` and `classify`."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

from PIL import Image
from tqdm import tqdm

import classifier as classifiers
from charseg import ImageLoadError, SegmentConfig, clean, segment
from classifier import ModelFileError

from .. import reporting
from ..data import glyph_labels, load_dataset
from ..evaluation import evaluate, selective_accuracy
from ..reading import CaptchaReader, config_from_dict
from ..reporting import draw_overlay
from .common import UsageError, exit_status, expand, read_good

__all__ = ["run_classify", "run_evaluate", "run_predict", "run_segment"]


def run_evaluate(args: argparse.Namespace) -> int:
    """Score a reader on a dataset; write the JSON, plots and overlays asked for."""
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
        for path in reporting.write_plots(result, args.plots):
            print(f"plot: {path}")
    if args.overlays:
        index = reporting.write_overlays(
            result,
            readings,
            args.overlays,
            failures_only=not args.all_overlays,
            progress=not args.quiet,
        )
        print(f"overlays: {index}")
    return 0


def run_predict(args: argparse.Namespace) -> int:
    """Read files and folders: one line (or JSON record) per image, streamed."""
    if args.skip_low and args.min_confidence is None:
        raise UsageError("--skip-low needs --min-confidence")
    reader = CaptchaReader.load(args.model)
    files = expand(args.paths)
    writer = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
    threshold = args.min_confidence
    bad = low = read = 0
    for path, reading in zip(
        files,
        reader.read_stream(files, progress=not args.quiet, keep_prepared=False),
        strict=True,
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
            }
            if threshold is not None:
                record["abstained"] = abstain
            print(json.dumps(record))
        else:
            row = [str(path), reading.text, f"{reading.confidence:.4f}"]
            writer.writerow(row + ([("low" if abstain else "ok")] if threshold is not None else []))
    if threshold is not None:
        print(f"{low} of {read} readings below confidence {threshold}", file=sys.stderr)
    return exit_status(read, bad)


def run_segment(args: argparse.Namespace) -> int:
    """Write one overlay PNG per image: the model's search and reading, or without a model
    the projection's cuts."""
    if args.n_chars is not None and args.n_chars < 1:
        raise UsageError(f"--n-chars must be at least 1, got {args.n_chars}")
    reader = CaptchaReader.load(args.model) if args.model else None
    out = Path(args.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths, images, bad = read_good(expand(args.paths))
    # With a model, every image is read in batched classifier calls, not one call per image.
    readings = reader.read(images, progress=not args.quiet) if reader else [None] * len(images)
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
            )
        else:
            seg = segment(image, args.n_chars, config=SegmentConfig())
            overlay = draw_overlay(image, seg.prepared, seg.cuts)
        target = out / f"{path.stem}.png"
        Image.fromarray(overlay).save(target)
        print(target)
    return exit_status(len(paths), bad)


def run_classify(args: argparse.Namespace) -> int:
    """Classify pre-cut glyph images, cleaned as the model's captchas were; with labels,
    report the glyph accuracy."""
    classifier, meta = classifiers.load_classifier(args.model)
    try:
        clean_config = config_from_dict(meta["config"]).segment.clean if "config" in meta else None
    except (KeyError, TypeError, ValueError) as err:
        raise ModelFileError(args.model, f"incomplete reader metadata ({err})") from None
    paths, images, bad = read_good(expand(args.paths, recursive=True))
    truth = glyph_labels(paths, args.labels) if args.labels else None
    glyphs = [
        clean(image, clean_config).planes()
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
    return exit_status(len(paths), bad)
