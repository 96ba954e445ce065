"""Labelled captcha datasets: a folder of `<label>.png` files or a folder with `labels.csv`."""

from __future__ import annotations

import csv
import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from charseg import PathError

__all__ = [
    "Dataset",
    "DatasetError",
    "IMAGE_SUFFIXES",
    "glyph_labels",
    "load_dataset",
    "list_images",
]

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp")
_DUPLICATE = re.compile(r"_\d+$")


class DatasetError(PathError):
    """A dataset folder or label file cannot be used."""


@dataclass(frozen=True)
class Dataset:
    """Image paths and their whole-string labels.

    Attributes
    ----------
    paths : list of Path
    labels : list of str
    """

    paths: list[Path]
    labels: list[str]

    def __post_init__(self) -> None:
        if len(self.paths) != len(self.labels):
            raise ValueError("paths and labels differ in length")

    def __len__(self) -> int:
        return len(self.paths)

    @property
    def alphabet(self) -> str:
        """Sorted symbols used by the labels."""
        return "".join(sorted(set("".join(self.labels))))

    @property
    def lengths(self) -> Counter[int]:
        """How many labels have each length."""
        return Counter(len(label) for label in self.labels)

    def subset(self, index: np.ndarray | list[int]) -> Dataset:
        """The images at `index`, in that order."""
        return Dataset([self.paths[i] for i in index], [self.labels[i] for i in index])

    def split(self, fraction: float, *, seed: int = 0) -> tuple[Dataset, Dataset]:
        """Random (rest, held-out) split with `fraction` of the images held out."""
        if not 0.0 <= fraction < 1.0:
            raise ValueError(f"fraction={fraction} must be in [0, 1)")
        order = np.random.default_rng(seed).permutation(len(self))
        n_out = int(round(fraction * len(self)))
        return self.subset(np.sort(order[n_out:])), self.subset(np.sort(order[:n_out]))


def list_images(folder: str | os.PathLike[str], *, recursive: bool = False) -> list[Path]:
    """Image files inside `folder` (and, if `recursive`, its subfolders), sorted by path.

    Raises
    ------
    DatasetError
        `folder` is not a folder.
    """
    if not Path(folder).is_dir():
        raise DatasetError(folder, "folder does not exist")
    found = Path(folder).rglob("*") if recursive else Path(folder).iterdir()
    return sorted(p for p in found if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)


def label_from_stem(path: Path) -> str:
    """The label of `abc12.png` or of its duplicate `abc12_3.png`."""
    return _DUPLICATE.sub("", path.stem)


def load_dataset(path: str | os.PathLike[str]) -> Dataset:
    """Load a dataset folder.

    If the folder holds `labels.csv` (columns ``filename,label``, a header row optional), it
    gives the labels; otherwise each image's file stem is its label, with a trailing ``_N``
    marking another image of the same label.

    Raises
    ------
    DatasetError
        Missing folder, no images, empty labels, or a CSV naming missing files.
    """
    folder = Path(path)
    if not folder.is_dir():
        raise DatasetError(folder, "dataset folder does not exist")
    csv_path = folder / "labels.csv"
    if csv_path.is_file():
        paths, labels = _read_csv(csv_path)
    else:
        paths = list_images(folder)
        labels = [label_from_stem(p) for p in paths]
    if not paths:
        raise DatasetError(folder, f"no images found (looked for {', '.join(IMAGE_SUFFIXES)})")
    for p, label in zip(paths, labels, strict=True):
        if not label:
            raise DatasetError(p, "empty label")
    return Dataset(paths, labels)


def glyph_labels(paths: list[Path], source: str | os.PathLike[str]) -> list[str]:
    """One-symbol labels of pre-cut glyph images.

    `source` is ``"folders"`` (each glyph's folder name is its label) or a CSV of
    ``filename,label`` rows with file names relative to the CSV's folder.

    Raises
    ------
    DatasetError
        A glyph without a label, or a label that is not exactly one symbol.
    """
    if str(source) == "folders":
        found = {p.resolve(): p.parent.name for p in paths}
    else:
        csv_paths, csv_labels = _read_csv(Path(source))
        found = {p.resolve(): label for p, label in zip(csv_paths, csv_labels, strict=True)}
    labels = []
    for p in paths:
        label = found.get(p.resolve())
        if label is None:
            raise DatasetError(p, f"no label for this glyph in {source}")
        if len(label) != 1:
            raise DatasetError(p, f"a glyph label must be one symbol, got {label!r}")
        labels.append(label)
    return labels


def _read_csv(csv_path: Path) -> tuple[list[Path], list[str]]:
    paths: list[Path] = []
    labels: list[str] = []
    with open(csv_path, newline="", encoding="utf-8") as handle:
        for row_no, row in enumerate(csv.reader(handle), start=1):
            if not row or all(not cell.strip() for cell in row):
                continue
            if len(row) < 2:
                raise DatasetError(csv_path, f"line {row_no}: expected 'filename,label'")
            name, label = row[0].strip(), row[1].strip()
            if row_no == 1 and (name.lower(), label.lower()) == ("filename", "label"):
                continue
            image = csv_path.parent / name
            if not image.is_file():
                raise DatasetError(csv_path, f"line {row_no}: image {name!r} does not exist")
            paths.append(image)
            labels.append(label)
    return paths, labels
