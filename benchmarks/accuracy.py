"""Accuracy on a fixed, seeded split: our reader against ddddocr and a CRNN+CTC, same run.

python benchmarks/accuracy.py ../shared/data/captcha_v2 --json build/accuracy.json
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from charseg import CleanConfig, SegmentConfig  # noqa: E402
from classifier import AugmentConfig, ModelConfig  # noqa: E402
from pipeline import CaptchaReader, ReaderConfig, edit_distance, evaluate, load_dataset  # noqa: E402


def configure(settings: list[str], seed: int) -> ReaderConfig:
    """A ReaderConfig with `key=value` overrides routed to the dataclass that has the key.

    The reader's own fields come first, so `dropout` sets the model's only if the reader
    has no such field.
    """
    groups: dict[type, dict[str, object]] = {
        ReaderConfig: {},
        SegmentConfig: {},
        CleanConfig: {},
        ModelConfig: {},
        AugmentConfig: {},
    }
    for item in settings:
        key, _, raw = item.partition("=")
        owner = next(
            (cls for cls in groups if key in {f.name for f in dataclasses.fields(cls)}), None
        )
        if owner is None:
            raise SystemExit(f"--set {item}: no setting named {key!r}")
        groups[owner][key] = ast.literal_eval(raw)
    segment = SegmentConfig(clean=CleanConfig(**groups[CleanConfig]), **groups[SegmentConfig])
    model = ModelConfig(**groups[ModelConfig])
    augment = AugmentConfig(**groups[AugmentConfig])
    return ReaderConfig(
        segment=segment, model=model, augment=augment, **{"seed": seed, **groups[ReaderConfig]}
    )


def scores(texts: list[str], labels: list[str]) -> dict[str, float]:
    """Whole-string accuracy, positional character accuracy and CER."""
    total = sum(map(len, labels))
    pairs = list(zip(texts, labels, strict=True))
    hits = sum(a == b for t, lab in pairs for a, b in zip(t, lab, strict=False))
    return {
        "whole_accuracy": sum(t == lab for t, lab in zip(texts, labels, strict=True)) / len(labels),
        "char_accuracy": hits / total,
        "cer": sum(edit_distance(t, lab) for t, lab in zip(texts, labels, strict=True)) / total,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("dataset")
    parser.add_argument("--test-count", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--crnn-epochs", type=int, default=100)
    parser.add_argument("--peers", default="ddddocr,crnn", help="comma list, or 'none'")
    parser.add_argument("--json", help="write the results here")
    parser.add_argument("--model", help="also save our trained reader here")
    parser.add_argument(
        "--export-split",
        metavar="DIR",
        help="only write DIR/train and DIR/test as links to the split, then stop",
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a ReaderConfig/SegmentConfig/CleanConfig field",
    )
    args = parser.parse_args()

    data = load_dataset(args.dataset)
    train, test = data.split(args.test_count / len(data), seed=args.seed)
    print(f"{len(train)} training, {len(test)} test images, alphabet {data.alphabet!r}")
    if args.export_split:
        for name, part in (("train", train), ("test", test)):
            folder = Path(args.export_split) / name
            folder.mkdir(parents=True, exist_ok=True)
            for path in part.paths:
                (folder / path.name).symlink_to(path.resolve())
        return
    results: dict[str, dict[str, float]] = {}

    reader = CaptchaReader(configure(args.set, args.seed))
    started = time.perf_counter()
    reader.train(train, progress=False)
    train_s = time.perf_counter() - started
    ours, _ = evaluate(reader, test, progress=False)
    results["captcha-cnn (ours)" + (f" {' '.join(args.set)}" if args.set else "")] = {
        **scores([r.text for r in _], test.labels),
        "train_seconds": train_s,
        "segmentation_success": ours.segmentation_success,
    }
    if args.model:
        reader.save(args.model)
    print(ours.table())

    peers = [] if args.peers == "none" else args.peers.split(",")
    if "ddddocr" in peers:
        from peers import Ddddocr

        texts = Ddddocr(data.alphabet).read(test.paths)
        results["ddddocr (zero-shot)"] = {**scores(texts, test.labels), "train_seconds": 0.0}
    if "crnn" in peers:
        from peers import Crnn

        crnn = Crnn(data.alphabet, max(data.lengths))
        seconds = crnn.train(train.paths, train.labels, args.crnn_epochs)
        results[f"CRNN+CTC ({args.crnn_epochs} epochs)"] = {
            **scores(crnn.read(test.paths), test.labels),
            "train_seconds": seconds,
        }

    print("\n| reader | whole-string | characters | CER | training s |\n|---|---|---|---|---|")
    for name, r in results.items():
        print(
            f"| {name} | {100 * r['whole_accuracy']:.2f}% | {100 * r['char_accuracy']:.2f}% "
            f"| {100 * r['cer']:.2f}% | {r['train_seconds']:.0f} |"
        )
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(
            json.dumps(
                {"train": len(train), "test": len(test), "seed": args.seed, "results": results},
                indent=1,
            )
        )


if __name__ == "__main__":
    main()
