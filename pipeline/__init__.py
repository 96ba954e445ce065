"""Whole captchas: segment, classify, reassemble, search, score, debug overlays, CLI."""

from .dataset import Dataset, DatasetError, list_images, load_dataset
from .metrics import Evaluation, ImageResult, edit_distance, evaluate
from .overlay import draw_overlay
from .reader import CaptchaReader, Reading
from .synth import SynthConfig, generate_dataset, render_captcha
from .training import ReaderConfig, RoundReport
from .widths import WidthModel

__all__ = [
    "CaptchaReader",
    "Dataset",
    "DatasetError",
    "Evaluation",
    "ImageResult",
    "ReaderConfig",
    "Reading",
    "RoundReport",
    "SynthConfig",
    "WidthModel",
    "draw_overlay",
    "edit_distance",
    "evaluate",
    "generate_dataset",
    "list_images",
    "load_dataset",
    "render_captcha",
]
