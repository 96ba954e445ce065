"""Session fixtures: a small generated dataset and one tiny reader trained on it."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from classifier import ModelConfig  # noqa: E402
from pipeline import (  # noqa: E402
    ReaderConfig,
    SynthConfig,
    generate_dataset,
    load_dataset,
    train_reader,
)

TINY_SYNTH = SynthConfig(
    width=96,
    height=32,
    alphabet="abcdx",
    min_length=3,
    max_length=4,
    rotation=5,
    overlap=0.0,
    lines=0,
    noise=0.0,
)
TINY_READER = ReaderConfig(
    model=ModelConfig(filters=(8, 16), dense=32),
    rounds=2,
    settled=0.0,
    epochs=15,
    refine_epochs=4,
    min_steps=0,
    class_views=0,
    copies=1,
)


@pytest.fixture(scope="session")
def tiny_dataset_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiny")
    generate_dataset(folder, 60, TINY_SYNTH, seed=3, progress=False)
    return folder


@pytest.fixture(scope="session")
def tiny_reader(tiny_dataset_dir):
    return train_reader(
        load_dataset(tiny_dataset_dir), TINY_READER, progress=False, log=lambda _m: None
    )


@pytest.fixture(scope="session")
def tiny_model_file(tiny_reader, tmp_path_factory):
    path = tmp_path_factory.mktemp("model") / "tiny.keras"
    tiny_reader.save(path)
    return path


def text_image(
    width: int = 60,
    height: int = 20,
    columns: tuple[tuple[int, int], ...] = ((5, 15),),
    rows: tuple[int, int] = (4, 16),
) -> np.ndarray:
    """White float RGB image with black bars at the given column ranges."""
    img = np.ones((height, width, 3), np.float32)
    for lo, hi in columns:
        img[rows[0] : rows[1], lo:hi] = 0.0
    return img
