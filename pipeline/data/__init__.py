"""Labelled captcha datasets on disk, and the project's own captcha generator."""

from .dataset import (
    IMAGE_SUFFIXES,
    Dataset,
    DatasetError,
    glyph_labels,
    label_from_stem,
    list_images,
    load_dataset,
)
from .synth import SynthConfig, font_files, generate_dataset, random_label, render_captcha

__all__ = [
    "IMAGE_SUFFIXES",
    "Dataset",
    "DatasetError",
    "SynthConfig",
    "font_files",
    "generate_dataset",
    "glyph_labels",
    "label_from_stem",
    "list_images",
    "load_dataset",
    "random_label",
    "render_captcha",
]
