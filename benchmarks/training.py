"""Training cost and accuracy on every dataset given, against the peers: a reader trained
with the default settings on 80% of each (the split of seed 0), scored on the rest, and in
the same run ddddocr (both models, restricted to the alphabet on the probabilities or
unrestricted and case-folded; the best of the four is reported) on the same test images.

    python benchmarks/training.py ../shared/data/* --write
    python benchmarks/training.py gen/serif72 gen/hollow gen/warp --write --table schemes-generated

Reports training seconds, seconds per 1000 training images, the cleaning training chose,
the held-out whole-string and character accuracy (and whole-string ignoring case), the best
peer's, and the ratio of the errors. With `--seeds 0,1,2` the reader is trained once per
training seed on the same split and the table gives the means (and each seed's whole-string
accuracy): one training's accuracy moves by a few points with its seed. `--degenerate N`
adds N images to each training part that cleaning reduces to a band of a few pixels (a row
of small dark blocks on blank paper), to show that they are left out and do not slow
training.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from accuracy import any_case, scores  # noqa: E402
from tables import markdown, publish, write_table  # noqa: E402

from pipeline import Dataset, ReaderConfig, evaluate, load_dataset, train_reader  # noqa: E402
from pipeline.evaluation.peers import DDDDOCR_WAYS, Ddddocr  # noqa: E402


def with_degenerate(train: Dataset, count: int, folder: Path) -> Dataset:
    """`train` plus `count` images of its size holding only a row of small dark blocks 5
    pixels high (as when pale glyphs are lost and dark noise is kept), labelled like its
    first images: cleaning keeps a 5-pixel band, scaled up to a strip many times too wide."""
    height, width = np.asarray(Image.open(train.paths[0]).convert("L")).shape
    paths, labels = list(train.paths), list(train.labels)
    for n in range(count):
        pixels = np.full((height, width), 255, np.uint8)
        for x in range(width // 16 + n, width - width // 16, max(8, width // 12)):
            pixels[height // 2 : height // 2 + 5, x : x + 6] = 30
        path = folder / f"degenerate_{n}.png"
        Image.fromarray(pixels).save(path)
        paths.append(path)
        labels.append(train.labels[n % len(train)])
    return Dataset(paths, labels)


def measure(folder: str, args: argparse.Namespace, scratch: Path) -> dict[str, object]:
    """Train on the training part of one dataset once per seed and score the held-out part;
    the means over the seeds, with each seed's result under "seeds"."""
    data = load_dataset(folder)
    train, test = data.split(args.test_fraction, seed=0)
    if args.degenerate:
        train = with_degenerate(train, args.degenerate, scratch)
    runs = [train_and_score(train, test, seed, folder, args) for seed in args.seeds]
    result: dict[str, object] = {
        key: float(np.mean([run[key] for run in runs]))
        for key in ("whole_accuracy", "char_accuracy", "cer", "any_case", "train_seconds")
    }
    result |= {
        "train_images": len(train),
        "test_images": len(test),
        "cleaning": " or ".join(dict.fromkeys(run["cleaning"] for run in runs)),
        "extent": " or ".join(dict.fromkeys(run["extent"] for run in runs)),
        "seeds": {str(seed): run for seed, run in zip(args.seeds, runs, strict=True)},
    }
    if args.peers == "ddddocr":
        result["peer"] = best_peer(data.alphabet, test)
    print(f"{Path(folder).name}: {json.dumps(result)}", flush=True)
    return result


def train_and_score(
    train: Dataset, test: Dataset, seed: int, folder: str, args: argparse.Namespace
) -> dict[str, float | str]:
    """One training with `seed` and its scores on `test` (the first seed's reader is saved
    under `--models`)."""
    started = time.perf_counter()
    reader = train_reader(
        train,
        ReaderConfig(seed=seed),
        progress=False,
        log=lambda line: print(line, flush=True),
    )
    seconds = time.perf_counter() - started
    _, readings = evaluate(reader, test, progress=False)
    if args.models and seed == args.seeds[0]:
        Path(args.models).mkdir(parents=True, exist_ok=True)
        reader.save(Path(args.models) / f"{Path(folder).name}.keras")
    texts = [r.text for r in readings]
    result = {
        **scores(texts, test.labels),
        "any_case": any_case(texts, test.labels),
        "train_seconds": seconds,
        "epochs": len(reader.history["epochs"]),
        "cleaning": reader.history["cleaning"]["chosen"],
        "extent": reader.history["cleaning"]["extent"],
    }
    print(f"{Path(folder).name}, seed {seed}: {json.dumps(result)}", flush=True)
    return result


