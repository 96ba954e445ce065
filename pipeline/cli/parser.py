"""The argument parser of `captcha-cnn`: every subcommand, flag, default and example."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from charseg import SegmentConfig
from classifier.config import ModelConfig

from ..data import SynthConfig
from ..evaluation import QUICK_READER, AuditConfig
from ..reading import ReaderConfig
from ..training import DEFAULT_ALPHABET, DEFAULT_COUNT, SelfTraining

__all__ = ["build_parser"]

_FORMATTER = argparse.ArgumentDefaultsHelpFormatter


def build_parser() -> argparse.ArgumentParser:
    """The parser of all subcommands."""
    parser = argparse.ArgumentParser(
        prog="captcha-cnn",
        formatter_class=_FORMATTER,
        description="Segmentation-first text-captcha reader for research on local image files.",
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--quiet", action="store_true", help="no progress bars or round logs")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (help_text, example, add_arguments) in _SUBCOMMANDS.items():
        add_arguments(
            sub.add_parser(
                name,
                formatter_class=_FORMATTER,
                help=help_text,
                parents=[common],
                epilog=f"example: captcha-cnn {name} {example}",
            )
        )
    return parser


def _filters(text: str) -> tuple[int, ...]:
    """'16,32,64' as (16, 32, 64): positive channel counts."""
    try:
        values = tuple(int(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a comma list of integers") from None
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: channel counts must be at least 1")
    return values


def _train(p: argparse.ArgumentParser) -> None:
    p.add_argument("dataset", help="folder of <label>.png images, or with a labels.csv")
    p.add_argument(
        "--model",
        required=True,
        help="output model file (.keras); <name>.history.json and <name>.curves.png go beside it",
    )
    p.add_argument("--epochs", type=int, default=ReaderConfig.epochs, help="first-round epochs")
    p.add_argument(
        "--refine-epochs",
        type=int,
        default=ReaderConfig.refine_epochs,
        help="epochs of each later alignment round",
    )
    p.add_argument(
        "--rounds", type=int, default=ReaderConfig.rounds, help="most train/align rounds"
    )
    p.add_argument(
        "--settled",
        type=float,
        default=ReaderConfig.settled,
        help="stop once a round moves cuts (beyond the jitter) in at most this fraction of "
        "the images (0 = always --rounds rounds)",
    )
    p.add_argument(
        "--min-steps",
        type=int,
        default=ReaderConfig.min_steps,
        help="fewest optimizer steps of the first round; small datasets get more epochs",
    )
    p.add_argument(
        "--class-views",
        type=int,
        default=ReaderConfig.class_views,
        help="fewest times the first round shows each symbol on average; schemes with many "
        "symbols and few images of each get more epochs",
    )
    p.add_argument(
        "--filters",
        type=_filters,
        default=ModelConfig.filters,
        metavar="N,N,...",
        help="channels of each conv block; 16,32,64 trains and reads faster for a little "
        "accuracy (figures in BENCHMARKS.md); with --init the base's network is used",
    )
    p.add_argument(
        "--thin-edges",
        type=float,
        default=SegmentConfig.thin_edges,
        metavar="F",
        help="also cut where a run of thin ink (at most F of the text's 90th-percentile "
        "column ink: a line stub, a joining stroke) meets a glyph, e.g. 0.3 (0 = not)",
    )
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--keep-cleaning",
        action="store_true",
        help="train with the default cleaning and text extent as they are (by default the "
        "median filter is turned off for schemes whose glyph strokes it erodes, it and line "
        "removal where that keeps markedly more images' glyphs whole and apart, and the text "
        "extent keeps only tall ink where a thick line runs past the glyphs)",
    )
    p.add_argument(
        "--val-fraction",
        type=float,
        default=0.1,
        help="fraction held out to report validation accuracy (0 = none)",
    )
    p.add_argument(
        "--checkpoint",
        help="checkpoint folder, saved after every epoch (default: <model>.ckpt beside the "
        "model; deleted once the model is written)",
    )
    p.add_argument(
        "--resume", action="store_true", help="continue an interrupted run from its checkpoint"
    )
    p.add_argument(
        "--init",
        help="start from this model's weights (e.g. from pretrain), outputs mapped by symbol",
    )
    p.add_argument(
        "--unlabelled",
        help="folder of unlabelled captchas of the scheme: those the reader reads surely "
        "(checked on held-out labelled images) are added as labels and it trains again; "
        "no checkpoint is kept",
    )
    p.add_argument(
        "--self-rounds",
        type=int,
        default=SelfTraining.rounds,
        help="with --unlabelled: read-and-retrain rounds at most",
    )


def _pretrain(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", required=True, help="output base model file (.keras)")
    p.add_argument("--alphabet", default=DEFAULT_ALPHABET, help="symbols to pretrain on")
    p.add_argument(
        "--count", type=int, default=DEFAULT_COUNT, help="generated captchas to train on"
    )
    p.add_argument("--quick", action="store_true", help="the audit's shorter training schedule")
    p.add_argument("--seed", type=int, default=0)


def _evaluate(p: argparse.ArgumentParser) -> None:
    p.add_argument("dataset", help="folder of labelled images, or with a labels.csv")
    p.add_argument("--model", required=True, help="model file")
    p.add_argument("--json", help="write the figures to this JSON file")
    p.add_argument("--overlays", help="write overlay PNGs of misread images and an index.html here")
    p.add_argument(
        "--all-overlays", action="store_true", help="with --overlays, every image, not only errors"
    )
    p.add_argument(
        "--plots", help="write confusion.png, positions.png and coverage.png into this folder"
    )
    p.add_argument(
        "--min-confidence",
        type=float,
        help="also report how many readings reach this confidence and their accuracy",
    )


def _predict(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", help="image files or folders")
    p.add_argument("--model", required=True, help="model file")
    p.add_argument("--json", action="store_true", help="JSON lines instead of tab-separated")
    p.add_argument(
        "--min-confidence",
        type=float,
        help="mark readings below this confidence (4th column 'low', JSON 'abstained')",
    )
    p.add_argument(
        "--skip-low", action="store_true", help="with --min-confidence, leave those out instead"
    )


def _segment(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", help="image files or folders")
    p.add_argument("--output-dir", required=True, help="folder for the overlay PNGs")
    p.add_argument("--model", help="use this model's search (and show its reading)")
    p.add_argument("--n-chars", type=int, help="number of characters (without a model)")


def _classify(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", help="glyph image files or folders (searched recursively)")
    p.add_argument("--model", required=True, help="model file")
    p.add_argument(
        "--labels",
        help="report glyph accuracy: a CSV of filename,label, or 'folders' when each "
        "glyph's folder name is its label",
    )


def _audit(p: argparse.ArgumentParser) -> None:
    p.add_argument("dataset", help="folder of labelled images, or with a labels.csv")
    p.add_argument(
        "--report", required=True, help="folder for report.json, learning_curve.png, summary.md"
    )
    p.add_argument(
        "--budgets",
        default=",".join(map(str, AuditConfig.budgets)),
        help="labelled-image budgets to train on (the whole training part is always added)",
    )
    p.add_argument(
        "--test-fraction", type=float, default=AuditConfig.test_fraction, help="held-out part"
    )
    p.add_argument(
        "--quick",
        action="store_true",
        help=f"shorter training ({QUICK_READER.rounds} rounds, {QUICK_READER.epochs}+"
        f"{QUICK_READER.refine_epochs} epochs, at least {QUICK_READER.min_steps} steps of "
        f"{QUICK_READER.batch_size} strips; self-training continues each network)",
    )
    p.add_argument(
        "--ablation-budget",
        type=int,
        default=AuditConfig.ablation_budget,
        help="labels of the readers trained with one cleaning step off",
    )
    p.add_argument("--no-ablations", action="store_true", help="skip the cleaning ablations")
    p.add_argument("--init", help="also train every budget from this base model (a second curve)")
    p.add_argument(
        "--unlabelled",
        action="store_true",
        help="also self-train every budget with the rest of the training part unlabelled "
        "(a third curve; from --init's base when given)",
    )
    p.add_argument(
        "--no-peers",
        action="store_true",
        help="do not read the held-out part with the installed off-the-shelf OCR engines",
    )
    p.add_argument("--seed", type=int, default=0)


def _generate(p: argparse.ArgumentParser) -> None:
    p.add_argument("output_dir", help="folder to write <label>.png files into")
    p.add_argument("--count", type=int, default=500, help="number of captchas")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--length", type=str, default="5", help="length K or range K-L")
    p.add_argument("--alphabet", default=SynthConfig.alphabet, help="symbols to draw from")
    p.add_argument("--width", type=int, default=SynthConfig.width, help="image width")
    p.add_argument("--height", type=int, default=SynthConfig.height, help="image height")
    p.add_argument("--colour", action="store_true", help="coloured glyphs and background")
    p.add_argument("--lines", type=int, default=SynthConfig.lines, help="max strike lines")
    p.add_argument(
        "--line-width",
        type=float,
        default=SynthConfig.line_width,
        help="strike line width / height",
    )
    p.add_argument("--noise", type=float, default=SynthConfig.noise, help="dot noise fraction")
    p.add_argument("--ripple", type=float, default=0.0, help="sine distortion amplitude / height")
    p.add_argument("--hollow", type=float, default=0.0, help="probability of hollow glyphs")
    p.add_argument(
        "--pale", type=float, default=0.0, help="probability of pale glyphs (low contrast)"
    )
    p.add_argument(
        "--overlap",
        type=float,
        default=SynthConfig.overlap,
        help="max overlap of neighbouring glyphs (fraction of width)",
    )


# Subcommand -> (help, example arguments, function adding its arguments).
_SUBCOMMANDS: dict[str, tuple[str, str, Callable[[argparse.ArgumentParser], None]]] = {
    "train": ("train a reader on a dataset", "data/ --model r.keras", _train),
    "pretrain": (
        "train a base reader on generated captchas, to fine-tune with train --init",
        "--model base.keras --quick",
        _pretrain,
    ),
    "evaluate": (
        "score a model on a dataset",
        "--model r.keras data/test --overlays fail/ --plots plots/",
        _evaluate,
    ),
    "predict": ("read captcha files", "--model r.keras new/ a.png --min-confidence 0.9", _predict),
    "segment": (
        "write segmentation overlays",
        "a.png --output-dir overlays/ --n-chars 5",
        _segment,
    ),
    "classify": (
        "classify pre-cut glyph images",
        "--model r.keras glyphs/ --labels folders",
        _classify,
    ),
    "audit": (
        "measure how many labels break a scheme (learning curve, cleaning ablations)",
        "data/ --report audit/ --quick",
        _audit,
    ),
    "generate": (
        "generate synthetic captchas",
        "out/ --count 500 --length 4-6 --colour",
        _generate,
    ),
}
