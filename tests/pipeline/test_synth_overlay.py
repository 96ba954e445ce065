import numpy as np
import pytest

from charseg import segment
from pipeline import SynthConfig, draw_overlay, generate_dataset, load_dataset, render_captcha


@pytest.mark.parametrize(
    "config",
    [
        SynthConfig(),
        SynthConfig(width=72, height=24, colour=True),
        SynthConfig(ripple=0.08, hollow=1.0, lines=3, noise=0.05),
    ],
)
def test_render_has_requested_size_and_ink(config):
    img = render_captcha("ab3x", config, np.random.default_rng(0))
    assert img.shape == (config.height, config.width, 3) and img.dtype == np.uint8
    assert img.min() < 120 < img.max()


def test_generated_dataset_reads_back_with_labels(tmp_path):
    config = SynthConfig(alphabet="ab", min_length=2, max_length=3)
    paths = generate_dataset(tmp_path, 30, config, seed=0, progress=False)
    ds = load_dataset(tmp_path)
    assert len(ds) == len(paths) == 30 and set(ds.lengths) <= {2, 3} and ds.alphabet == "ab"


def test_bad_synth_config():
    with pytest.raises(ValueError, match="min_length"):
        SynthConfig(min_length=3, max_length=2)
    with pytest.raises(ValueError, match="alphabet"):
        SynthConfig(alphabet="a")
    with pytest.raises(ValueError, match="too small"):
        SynthConfig(width=4)
    with pytest.raises(ValueError, match="count"):
        generate_dataset("unused", 0)


def test_overlay_shows_cuts_and_marks_errors():
    img = render_captcha("abc", SynthConfig(), np.random.default_rng(1)).astype(np.float32) / 255
    seg = segment(img, 3)
    plain = draw_overlay(img, seg.prepared, seg.cuts)
    wrong = draw_overlay(
        img, seg.prepared, seg.cuts, text="abd", confidences=[0.9, 0.8, 0.2], truth="abc"
    )
    assert plain.dtype == np.uint8 and plain.ndim == 3 and plain.shape[1] == wrong.shape[1]
    red = (wrong[:, :, 0] > 200) & (wrong[:, :, 1] < 40) & (wrong[:, :, 2] < 40)
    assert red.sum() > 20  # the wrong glyph and caption are drawn in red
    blue = (plain[:, :, 0] < 40) & (plain[:, :, 2] > 200)
    assert blue.sum() > 50  # bold cut lines


def test_overlay_caption_names_what_read_it():
    img = render_captcha("abc", SynthConfig(), np.random.default_rng(1)).astype(np.float32) / 255
    seg = segment(img, 3)
    kwargs = {"text": "abc", "confidences": [0.9, 0.8, 0.7]}
    plain = draw_overlay(img, seg.prepared, seg.cuts, **kwargs)
    noted = draw_overlay(img, seg.prepared, seg.cuts, read_by="first pass", **kwargs)
    assert plain.shape == noted.shape
    changed = np.argwhere(np.any(plain != noted, axis=2))
    assert len(changed) > 20 and changed[:, 0].min() > plain.shape[0] - 24  # caption line only
