"""Where reading time goes: milliseconds per image for each stage of `CaptchaReader.read`.

python benchmarks/stages.py ../shared/data/captcha_v2 --model build/v2.keras --write
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tables import markdown, write_table  # noqa: E402

from charseg import ink_extents, load_pixels, prepare  # noqa: E402
from pipeline import CaptchaReader, list_images  # noqa: E402
from pipeline.reading import allowed_union, decode_batch, length_log_prior  # noqa: E402


def _timed(fn, repeats: int = 3):
    """Result and best wall-clock time of `repeats` calls (the first pays page faults)."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - started)
    return out, best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", help="folder of captcha images")
    parser.add_argument("--model", required=True)
    parser.add_argument("--images", type=int, default=192)
    parser.add_argument("--runtime", default="onnxruntime", help="or 'tensorflow'")
    parser.add_argument("--write", action="store_true", help="write the table into BENCHMARKS.md")
    args = parser.parse_args()
    reader = CaptchaReader.load(args.model, runtime=args.runtime)
    clf, seg, learned = reader.classifier, reader.config.segment, reader.learned
    paths = list_images(args.folder)[: args.images]
    reader.read(paths[:32])  # warm up
    images, t_load = _timed(lambda: [load_pixels(p) for p in paths])
    prepared, t_prep = _timed(lambda: [prepare(im, seg) for im in images])
    lengths = sorted(learned.lengths)

    def windows():
        out = []
        for p in prepared:
            i, j, _ = allowed_union(p, lengths, learned.bounds)
            out.append(np.stack(ink_extents(p.strip.profile, p.candidates[i], p.candidates[j]), 1))
        return out

    listed, t_windows = _timed(windows)
    _, t_cnn = _timed(lambda: clf.window_proba([p.strip.channels for p in prepared], listed))
    scores = reader.score(prepared)
    prior = length_log_prior(learned.lengths)
    _, t_decode = _timed(
        lambda: decode_batch(
            scores,
            prepared,
            clf.alphabet,
            prior,
            learned.widths,
            width_weight=learned.decode_weight,
        )
    )
    _, t_read = _timed(lambda: reader.read_prepared(prepared))
    n, n_windows = len(images), sum(len(w) for w in listed)
    stages = {
        "decode the file (8-bit pixels)": t_load,
        "clean, strip, candidate cuts": t_prep,
        "list the allowed windows": t_windows,
        "network (all windows of the batch)": t_cnn,
        "search (dynamic program)": t_decode,
        "read prepared images (windows, network, search)": t_read,
    }
    rows = [[name, f"{1000 * t / n:.3f}"] for name, t in stages.items()]
    table = markdown(["stage", "ms per image"], rows)
    note = (
        f"{Path(args.folder).name}: {n} images, {n_windows / n:.0f} windows per image, "
        f"{1e6 * t_cnn / n_windows:.1f} µs of network per window ({args.runtime}); stages "
        "timed one after another, the network on ONNX Runtime's threads (one per core), the "
        "rest on one (reading overlaps decoding and cleaning with the network)."
    )
    print(table)
    print(note)
    if args.write:
        write_table(f"stages-{Path(args.folder).name}", table, note)


if __name__ == "__main__":
    main()
