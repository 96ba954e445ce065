"""Per-character CNNs (the strip network and the glyph network): glyph normalization,
models, augmentation, training, model files."""

from ._quiet import import_tensorflow_quietly

import_tensorflow_quietly()

from .augment import AugmentConfig, make_augmenter
from .errors import ModelFileError
from .glyphs import normalize_glyph, normalize_glyphs
from .model import ModelConfig, build_model
from .model_file import FORMAT_VERSION, load_model_file, read_metadata, save_model_file
from .predictor import GlyphClassifier
from .strip_classifier import StripClassifier, load_classifier, padded_width
from .strip_net import WindowSample, build_strip_model
from .train import TrainConfig, fit, fit_windows
from .transfer import transfer_weights

__all__ = [
    "AugmentConfig",
    "FORMAT_VERSION",
    "GlyphClassifier",
    "ModelConfig",
    "ModelFileError",
    "StripClassifier",
    "TrainConfig",
    "WindowSample",
    "build_model",
    "build_strip_model",
    "fit",
    "fit_windows",
    "load_classifier",
    "load_model_file",
    "make_augmenter",
    "normalize_glyph",
    "normalize_glyphs",
    "padded_width",
    "read_metadata",
    "save_model_file",
    "transfer_weights",
]
