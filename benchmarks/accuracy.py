"""Accuracy on a fixed, seeded split: our reader (one training per seed) against ddddocr and
a CRNN+CTC on the same test images, in the same run.

    python benchmarks/accuracy.py ../shared/data/captcha_v2 --seeds 0,1,2,3,4 --write

The split holds out `--test-count` images chosen with seed 0 (`Dataset.split`); every seed
trains a reader with the default settings (or `--set KEY=VALUE` overrides) on the rest.
`--write` puts the table into BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tables import markdown, write_table  # noqa: E402

from charseg import CleanConfig, SegmentConfig, StripConfig  # noqa: E402
from classifier import AugmentConfig, ModelConfig  # noqa: E402
from pipeline import (  # noqa: E402
    CaptchaReader,
    ReaderConfig,
    evaluate,
    load_dataset,
    train_reader,
)
from pipeline.evaluation import text_scores as scores  # noqa: E402
from pipeline.reading import CleaningChoice, WidthLearning  # noqa: E402

_GROUPS = (
    ReaderConfig,
    SegmentConfig,
    CleanConfig,
    StripConfig,
    ModelConfig,
    AugmentConfig,
    CleaningChoice,
)


def configure(settings: list[str], seed: int) -> ReaderConfig:
    """A ReaderConfig with `key=value` overrides routed to the dataclass that has the key
    (the reader's own fields first)."""
    groups: dict[type, dict[str, object]] = {cls: {} for cls in (*_GROUPS, WidthLearning)}
    for item in settings:
        key, _, raw = item.partition("=")
        owner = next(
            (cls for cls in groups if key in {f.name for f in dataclasses.fields(cls)}), None
        )
        if owner is None:
            raise SystemExit(f"--set {item}: no setting named {key!r}")
        groups[owner][key] = ast.literal_eval(raw)
    segment = SegmentConfig(
        clean=CleanConfig(**groups[CleanConfig]),
        strip=StripConfig(**groups[StripConfig]),
        **groups[SegmentConfig],
    )
    return ReaderConfig(
        segment=segment,
        model=ModelConfig(**groups[ModelConfig]),
        augment=AugmentConfig(**groups[AugmentConfig]),
        widths=WidthLearning(**groups[WidthLearning]),
        cleaning=CleaningChoice(**groups[CleaningChoice]),
        **{"seed": seed, **groups[ReaderConfig]},
    )


def any_case(texts: list[str], labels: list[str]) -> float:
    """Whole-string accuracy ignoring case."""
    pairs = zip(texts, labels, strict=True)
    return sum(t.lower() == lab.lower() for t, lab in pairs) / len(labels)


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("dataset")
    parser.add_argument("--test-count", type=int, default=200)
    parser.add_argument("--seeds", default="0", help="comma list: one training per seed")
    parser.add_argument("--crnn-epochs", type=int, default=100)
    parser.add_argument("--peers", default="ddddocr", help="comma list of ddddocr, crnn; 'none'")
    parser.add_argument("--json", help="write the results here")
    parser.add_argument("--model", help="also save the first seed's reader here")
    parser.add_argument(
        "--load", help="score this saved reader (trained on the same split) instead of training"
    )
    parser.add_argument("--write", action="store_true", help="write the table into BENCHMARKS.md")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a field of ReaderConfig or of one of its parts",
    )
    return parser.parse_args()


def main() -> None:
    args = _parse()
    data = load_dataset(args.dataset)
    train, test = data.split(args.test_count / len(data), seed=0)
    print(f"{len(train)} training, {len(test)} test images, alphabet {data.alphabet!r}")
    results: dict[str, dict[str, float]] = {}
    if args.load:
        reader = CaptchaReader.load(args.load)
        _, readings = evaluate(reader, test, progress=False)
        seed = reader.config.seed
        results[f"captcha-cnn, seed {seed} ({Path(args.load).name})"] = {
            **scores([r.text for r in readings], test.labels),
            "train_seconds": sum(r["seconds"] for r in reader.history["rounds"]),
        }
    for n, seed in enumerate(int(s) for s in args.seeds.split(",") if not args.load):
        started = time.perf_counter()
        reader = train_reader(train, configure(args.set, seed), progress=False, log=lambda _m: None)
        seconds = time.perf_counter() - started
        ours, readings = evaluate(reader, test, progress=False)
        results[f"captcha-cnn, seed {seed}"] = {
            **scores([r.text for r in readings], test.labels),
            "train_seconds": seconds,
        }
        print(f"seed {seed}: {ours.whole_accuracy:.2%} whole, {seconds:.0f} s training")
        if n == 0 and args.model:
            reader.save(args.model)
    results.update(_peers(args, data, train, test))
    _report(args, results, len(train), len(test))


def _peers(args, data, train, test) -> dict[str, dict[str, float]]:
    peers = [] if args.peers == "none" else args.peers.split(",")
    out = {}
    if "ddddocr" in peers:
        from pipeline.evaluation.peers import Ddddocr

        texts = Ddddocr(data.alphabet).read(test.paths)
        out["ddddocr (zero-shot, restricted to the alphabet)"] = {
            **scores(texts, test.labels),
            "train_seconds": 0.0,
        }
    if "crnn" in peers:
        from peers import Crnn

        crnn = Crnn(data.alphabet, max(data.lengths))
        seconds = crnn.train(train.paths, train.labels, args.crnn_epochs)
        out[f"CRNN+CTC ({args.crnn_epochs} epochs)"] = {
            **scores(crnn.read(test.paths), test.labels),
            "train_seconds": seconds,
        }
    return out


def _report(args, results, n_train: int, n_test: int) -> None:
    rows = [
        [
            name,
            f"{100 * r['whole_accuracy']:.2f}%",
            f"{100 * r['char_accuracy']:.2f}%",
            f"{100 * r['cer']:.2f}%",
            "none" if r["train_seconds"] == 0 else f"{r['train_seconds']:.0f} s",
        ]
        for name, r in results.items()
    ]
    ours = [r for name, r in results.items() if name.startswith("captcha-cnn")]
    if len(ours) > 1:
        mean = {k: statistics.mean(r[k] for r in ours) for k in ours[0]}
        rows.append(
            [
                f"captcha-cnn, mean of {len(ours)} seeds",
                f"**{100 * mean['whole_accuracy']:.2f}%**",
                f"**{100 * mean['char_accuracy']:.2f}%**",
                f"{100 * mean['cer']:.2f}%",
                f"{mean['train_seconds']:.0f} s",
            ]
        )
    table = markdown(["reader", "whole-string", "characters", "CER", "training"], rows)
    print(table)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(
            json.dumps({"train": n_train, "test": n_test, "results": results}, indent=1)
        )
    if args.write:
        name = Path(args.dataset).name
        note = f"{name}: {n_train} training and {n_test} test images, the split of seed 0."
        write_table(f"accuracy-{name}", table, note)


if __name__ == "__main__":
    main()
