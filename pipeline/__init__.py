"""Whole captchas: segment, classify, reassemble, search, score, debug overlays, CLI."""

# classifier imports TensorFlow with its start-up lines muted; it must come before any
# module of this package that imports keras.
import classifier as _classifier  # noqa: F401

from .audit import AuditConfig, AuditReport, labels_needed, run_audit
from .dataset import Dataset, glyph_labels, list_images, load_dataset
from .errors import CheckpointError, DatasetError, PathError
from .metrics import (
    Evaluation,
    ImageResult,
    confusion_matrix,
    coverage_curve,
    edit_distance,
    evaluate,
    selective_accuracy,
)
from .overlay import draw_overlay
from .plots import (
    plot_confusion,
    plot_coverage,
    plot_learning_curve,
    plot_positions,
    plot_training,
)
from .reader import CaptchaReader, Reading
from .report import write_audit, write_overlays, write_plots
from .synth import SynthConfig, generate_dataset, render_captcha
from .training import ReaderConfig, RoundReport
from .widths import WidthModel

__all__ = [
    "AuditConfig",
    "AuditReport",
    "CaptchaReader",
    "CheckpointError",
    "Dataset",
    "DatasetError",
    "Evaluation",
    "PathError",
    "ImageResult",
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
    "render_captcha",
    "run_audit",
    "selective_accuracy",
    "write_audit",
    "write_overlays",
    "write_plots",
]
