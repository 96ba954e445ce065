"""Evaluation and audit artefacts on disk: overlays with an HTML index, plots, reports."""

from __future__ import annotations

import html
import json
import os
from collections.abc import Sequence
from pathlib import Path

from PIL import Image
from tqdm import tqdm

from charseg import load_image

from .audit import AuditPoint, AuditReport
from .metrics import Evaluation, ImageResult
from .overlay import draw_overlay
from .plots import plot_confusion, plot_coverage, plot_learning_curve, plot_positions
from .reader import Reading

__all__ = ["write_audit", "write_overlays", "write_plots"]

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

    The index lists each image with its truth, reading, confidence, error source
    (segmentation or classification) and whether the first pass or the search read it,
    misread ones first, most confident first.

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
            read_by="first pass" if reading.first_pass else "search",
            truth=res.truth,
        )
        Image.fromarray(image).save(out / name)
        rows.append(_row(res, name, reading.first_pass))
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


def _row(res: ImageResult, image_name: str, first_pass: bool) -> str:
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
        "first pass" if first_pass else "search",
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
<th>error source</th><th>read by</th></tr>
{chr(10).join(rows)}
</table></body></html>
"""


def write_audit(report: AuditReport, folder: PathLike) -> list[Path]:
    """`report.json`, `learning_curve.png` and `summary.md` of an audit."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    json_path = out / "report.json"
    json_path.write_text(json.dumps(report.to_dict(), indent=1))
    curves = {"from scratch": [(p.labels, p.whole_accuracy) for p in report.curve]}
    if report.pretrained_curve:
        curves["from the base model"] = [
            (p.labels, p.whole_accuracy) for p in report.pretrained_curve
        ]
    curve = plot_learning_curve(
        curves,
        out / "learning_curve.png",
        title=f"how many labels break {report.dataset}",
    )
    summary = out / "summary.md"
    summary.write_text(_audit_markdown(report), encoding="utf-8")
    return [json_path, curve, summary]


def _needed(value: float | None, report: AuditReport, curve: list[AuditPoint]) -> str:
    if value is None:
        best = max(p.whole_accuracy for p in curve)
        return f"not reached with {report.n_train} (best {100 * best:.1f}%)"
    smallest = min(p.labels for p in curve)
    if value <= smallest:
        return f"{smallest} or fewer (the smallest budget tried)"
    return f"about {int(round(value))} (interpolated)"


def _audit_markdown(report: AuditReport) -> str:
    lines = [
        f"# Breakability audit: {report.dataset}",
        "",
        f"{report.n_train + report.n_test} labelled captchas ({len(report.alphabet)} symbols, "
        f"lengths {report.lengths}); {report.n_test} held out for testing, readers trained on "
        f"nested subsets of the other {report.n_train}. Settings: {report.settings}. "
        f"Audit time {report.seconds / 60:.1f} min.",
        "",
        "| labelled captchas | whole-string | characters | training (s) |",
        "|---:|---:|---:|---:|",
    ]
    for p in report.curve:
        lines.append(
            f"| {p.labels} | {100 * p.whole_accuracy:.1f}% | {100 * p.char_accuracy:.1f}% "
            f"| {p.train_seconds:.0f} |"
        )
    lines += [
        "",
        f"- Labels an attacker needs for **50%** whole-string accuracy: "
        f"{_needed(report.labels_for['0.5'], report, report.curve)}.",
        f"- For **90%**: {_needed(report.labels_for['0.9'], report, report.curve)}.",
        "- Most confused characters (truth > read, count): "
        + (", ".join(f"`{t}`>`{r}` {n}" for t, r, n in report.confusions) or "none"),
    ]
    if report.pretrained_curve:
        pre = report.pretrained_labels_for
        lines += [
            "- Starting from the base model: "
            + ", ".join(
                f"{p.labels} labels {100 * p.whole_accuracy:.1f}%" for p in report.pretrained_curve
            )
            + f"; 50% with {_needed(pre['0.5'], report, report.pretrained_curve)}, "
            f"90% with {_needed(pre['0.9'], report, report.pretrained_curve)}.",
        ]
    lines += [
        "",
        "![learning curve](learning_curve.png)",
    ]
    if report.ablations:
        base = {p.labels: p.whole_accuracy for p in report.curve}
        budget = report.ablations[0].labels
        lines += [
            "",
            f"## Which cleaning step matters (readers trained on {budget} labels)",
            "",
            "A large drop means the scheme's noise is what that step removes: a designer "
            "strengthening the scheme should push there.",
            "",
            "| turned off | whole-string | change |",
            "|---|---:|---:|",
            f"| nothing | {100 * base[budget]:.1f}% | |",
        ]
        for p in report.ablations:
            change = 100 * (p.whole_accuracy - base[budget])
            lines.append(f"| {p.ablation} | {100 * p.whole_accuracy:.1f}% | {change:+.1f} |")
    return "\n".join(lines) + "\n"
