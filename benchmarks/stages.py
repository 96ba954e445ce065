"""Where reading time goes: milliseconds per image for each stage of `CaptchaReader.read`.

python benchmarks/stages.py --model build/v2.keras /tmp/v2/test --images 192
"""

from __future__ import annotations

import argparse
import json
import time

from charseg import load_pixels, prepare
from pipeline import CaptchaReader, list_images
from pipeline.search import _windows, decode_batch, length_log_prior, score_windows
from pipeline.windows import window_proba


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
    args = parser.parse_args()
    reader = CaptchaReader.load(args.model, runtime=args.runtime)
    clf, seg = reader.classifier, reader.config.segment
    paths = list_images(args.folder)[: args.images]
    reader.read(paths[:32])  # warm up the traced graph
    images, t_load = _timed(lambda: [load_pixels(p) for p in paths])
    prepared, t_prep = _timed(lambda: [prepare(im, seg) for im in images])
    lengths = sorted(reader.lengths)
    windows, t_windows = _timed(lambda: [_windows(p, lengths, seg)[:2] for p in prepared])
    _, t_cnn = _timed(
        lambda: window_proba(
            clf,
            [p.strip for p in prepared],
            [p.candidates[i] for p, (i, _) in zip(prepared, windows, strict=True)],
            [p.candidates[j] for p, (_, j) in zip(prepared, windows, strict=True)],
            context=seg.context_columns,
        )
    )
    scores = score_windows(clf, prepared, [lengths] * len(prepared), seg)
    prior = length_log_prior(reader.lengths)
    _, t_decode = _timed(
        lambda: decode_batch(
            scores,
            prepared,
            clf.alphabet,
            prior,
            reader._widths(),
            width_weight=reader._decode_weight(),
        )
    )
    _, t_read = _timed(lambda: reader.read_prepared(prepared))
    n = len(images)
    n_windows = sum(len(i) for i, _ in windows)
    result = {
        "network": reader.config.model.network,
        "images": n,
        "windows_per_image": n_windows / n,
        "ms_per_image": {
            "load": 1000 * t_load / n,
            "prepare": 1000 * t_prep / n,
            "list_windows": 1000 * t_windows / n,
            "cnn_with_gather": 1000 * t_cnn / n,
            "search": 1000 * t_decode / n,
            "read_prepared": 1000 * t_read / n,
        },
        "us_per_window_cnn": 1e6 * t_cnn / n_windows,
    }
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
