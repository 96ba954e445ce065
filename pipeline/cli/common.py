"""What the subcommands share: argument errors, paths, logging and exit statuses."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from tqdm import tqdm

from charseg import ImageLoadError, load_image

from ..data import list_images

__all__ = ["UsageError", "exit_status", "expand", "logger", "model_path", "read_good"]


class UsageError(ValueError):
    """A command-line argument that cannot be used."""


def model_path(raw: str) -> Path:
    """The output model path, checked before any training starts."""
    path = Path(raw)
    if path.suffix != ".keras":
        raise UsageError(f"--model {path} must end in .keras")
    return path


def logger(quiet: bool) -> Callable[[str], None]:
    """Round and progress messages to stderr, or nowhere with --quiet."""
    return (lambda _msg: None) if quiet else (lambda msg: tqdm.write(msg, file=sys.stderr))


def expand(paths: Sequence[str], *, recursive: bool = False) -> list[Path]:
    """Files as given, folders replaced by the images inside them (and their subfolders)."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        out.extend(list_images(path, recursive=recursive) if path.is_dir() else [path])
    return out


def read_good(paths: Sequence[Path]) -> tuple[list[Path], list[np.ndarray], int]:
    """Load every readable image, reporting each bad one on stderr."""
    good, images, bad = [], [], 0
    for path in paths:
        try:
            images.append(load_image(path))
            good.append(path)
        except ImageLoadError as err:
            print(f"error: {err}", file=sys.stderr)
            bad += 1
    return good, images, bad


def exit_status(good: int, bad: int) -> int:
    """0 when every file was read, 1 when some were bad, 2 when none could be read.

    Examples
    --------
    >>> exit_status(3, 0), exit_status(3, 1), exit_status(0, 2)
    (0, 1, 2)
    """
    if bad and not good:
        return 2
    return 1 if bad else 0
