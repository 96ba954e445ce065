"""Whole captchas: read, train, evaluate, audit, report; the `captcha-cnn` command.

Sub-packages by job: `data` (datasets, the generator), `reading` (the reader and its search),
`training` (alignment rounds, calibration, pretraining), `evaluation` (scores, audits),
`reporting` (overlays, plots, reports) and `cli`. Every public name is also here, imported
on first use, so that ``import pipeline`` loads neither TensorFlow nor matplotlib.
"""

from typing import TYPE_CHECKING

from charseg.lazy import lazy_exports

from .reporting import __all__ as _reporting_names  # a lazy package: no matplotlib yet

if TYPE_CHECKING:
    from .data import (
        Dataset,
        DatasetError,
        SynthConfig,
        generate_dataset,
        glyph_labels,
        list_images,
        load_dataset,
        render_captcha,
    )
    from .evaluation import (
        AuditConfig,
        AuditReport,
        Evaluation,
        ImageResult,
        confusion_matrix,
        coverage_curve,
        edit_distance,
        evaluate,
        labels_needed,
        run_audit,
        selective_accuracy,
    )
    from .reading import (
        CaptchaReader,
        CleaningChoice,
        Learned,
        ReaderConfig,
        Reading,
        WidthModel,
    )
    from .reporting import (
        draw_overlay,
        plot_confusion,
        plot_coverage,
        plot_learning_curve,
        plot_positions,
        plot_training,
        write_audit,
        write_overlays,
        write_plots,
    )
    from .training import CheckpointError, RoundReport, pretrain, train_reader

_HOMES = {
    ".data": (
        "Dataset",
        "DatasetError",
        "SynthConfig",
        "generate_dataset",
        "glyph_labels",
        "list_images",
        "load_dataset",
        "render_captcha",
    ),
    ".evaluation": (
        "AuditConfig",
        "AuditReport",
        "Evaluation",
        "ImageResult",
        "confusion_matrix",
        "coverage_curve",
        "edit_distance",
        "evaluate",
        "labels_needed",
        "run_audit",
        "selective_accuracy",
    ),
    ".reading": (
        "CaptchaReader",
        "CleaningChoice",
        "Learned",
        "ReaderConfig",
        "Reading",
        "WidthModel",
    ),
    ".reporting": tuple(_reporting_names),
    ".training": ("CheckpointError", "RoundReport", "pretrain", "train_reader"),
}

__getattr__ = lazy_exports(__name__, {n: home for home, names in _HOMES.items() for n in names})

__all__ = [
    "AuditConfig",
    "AuditReport",
    "CaptchaReader",
    "CheckpointError",
    "CleaningChoice",
    "Dataset",
    "DatasetError",
    "Evaluation",
    "ImageResult",
    "Learned",
    "ReaderConfig",
    "Reading",
    "RoundReport",
    "SynthConfig",
    "WidthModel",
    "confusion_matrix",
    "coverage_curve",
    "draw_overlay",
    "edit_distance",
    "evaluate",
    "generate_dataset",
    "glyph_labels",
    "labels_needed",
    "list_images",
    "load_dataset",
    "plot_confusion",
    "plot_coverage",
    "plot_learning_curve",
    "plot_positions",
    "plot_training",
    "pretrain",
    "render_captcha",
    "run_audit",
    "selective_accuracy",
    "train_reader",
    "write_audit",
    "write_overlays",
    "write_plots",
]
