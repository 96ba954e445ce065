"""Image preparation and segmentation of text captchas: load, clean, strip, cut."""

from .clean import (
    BINARIZERS,
    CleanConfig,
    Cleaned,
    binarize,
    clean,
    ink_map,
    keep_substantial,
    remove_specks,
    remove_thin_lines,
    stroke_width,
)
from .cuts import candidate_cuts, window_pairs
from .errors import ImageLoadError
from .load import MAX_PIXELS, load_image, load_pixels
from .search import best_path, best_paths
from .segment import (
    Prepared,
    Segmentation,
    SegmentConfig,
    allowed_windows,
    boxes_from_cuts,
    cut_cost_scores,
    guess_count,
    model_free_cuts,
    prepare,
    segment,
)
from .strip import Strip, make_strip, tighten, window

__all__ = [
    "allowed_windows",
    "BINARIZERS",
    "CleanConfig",
    "Cleaned",
    "ImageLoadError",
    "MAX_PIXELS",
    "Prepared",
    "SegmentConfig",
    "Segmentation",
    "Strip",
    "best_path",
    "best_paths",
    "binarize",
    "boxes_from_cuts",
    "candidate_cuts",
    "clean",
    "cut_cost_scores",
    "guess_count",
    "ink_map",
    "keep_substantial",
    "load_image",
    "load_pixels",
    "make_strip",
    "model_free_cuts",
    "prepare",
    "remove_specks",
    "remove_thin_lines",
    "segment",
    "stroke_width",
    "tighten",
    "window",
    "window_pairs",
]
