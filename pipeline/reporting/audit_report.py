"""An audit on disk: `report.json`, the learning-curve PNG and a Markdown summary."""

from __future__ import annotations

import json
import os
from pathlib import Path

from ..evaluation import AuditPoint, AuditReport
from .plots import plot_learning_curve

__all__ = ["write_audit"]

PathLike = str | os.PathLike[str]


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
    if report.unlabelled_curve:
        curves[_unlabelled_name(report)] = [
            (p.labels, p.whole_accuracy) for p in report.unlabelled_curve
        ]
    ranked = _ranked_peers(report)
    best = {f"{ranked[0][0]}, no labels": ranked[0][1]["whole_accuracy"]} if ranked else None
    curve = plot_learning_curve(
        curves,
        out / "learning_curve.png",
        title=f"how many labels break {report.dataset}",
        no_labels=best,
    )
    summary = out / "summary.md"
    summary.write_text(_audit_markdown(report), encoding="utf-8")
    return [json_path, curve, summary]


def _ranked_peers(report: AuditReport) -> list[tuple[str, dict[str, float]]]:
    """The off-the-shelf engine ways and their scores, most held-out captchas read whole
    first."""
    return sorted((report.zero_label or {}).items(), key=lambda kv: -kv[1]["whole_accuracy"])


def _zero_label_line(report: AuditReport) -> list[str]:
    """The summary's line on what off-the-shelf OCR reads with no labels."""
    if report.zero_label is None:
        return []
    if not report.zero_label:
        return [
            "- With no labels at all: not measured, no off-the-shelf OCR engine is installed "
            "(`pip install captcha-cnn[bench]` adds ddddocr)."
        ]
    ranked = _ranked_peers(report)
    best, scores = ranked[0]
    enough = [t for t in (0.5, 0.9) if scores["whole_accuracy"] >= t]
    verdict = (
        f" It already passes {100 * max(enough):.0f}%: the cheapest attack needs no labels."
        if enough
        else ""
    )
    return [
        f"- With no labels at all, off-the-shelf OCR (zero-shot) reads **"
        f"{100 * scores['whole_accuracy']:.1f}%** whole (`{best}`; every way tried: "
        + ", ".join(f"`{n}` {100 * s['whole_accuracy']:.1f}%" for n, s in ranked)
        + f").{verdict}"
    ]


def _unlabelled_name(report: AuditReport) -> str:
    base = " and the base model" if report.pretrained_curve else ""
    return f"with the rest unlabelled{base}"


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
    if report.unlabelled_curve:
        pool = report.unlabelled_labels_for
        lines += [
            f"- Self-trained {_unlabelled_name(report)} (the rest of the {report.n_train} "
            "training captchas without their labels): "
            + ", ".join(
                f"{p.labels} labels {100 * p.whole_accuracy:.1f}%" for p in report.unlabelled_curve
            )
            + f"; 50% with {_needed(pool['0.5'], report, report.unlabelled_curve)}, "
            f"90% with {_needed(pool['0.9'], report, report.unlabelled_curve)}.",
        ]
    lines += _zero_label_line(report)
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
