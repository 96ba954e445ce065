import numpy as np
import pytest

from pipeline import SynthConfig, generate_dataset, load_dataset, render_captcha
from pipeline.data import font_files


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


def test_a_thick_line_darkens_more_pixels_than_a_thin_one():
    thin, thick = (
        SynthConfig(lines=1, noise=0.0, rotation=0.0, line_width=width) for width in (0.04, 0.2)
    )
    dark = []
    for config in (thin, thick):
        # Seeds that draw a line: the same text, place and line for both widths.
        images = [render_captcha("ab", config, np.random.default_rng(s)) for s in range(6)]
        dark.append(sum(int((img.mean(axis=2) < 100).sum()) for img in images))
    assert dark[1] > 1.3 * dark[0]


def test_pale_glyphs_are_lighter():
    dark, pale = (SynthConfig(lines=0, noise=0.0, pale=p) for p in (0.0, 1.0))
    darkest = [
        [int(render_captcha("ab3x", c, np.random.default_rng(s)).min()) for s in range(5)]
        for c in (dark, pale)
    ]
    assert max(darkest[0]) < 90 <= min(darkest[1])


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
    with pytest.raises(ValueError, match="pale"):
        SynthConfig(pale=1.5)
    with pytest.raises(ValueError, match="line_width"):
        SynthConfig(line_width=0.0)
    with pytest.raises(ValueError, match="count"):
        generate_dataset("unused", 0)


def test_fonts_are_found_without_importing_matplotlib():
    fonts = font_files()
    assert len(fonts) >= 5 and all(f.endswith(".ttf") for f in fonts)