def best_peer(alphabet: str, test: Dataset) -> dict[str, object]:
    """Every ddddocr variant's scores on `test`, and the name of the best."""
    variants = {}
    for name, settings in DDDDOCR_WAYS.items():
        texts = Ddddocr(alphabet, **settings).read(test.paths)
        variants[name] = {**scores(texts, test.labels), "any_case": any_case(texts, test.labels)}
        print(f"  {name}: {json.dumps(variants[name])}", flush=True)
    best = max(
        variants, key=lambda n: (variants[n]["whole_accuracy"], variants[n]["char_accuracy"])
    )
    return {"best": best, **variants[best], "variants": variants}


def _row(name: str, r: dict) -> list[str]:
    row = [
        name,
        f"{r['train_images']} / {r['test_images']}",
        f"{r['train_seconds']:.0f} s",
        f"{1000 * r['train_seconds'] / r['train_images']:.0f} s",
        r["cleaning"] + ("" if r["extent"] == "as configured" else f"; extent: {r['extent']}"),
        f"{100 * r['whole_accuracy']:.2f}%",
        f"{100 * r['char_accuracy']:.2f}%",
        f"{100 * r['any_case']:.2f}%",
    ]
    if len(r["seeds"]) > 1:
        row.append(" / ".join(f"{100 * s['whole_accuracy']:.2f}" for s in r["seeds"].values()))
    if "peer" in r:
        peer = r["peer"]
        ratio = (1 - r["whole_accuracy"]) / max(1 - peer["whole_accuracy"], 1e-9)
        row += [
            peer["best"],
            f"{100 * peer['whole_accuracy']:.2f}%",
            f"{100 * peer['char_accuracy']:.2f}%",
            f"{100 * peer['any_case']:.2f}%",
            f"{ratio:.2f}",
        ]
    return row


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("datasets", nargs="+", help="dataset folders")
    parser.add_argument("--test-fraction", type=float, default=0.2)
    parser.add_argument(
        "--seeds", default="0", help="comma list of training seeds: one training per seed"
    )
    parser.add_argument("--degenerate", type=int, default=0)
    parser.add_argument("--models", help="save each dataset's reader in this folder")
    parser.add_argument("--peers", default="ddddocr", help="'ddddocr' or 'none'")
    parser.add_argument("--json", help="write the results here")
    parser.add_argument("--write", action="store_true", help="write the table into BENCHMARKS.md")
    parser.add_argument(
        "--table",
        help="the BENCHMARKS.md table to write (default: schemes, or training-degenerate "
        "with --degenerate)",
    )
    args = parser.parse_args()
    args.seeds = [int(seed) for seed in args.seeds.split(",")]
    results = {}
    with tempfile.TemporaryDirectory() as scratch:
        for folder in args.datasets:
            results[Path(folder).name] = measure(folder, args, Path(scratch))
    rows = [_row(name, r) for name, r in results.items()]
    header = ["dataset", "train / test", "training", "per 1000 images", "cleaning chosen"]
    header += ["whole", "chars", "whole, any case"]
    if len(args.seeds) > 1:
        header += ["whole, each seed"]
    if args.peers == "ddddocr":
        header += ["best peer", "its whole", "its chars", "its whole, any case"]
        header += ["error vs peer"]
    table = markdown(header, rows)
    publish(table, results, args.json)
    if args.write:
        seeds = ",".join(map(str, args.seeds))
        note = (
            f"Training seed {seeds}, default settings, 2 cores."
            if len(args.seeds) == 1
            else f"Means over training seeds {seeds} (the same split), default settings, 2 cores."
        )
        if args.degenerate:
            note += f" Each training part has {args.degenerate} degenerate images added."
        default = "training-degenerate" if args.degenerate else "schemes"
        write_table(args.table or default, table, note)


if __name__ == "__main__":
    main()
