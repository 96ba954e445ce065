"""Speed of reading on one or several schemes: batch throughput, single-image latency, model
load, peak memory, and ddddocr on the same images in the same run.

    python benchmarks/speed.py ../shared/data/* --models build/schemes --write

Each folder is read by its own model, `--models DIR`/<folder name>.keras (as written by
`benchmarks/training.py --models DIR`), or every folder by one `--model`. Throughput runs the
`predict` command's path in-process (`pipeline.cli.main`, output to a null stream): file
decoding, reading and output, model load excluded and timed on its own.
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


def _throughput(model: str, paths: list[Path], count: int) -> tuple[float, float]:
    """Images per second of `predict` over `count` images, model load excluded, and the
    whole command's seconds."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = _folder_of(paths, count, Path(tmp))
        sink = io.StringIO()
        with contextlib.redirect_stdout(sink):
            cli_main(["predict", "--model", model, str(folder), "--quiet"])  # warm
            sink.seek(0)
            sink.truncate()
            reader_load = time.perf_counter()
            CaptchaReader.load(model)
            load_again = time.perf_counter() - reader_load
            started = time.perf_counter()
            cli_main(["predict", "--model", model, str(folder), "--quiet"])
            total = time.perf_counter() - started
        assert len(sink.getvalue().splitlines()) == count
    return count / max(total - load_again, 1e-9), total


def measure(folder: str, model: str, args: argparse.Namespace) -> dict[str, float]:
    """The figures of one scheme read by one model."""
    paths = list_images(folder)
    out: dict[str, float] = {}
    started = time.perf_counter()
    reader = CaptchaReader.load(model)
    out["model_load_s"] = time.perf_counter() - started
    reader.read(paths[:8])  # warm-up: traces the graph once
    out["predict_images_per_s"], out["predict_total_s_with_load"] = _throughput(
        model, paths, args.count
    )
    latencies = []
    for image in [load_image(p) for p in paths[: args.latency_count]]:
        started = time.perf_counter()
        reader.read([image])
        latencies.append(1000 * (time.perf_counter() - started))
    latencies.sort()
    out["latency_p50_ms"] = statistics.median(latencies)
    out["latency_p99_ms"] = latencies[int(0.99 * (len(latencies) - 1))]
    out["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if args.peers == "ddddocr":
        from pipeline.evaluation.peers import Ddddocr

        ocr = Ddddocr(reader.alphabet)
        sample = paths[: min(len(paths), 300)]
        ocr.read(sample[:5])
        started = time.perf_counter()
        ocr.read(sample)
        out["ddddocr_images_per_s"] = len(sample) / (time.perf_counter() - started)
        out["ratio_to_ddddocr"] = out["predict_images_per_s"] / out["ddddocr_images_per_s"]
    print(Path(folder).name)
    for key, value in out.items():
        print(f"  {key:28s} {value:10.2f}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("images", nargs="+", help="folders of captchas")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--model", help="one model for every folder")
    group.add_argument("--models", help="folder of <folder name>.keras models")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--latency-count", type=int, default=200)
    parser.add_argument("--peers", default="ddddocr", help="'ddddocr' or 'none'")
    parser.add_argument("--json", help="write the results here")
    parser.add_argument("--write", action="store_true", help="write the table into BENCHMARKS.md")
    args = parser.parse_args()
    results = {}
    for folder in args.images:
        name = Path(folder).name
        model = args.model or str(Path(args.models) / f"{name}.keras")
        results[name] = measure(folder, model, args)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(results, indent=1))
    if args.write:
        _write(results, args.count)


def _write(results: dict[str, dict[str, float]], count: int) -> None:
    rows = [
        [
            name,
            f"**{out['predict_images_per_s']:.0f}**",
            f"{out['latency_p50_ms']:.2f} / {out['latency_p99_ms']:.2f} ms",
            f"{out['ddddocr_images_per_s']:.0f}" if "ddddocr_images_per_s" in out else "",
            f"{out['ratio_to_ddddocr']:.2f}x" if "ratio_to_ddddocr" in out else "",
            f"{out['model_load_s']:.2f} s",
            f"{out['peak_rss_mib']:.0f} MiB",
        ]
        for name, out in results.items()
    ]
    header = [
        "scheme",
        "captcha-cnn images/s",
        "single image p50 / p99",
        "ddddocr images/s",
        "ratio",
        "model load",
        "peak RSS",
    ]
    note = (
        f"{count} images per scheme through `predict` (decoding, reading, output), each scheme "
        "read by its own model; ddddocr reads one image per call; peak RSS is the benchmark "
        "process's so far; 2 CPU cores."
    )
    write_table("speed", markdown(header, rows), note)


if __name__ == "__main__":
    main()
