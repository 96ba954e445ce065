"""Evaluation artefacts on disk: overlays of misread images with an HTML index, and plots."""

from __future__ import annotations

import html
import os
from collections.abc import Sequence
from pathlib import Path

from PIL import Image
from tqdm import tqdm

from charseg import load_image

from ..evaluation import Evaluation, ImageResult
from ..reading import Reading
from .overlay import draw_overlay
from .plots import plot_confusion, plot_coverage, plot_positions

__all__ = ["write_overlays", "write_plots"]

PathLike = str | os.PathLike[str]


def write_overlays(
    evaluation: Evaluation,
    readings: Sequence[Reading],
    folder: PathLike,
    *,
    failures_only: bool = True,
    progress: bool = False,
) -> Path:
    """Write an overlay PNG per image (misread ones only by default) and `index.html`.

    The index lists each image with its truth, reading, confidence and error source
    (segmentation or classification), misread ones first, most confident first.

    Returns
    -------
    Path
        The index file.
    """
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    chosen = [
        (res, reading)
        for res, reading in zip(evaluation.results, readings, strict=True)
        if not (failures_only and res.correct)
    ]
    chosen.sort(key=lambda pair: (pair[0].correct, -pair[0].confidence))
    rows = []
    names: set[str] = set()
    for res, reading in tqdm(
        chosen, desc="overlays", unit="img", disable=not progress, leave=False
    ):
        name = _unique_name(Path(res.path).stem, names)
        image = draw_overlay(
            load_image(res.path),
            reading.prepared,
            reading.cuts,
            text=reading.text,
            confidences=reading.confidences,
            truth=res.truth,
        )
        Image.fromarray(image).save(out / name)
        rows.append(_row(res, name))
    index = out / "index.html"
    index.write_text(_page(evaluation, rows, failures_only), encoding="utf-8")
    return index


def write_plots(evaluation: Evaluation, folder: PathLike) -> list[Path]:
    """Confusion matrix, accuracy by position and accuracy-vs-coverage PNGs."""
    out = Path(folder)
    written = [
        plot_positions(evaluation.position_accuracy, out / "positions.png"),
        plot_coverage(evaluation.results, out / "coverage.png"),
    ]
    if any(len(r.text) == len(r.truth) for r in evaluation.results):
        written.insert(0, plot_confusion(evaluation.results, out / "confusion.png"))
    return written


def _unique_name(stem: str, taken: set[str]) -> str:
    name, n = f"{stem}.png", 1
    while name in taken:
        name, n = f"{stem}-{n}.png", n + 1
    taken.add(name)
    return name


def _row(res: ImageResult, image_name: str) -> str:
    if res.correct:
        source = "correct"
    else:
        source = "classification" if res.segmentation_ok else "segmentation"
    cells = [
        f'<a href="{html.escape(image_name)}"><img src="{html.escape(image_name)}"></a>',
        html.escape(Path(res.path).name),
        f"<code>{html.escape(res.truth)}</code>",
        f"<code>{html.escape(res.text)}</code>",
        f"{res.confidence:.3f}",
        source,
    ]
    return "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


def _page(evaluation: Evaluation, rows: list[str], failures_only: bool) -> str:
    wrong = evaluation.n - round(evaluation.whole_accuracy * evaluation.n)
    what = "misread images" if failures_only else "all images, misread first"
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>captcha-cnn evaluation overlays</title>
<style>
body {{ font-family: sans-serif; margin: 1.5em; }}
td, th {{ padding: 4px 10px; border-bottom: 1px solid #ddd; text-align: left; }}
img {{ max-height: 160px; }}
</style></head><body>
<h1>Overlays: {what}</h1>
<p>{evaluation.n} images, {wrong} misread
({evaluation.segmentation_errors} from segmentation,
{evaluation.classification_errors} from classification);
whole-string accuracy {100 * evaluation.whole_accuracy:.2f}%.
Thin gray ticks: candidate cuts; bold blue: chosen cuts; red: wrong characters.</p>
<table><tr><th>overlay</th><th>file</th><th>truth</th><th>read</th><th>confidence</th>
<th>error source</th></tr>
{chr(10).join(rows)}
</table></body></html>
"""
