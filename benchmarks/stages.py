"""Where reading time goes: milliseconds per image for each stage of `CaptchaReader.read`.

python benchmarks/stages.py --model build/v2.keras /tmp/v2/test --images 192
"""

from __future__ import annotations

import argparse
import json
import time

from charseg import load_image, prepare
from pipeline import CaptchaReader, list_images
from pipeline.search import _windows
from pipeline.windows import glyph_batches


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
    reader.read([load_image(p) for p in paths[:32]])  # warm up the traced graph
    images, t_load = _timed(lambda: [load_image(p) for p in paths])
    prepared, t_prep = _timed(lambda: [prepare(im, seg) for im in images])
    lengths = sorted(reader.lengths)

    def gather():
        windows = [_windows(p, lengths, seg)[:2] for p in prepared]
        return glyph_batches(
            [p.strip for p in prepared],
            [p.candidates[i] for p, (i, _) in zip(prepared, windows, strict=True)],
            [p.candidates[j] for p, (_, j) in zip(prepared, windows, strict=True)],
            size=clf.glyph_size,
            width=clf.input_shape[1],
            context=seg.context_columns,
        )

    batch, t_gather = _timed(gather)
    _, t_cnn = _timed(lambda: clf.predict_proba(batch))
    _, t_read = _timed(lambda: reader.read_prepared(prepared))
    n = len(images)
    result = {
        "images": n,
        "windows_per_image": len(batch) / n,
        "ms_per_image": {
            "load": 1000 * t_load / n,
            "prepare": 1000 * t_prep / n,
            "gather_windows": 1000 * t_gather / n,
            "cnn": 1000 * t_cnn / n,
            "read_prepared_first_pass_windows_cnn_search": 1000 * t_read / n,
        },
        "us_per_window_cnn": 1e6 * t_cnn / len(batch),
    }
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
