"""Speed of reading: batch throughput, single-image latency, model load, peak memory, and
ddddocr on the same images in the same run.

    python benchmarks/speed.py ../shared/data/captcha_v2 --model build/v2.keras --write

Throughput runs the `predict` command's path in-process (`pipeline.cli.main`, output to a
null stream): file decoding, reading and output, model load excluded and timed on its own.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tables import markdown, write_table  # noqa: E402

from charseg import load_image  # noqa: E402
from pipeline import CaptchaReader, list_images  # noqa: E402
from pipeline.cli import main as cli_main  # noqa: E402


def _folder_of(paths: list[Path], count: int, target: Path) -> Path:
    """A folder with `count` links to the images, cycling through them."""
    for n in range(count):
        src = paths[n % len(paths)]
        os.symlink(src.resolve(), target / f"{n:05d}_{src.name}")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("images", help="folder of captchas")
    parser.add_argument("--model", required=True)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--latency-count", type=int, default=200)
    parser.add_argument("--peers", default="ddddocr", help="'ddddocr' or 'none'")
    parser.add_argument("--json", help="write the results here")
    parser.add_argument("--write", action="store_true", help="write the table into BENCHMARKS.md")
    args = parser.parse_args()
    paths = list_images(args.images)
    out: dict[str, float] = {}

    started = time.perf_counter()
    reader = CaptchaReader.load(args.model)
    out["model_load_s"] = time.perf_counter() - started
    reader.read(paths[:8])  # warm-up: traces the graph once

    with tempfile.TemporaryDirectory() as tmp:
        folder = _folder_of(paths, args.count, Path(tmp))
        sink = io.StringIO()
        with contextlib.redirect_stdout(sink):
            cli_main(["predict", "--model", args.model, str(folder), "--quiet"])  # warm
            sink.seek(0)
            sink.truncate()
            reader_load = time.perf_counter()
            CaptchaReader.load(args.model)
            load_again = time.perf_counter() - reader_load
            started = time.perf_counter()
            cli_main(["predict", "--model", args.model, str(folder), "--quiet"])
            total = time.perf_counter() - started
        assert len(sink.getvalue().splitlines()) == args.count
        out["predict_images_per_s"] = args.count / max(total - load_again, 1e-9)
        out["predict_total_s_with_load"] = total

    latencies = []
    images = [load_image(p) for p in paths[: args.latency_count]]
    for image in images:
        started = time.perf_counter()
        reader.read([image])
        latencies.append(1000 * (time.perf_counter() - started))
    latencies.sort()
    out["latency_p50_ms"] = statistics.median(latencies)
    out["latency_p99_ms"] = latencies[int(0.99 * (len(latencies) - 1))]
    out["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    if args.peers == "ddddocr":
        from peers import Ddddocr

        ocr = Ddddocr(reader.alphabet)
        sample = paths[: min(len(paths), 300)]
        ocr.read(sample[:5])
        started = time.perf_counter()
        ocr.read(sample)
        out["ddddocr_images_per_s"] = len(sample) / (time.perf_counter() - started)
        out["ratio_to_ddddocr"] = out["predict_images_per_s"] / out["ddddocr_images_per_s"]

    for key, value in out.items():
        print(f"{key:28s} {value:10.2f}")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(out, indent=1))
    if args.write:
        _write(out, Path(args.images).name, args.count)


def _write(out: dict[str, float], name: str, count: int) -> None:
    rows = [
        [
            "captcha-cnn `predict`",
            f"**{out['predict_images_per_s']:.0f}**",
            f"{out['latency_p50_ms']:.2f} / {out['latency_p99_ms']:.2f} ms",
            f"{out['model_load_s']:.2f} s",
            f"{out['peak_rss_mib']:.0f} MiB",
        ]
    ]
    if "ddddocr_images_per_s" in out:
        rows.append(
            ["ddddocr (one image per call)", f"{out['ddddocr_images_per_s']:.0f}", "", "", ""]
        )
        rows.append(["ratio", f"{out['ratio_to_ddddocr']:.2f}x", "", "", ""])
    header = ["reader", "images/s", "single image p50 / p99", "model load", "peak RSS"]
    note = f"{name}: {count} images through `predict` (decoding, reading, output), 2 CPU cores."
    write_table(f"speed-{name}", markdown(header, rows), note)


if __name__ == "__main__":
    main()
