"""Reading captchas: window scores, the search over cuts, readings, the reader and its file."""

from .config import CleaningChoice, ReaderConfig, WidthLearning, config_from_dict
from .decode import Decoded, align, decode, decode_batch, length_log_prior
from .images import ImageInput, prepare_batch, prepare_images
from .learned import Learned
from .reader import CaptchaReader, Reading
from .scores import WindowScores, allowed_union, score_windows, window_inputs
from .widths import WidthModel

__all__ = [
    "CaptchaReader",
    "CleaningChoice",
    "Decoded",
    "ImageInput",
    "Learned",
    "ReaderConfig",
    "Reading",
    "WidthLearning",
    "WidthModel",
    "WindowScores",
    "align",
    "allowed_union",
    "config_from_dict",
    "decode",
    "decode_batch",
    "length_log_prior",
    "prepare_batch",
    "prepare_images",
    "score_windows",
    "window_inputs",
]
