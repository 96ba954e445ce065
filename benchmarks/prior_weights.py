"""Whole-string accuracy of a trained reader under each width-prior weight, without retraining.

The classifier scores every window once; only the search is re-run per weight, on the
training and the test part of the fixed split that `accuracy.py` uses.

    python benchmarks/prior_weights.py ../shared/data/captcha_v2 --model build/v2.keras
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline import CaptchaReader, load_dataset  # noqa: E402
from pipeline.search import decode, length_log_prior, score_windows  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("dataset")
    parser.add_argument("--model", required=True)
    parser.add_argument("--test-count", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--weights", type=float, nargs="+", default=[0, 0.125, 0.25, 0.5, 1])
    args = parser.parse_args()
    reader = CaptchaReader.load(args.model)
    data = load_dataset(args.dataset)
    train, test = data.split(args.test_count / len(data), seed=args.seed)
    print(f"model's chosen weight: {reader.decode_weight}")
    print("| part | " + " | ".join(f"weight {w:g}" for w in args.weights) + " |")
    print("|---" * (len(args.weights) + 1) + "|")
    for name, part in (("training", train), ("test", test)):
        prepared = reader.prepare(part.paths)
        scores = score_windows(
            reader.classifier,
            prepared,
            [sorted(reader.lengths)] * len(prepared),
            reader.config.segment,
        )
        cells = []
        for w in args.weights:
            right = sum(
                decode(
                    sc,
                    prep,
                    reader.alphabet,
                    length_log_prior(reader.lengths),
                    reader.widths,
                    width_weight=w,
                ).text
                == label
                for sc, prep, label in zip(scores, prepared, part.labels, strict=True)
            )
            cells.append(f"{100 * right / len(part):.1f}%")
        print(f"| {name} ({len(part)}) | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
