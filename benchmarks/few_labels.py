"""Few labels: a reader trained on a few labelled captchas, alone and self-trained with the
rest of the training part unlabelled, scored on the same held-out images.

    python benchmarks/few_labels.py ../shared/data/captcha_v2 --labels 100 --seeds 0,1 --write

The split holds out `--test-count` images chosen with seed 0 (as `accuracy.py`); each seed
draws its `--labels` labelled images from the rest, the others are the unlabelled pool.
`--init BASE` starts every reader from a base model (`captcha-cnn pretrain`); its table is
`few-labels-NAME-base`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from accuracy import scores  # noqa: E402
from tables import markdown, publish, write_table  # noqa: E402

from pipeline import CaptchaReader, ReaderConfig, load_dataset, train_reader  # noqa: E402
from pipeline.training import self_train  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("dataset")
    parser.add_argument("--labels", type=int, default=100)
    parser.add_argument("--test-count", type=int, default=200)
    parser.add_argument("--seeds", default="0", help="comma list")
    parser.add_argument("--init", help="base model to start every reader from")
    parser.add_argument("--json", help="write the results here")
    parser.add_argument("--write", action="store_true", help="write the table into BENCHMARKS.md")
    args = parser.parse_args()
    data = load_dataset(args.dataset)
    rest, test = data.split(args.test_count / len(data), seed=0)
    base = CaptchaReader.load(args.init) if args.init else None
    results: dict[str, list[dict[str, float]]] = {"labels only": [], "with the unlabelled": []}
    for seed in (int(s) for s in args.seeds.split(",")):
        order = np.random.default_rng(seed).permutation(len(rest))
        labelled = rest.subset(np.sort(order[: args.labels]))
        pool = [rest.paths[n] for n in order[args.labels :]]
        config = ReaderConfig(seed=seed)
        for name in results:
            started = time.perf_counter()
            if name == "labels only":
                reader = train_reader(labelled, config, init=base, progress=False, log=print)
            else:
                reader = self_train(labelled, pool, config, init=base, progress=False, log=print)
            seconds = time.perf_counter() - started
            # Read, not `evaluate`d: a test label with a symbol the labelled images never
            # showed cannot be read, and counts as wrong.
            texts = [r.text for r in reader.read(test.paths)]
            result = {**scores(texts, test.labels), "seconds": seconds}
            results[name].append(result)
            print(f"seed {seed}, {name}: {json.dumps(result)}", flush=True)
    rows = []
    for name, runs in results.items():
        mean = {k: statistics.mean(r[k] for r in runs) for k in runs[0]}
        rows.append(
            [
                name,
                ", ".join(f"{100 * r['whole_accuracy']:.1f}%" for r in runs),
                f"**{100 * mean['whole_accuracy']:.2f}%**",
                f"{100 * mean['char_accuracy']:.2f}%",
                f"{mean['seconds']:.0f} s",
            ]
        )
    header = ["reader", "whole, each seed", "whole, mean", "chars, mean", "training"]
    table = markdown(header, rows)
    publish(table, results, args.json)
    if args.write:
        name = Path(args.dataset).name
        note = (
            f"{name}: {args.labels} labelled images of the {len(rest)} training ones (seeds "
            f"{args.seeds}), the other {len(rest) - args.labels} unlabelled; {len(test)} test "
            f"images, the split of seed 0" + (f"; from the base {args.init}" if args.init else "")
        )
        write_table(f"few-labels-{name}" + ("-base" if args.init else ""), table, note + ".")


if __name__ == "__main__":
    main()
