"""Corrupted files and odd arrays: nothing but the library's own errors may come out."""

import io

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from charseg import ImageLoadError, SegmentConfig, load_image, prepare

FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def _valid_bytes(fmt: str) -> bytes:
    rng = np.random.default_rng(1)
    image = np.full((40, 120, 3), 235, np.uint8)
    image[10:30, 10:110] = rng.integers(0, 120, (20, 100, 3))
    buffer = io.BytesIO()
    Image.fromarray(image).convert("P" if fmt == "GIF" else "RGB").save(buffer, fmt)
    return buffer.getvalue()


ORIGINALS = {fmt: _valid_bytes(fmt) for fmt in ("PNG", "JPEG", "GIF", "BMP")}


@FUZZ
@given(
    fmt=st.sampled_from(sorted(ORIGINALS)),
    edits=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), min_size=1, max_size=8),
    cut=st.floats(0.05, 1.0),
)
def test_corrupted_files_load_or_raise_image_load_error(tmp_path, fmt, edits, cut):
    data = bytearray(ORIGINALS[fmt])
    for where, value in edits:
        data[min(int(where * len(data)), len(data) - 1)] = value
    path = tmp_path / f"fuzz.{fmt.lower()}"
    path.write_bytes(bytes(data[: max(1, int(cut * len(data)))]))
    try:
        image = load_image(path)
    except ImageLoadError as err:
        assert "fuzz." in str(err)
        return
    assert image.ndim == 3 and image.dtype == np.float32
    assert np.isfinite(image).all() and image.min() >= 0 and image.max() <= 1
    prepared = prepare(image, SegmentConfig())
    assert prepared.strip.channels.shape[0] == SegmentConfig().strip.height


@FUZZ
@given(
    height=st.integers(2, 80),
    width=st.integers(2, 300),
    colour=st.booleans(),
    kind=st.sampled_from(["random", "blank", "black", "stripes"]),
)
def test_prepare_handles_any_image_content(height, width, colour, kind):
    rng = np.random.default_rng(height * 1000 + width)
    shape = (height, width, 3) if colour else (height, width)
    if kind == "random":
        image = rng.random(shape, dtype=np.float32)
    elif kind == "blank":
        image = np.ones(shape, np.float32)
    elif kind == "black":
        image = np.zeros(shape, np.float32)
    else:
        image = np.ones(shape, np.float32)
        image[:, ::3] = 0
    prepared = prepare(image, SegmentConfig())
    cands = prepared.candidates
    assert len(cands) >= 2
    # An image without text ink has an empty strip and one degenerate window.
    assert np.all(np.diff(cands) > 0) or (prepared.strip.empty and np.all(cands == cands[0]))
    assert cands[0] >= 0 and cands[-1] <= prepared.strip.channels.shape[1]


@pytest.mark.parametrize("shape", [(0, 10), (10, 0), (5,), (2, 2, 2, 2)])
def test_prepare_rejects_arrays_of_the_wrong_shape(shape):
    with pytest.raises(ValueError, match="image"):
        prepare(np.ones(shape, np.float32), SegmentConfig())
