"""What pretrained OCR engines read with no labels at all: every peer of `peers.py` on the
held-out 20% of each dataset (the split of seed 0, the test images of `training.py`).

    python benchmarks/zero_shot.py ../shared/data/* --write

Peers: ddddocr 1.6.1 (default and beta model, each restricted to the alphabet on the
probabilities or unrestricted and case-folded) and rapidocr (recognition only, case-folded;
`make bench-peers` installs it). Reports whole-string, character and case-insensitive
whole-string accuracy (reading speed is in `speed.py`).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from accuracy import any_case, scores  # noqa: E402
from tables import markdown, publish, write_table  # noqa: E402

from pipeline import load_dataset  # noqa: E402
from pipeline.evaluation.peers import DDDDOCR_WAYS, Ddddocr, Rapidocr  # noqa: E402


def measure(folder: str, test_fraction: float) -> dict[str, dict[str, float]]:
    """Every peer's scores on one dataset's test part."""
    data = load_dataset(folder)
    _, test = data.split(test_fraction, seed=0)
    peers = {name: Ddddocr(data.alphabet, **kw) for name, kw in DDDDOCR_WAYS.items()}
    peers["rapidocr"] = Rapidocr(data.alphabet)
    out = {}
    for name, peer in peers.items():
        texts = peer.read(test.paths)
        out[name] = {**scores(texts, test.labels), "any_case": any_case(texts, test.labels)}
        print(f"{Path(folder).name} {name}: {json.dumps(out[name])}", flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("datasets", nargs="+", help="dataset folders")
    parser.add_argument("--test-fraction", type=float, default=0.2)
    parser.add_argument("--json", help="write the results here")
    parser.add_argument("--write", action="store_true", help="write the table into BENCHMARKS.md")
    args = parser.parse_args()
    results = {Path(f).name: measure(f, args.test_fraction) for f in args.datasets}
    rows = [
        [
            dataset,
            peer,
            f"{100 * r['whole_accuracy']:.2f}%",
            f"{100 * r['char_accuracy']:.2f}%",
            f"{100 * r['any_case']:.2f}%",
        ]
        for dataset, peers in results.items()
        for peer, r in peers.items()
    ]
    header = ["dataset", "peer", "whole", "chars", "whole, any case"]
    table = markdown(header, rows)
    publish(table, results, args.json)
    if args.write:
        write_table("zero-shot", table, "The test part of each dataset's 80/20 split (seed 0).")


if __name__ == "__main__":
    main()
