"""Readings of a reader trained on a seeded split, written to JSON and compared with an earlier
run: the check that a change which should not alter reading (a restructure) does not.

    python benchmarks/readings.py ../shared/data/captcha_v2 --test-count 200 --json build/r.json
    python benchmarks/readings.py sample_data/train --test sample_data/test \
        --json build/s.json --compare build/s-before.json

Trains with the default settings and the given seed, then reads the test images and the
training images; every image's text, character confidences and cuts go into the JSON. With
`--compare`, the two runs must agree exactly on text and cuts and within 1e-5 on confidences;
the script lists every difference and exits with status 1 if there is one.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


from pipeline import CaptchaReader, ReaderConfig, load_dataset, train_reader  # noqa: E402


def _record(reader: CaptchaReader, paths: list[Path]) -> dict[str, dict]:
    return {
        p.name: {
            "text": r.text,
            "confidences": [round(c, 7) for c in r.confidences],
            "cuts": list(r.cuts),
        }
        for p, r in zip(paths, reader.read(paths), strict=True)
    }


def _compare(now: dict[str, dict], before: dict[str, dict]) -> list[str]:
    """One line per image whose reading differs."""
    problems = []
    for name in sorted(set(now) | set(before)):
        a, b = now.get(name), before.get(name)
        if a is None or b is None:
            problems.append(f"{name}: only in one run")
        elif (a["text"], a["cuts"]) != (b["text"], b["cuts"]) or any(
            abs(x - y) > 1e-5 for x, y in zip(a["confidences"], b["confidences"], strict=True)
        ):
            problems.append(f"{name}: {b['text']} {b['cuts']} -> {a['text']} {a['cuts']}")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("dataset")
    parser.add_argument("--test", help="test folder (default: a seeded split of the dataset)")
    parser.add_argument("--test-count", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", required=True, help="write the readings here")
    parser.add_argument("--compare", help="readings JSON of an earlier run to compare with")
    parser.add_argument("--model", help="also save the trained reader here")
    parser.add_argument("--load", help="read with this saved reader instead of training one")
    args = parser.parse_args()

    data = load_dataset(args.dataset)
    if args.test:
        train, test = data, load_dataset(args.test)
    else:
        train, test = data.split(args.test_count / len(data), seed=args.seed)
    started = time.perf_counter()
    if args.load:
        reader = CaptchaReader.load(args.load)
    else:
        reader = train_reader(train, ReaderConfig(seed=args.seed), progress=False, log=print)
    seconds = 0.0 if args.load else time.perf_counter() - started
    if args.model:
        reader.save(args.model)
    out = {
        "train_seconds": seconds,
        "test": _record(reader, test.paths),
        "train": _record(reader, train.paths),
    }
    right = sum(
        out["test"][p.name]["text"] == y for p, y in zip(test.paths, test.labels, strict=True)
    )
    print(f"trained in {seconds:.0f}s; test {right}/{len(test)} read right")
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(out, indent=1))
    if args.compare:
        before = json.loads(Path(args.compare).read_text())
        problems = _compare(out["test"], before["test"]) + _compare(out["train"], before["train"])
        for line in problems:
            print(line)
        total = len(out["test"]) + len(out["train"])
        print(f"{total - len(problems)} of {total} readings identical to {args.compare}")
        sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
