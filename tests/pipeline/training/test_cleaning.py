import dataclasses

import numpy as np
import pytest
from PIL import Image

from charseg import (
    CleanConfig,
    StripConfig,
    load_image,
    median_stroke_loss,
    prepare,
    without_steps,
)
from pipeline import CaptchaReader, load_dataset, train_reader
from pipeline.reading import CleaningChoice
from pipeline.training import Checkpoint, choose_cleaning, choose_extent
from pipeline.training.cleaning import markedly_more
from tests.conftest import TINY_READER
from tests.pipeline.training.test_checkpoint import _interrupt_after

QUICK = dataclasses.replace(TINY_READER, rounds=1, epochs=2)


def _hairline_captchas(folder, count=6):
    """Captchas whose glyphs are a thick bar with hairlines joined to it."""
    for n in range(count):
        pixels = np.full((32, 96), 255, np.uint8)
        for x in (10, 40, 70):
            pixels[6:26, x + n % 3 : x + n % 3 + 3] = 0
            pixels[8:24:3, x - 6 : x + 10] = 0  # 1-pixel rungs across the bar
        Image.fromarray(pixels).save(folder / f"{'ab'[n % 2]}{'ba'[n % 2]}a_{n}.png")
    return load_dataset(folder)


def _bars(folder, *, thin_glyph: bool, line: bool, count=6):
    """Captchas of three glyphs 5 pixels thick; with `thin_glyph` the middle one is drawn
    with 2-pixel strokes, with `line` a 2-pixel strike line crosses them all."""
    for n in range(count):
        pixels = np.full((32, 96), 255, np.uint8)
        for x in (10, 70):
            pixels[6:26, x + n % 3 : x + n % 3 + 5] = 0
        if thin_glyph:
            pixels[6:26, 40:42] = 0
            pixels[24:26, 40:52] = 0
        else:
            pixels[6:26, 40:45] = 0
        if line:
            pixels[15:17, 2:94] = 0
        Image.fromarray(pixels).save(folder / f"{'ab'[n % 2]}{'ba'[n % 2]}a_{n}.png")
    return load_dataset(folder)


def test_the_median_is_turned_off_where_it_erodes_glyph_strokes(tmp_path, tiny_dataset_dir):
    messages = []
    hairline = _hairline_captchas(tmp_path)
    name, clean, figures = choose_cleaning(hairline, QUICK, messages.append)
    assert name == "without median denoising" and clean.denoise == 0
    assert figures["stroke_loss"] > 0.25
    assert "erode" in messages[0] and "hairline" in messages[0]
    solid = load_dataset(tiny_dataset_dir)  # thick strokes: the median keeps them
    messages.clear()
    _, _, figures = choose_cleaning(solid, QUICK, messages.append)
    assert figures["stroke_loss"] < 0.25 and not any("hairline" in m for m in messages)


def test_line_removal_is_turned_off_where_it_takes_whole_glyphs(tmp_path):
    (tmp_path / "thin").mkdir()
    messages = []
    thin = _bars(tmp_path / "thin", thin_glyph=True, line=False)
    name, clean, figures = choose_cleaning(thin, QUICK, messages.append)
    assert name == "without line removal" and not clean.remove_lines and clean.denoise == 3
    shares = figures["split_share"]
    assert shares["as configured"] == 0.0 and shares["without line removal"] == 1.0
    assert "one run of text columns per character" in messages[-1]


def test_line_removal_stays_where_strike_lines_join_the_glyphs(tmp_path):
    (tmp_path / "lined").mkdir()
    lined = _bars(tmp_path / "lined", thin_glyph=False, line=True)
    name, clean, figures = choose_cleaning(lined, QUICK, print)
    assert name == "as configured" and clean == QUICK.segment.clean
    assert figures["split_share"]["as configured"] == 1.0
    assert figures["split_share"]["without line removal"] == 0.0


def _coloured_bars(folder, *, glyph_colours, count=6):
    """Captchas of three bars 9 pixels thick on white, the bars in `glyph_colours` (one
    colour per bar, in turn), joined by a blue strike line too thick for line removal."""
    for n in range(count):
        pixels = np.full((32, 96, 3), 255, np.uint8)
        pixels[12:19, 12:78] = (40, 60, 220)
        for k, x in enumerate((10, 40, 70)):
            pixels[5:27, x + n % 3 : x + n % 3 + 9] = glyph_colours[k % len(glyph_colours)]
        Image.fromarray(pixels).save(folder / f"{'ab'[n % 2]}{'ba'[n % 2]}a_{n}.png")
    return load_dataset(folder)


def test_ink_is_keyed_to_the_main_colour_where_lines_are_drawn_in_another(tmp_path):
    (tmp_path / "one").mkdir()
    messages = []
    one = _coloured_bars(tmp_path / "one", glyph_colours=[(200, 30, 30)])
    name, clean, figures = choose_cleaning(one, QUICK, messages.append)
    assert name == "ink of the main colour only" and clean.main_colour
    assert figures["split_share"]["ink of the main colour only"] == 1.0
    assert figures["split_share"]["as configured"] == 0.0
    assert "ink of the main colour only" in messages[-1]
    (tmp_path / "many").mkdir()  # each glyph its own colour: keying drops two of three
    many = _coloured_bars(tmp_path / "many", glyph_colours=[(200, 30, 30), (30, 150, 30)])
    name, clean, figures = choose_cleaning(many, QUICK, messages.append)
    assert not clean.main_colour and "ink of every colour kept" in messages[-1]
    gray = _bars(tmp_path, thin_glyph=False, line=True)  # no colour: nothing to key
    _, clean, figures = choose_cleaning(gray, QUICK, print)
    assert not clean.main_colour and "ink of the main colour only" not in figures["split_share"]


def test_a_gain_the_samples_luck_explains_changes_nothing():
    choice = CleaningChoice(min_split_gain=0.04, min_split_z=2.5)
    base = np.zeros(400, bool)
    steady = base.copy()
    steady[:24] = True  # 24 images more, none fewer: 6%, 5 standard errors
    assert markedly_more(steady, base, choice)
    churn_base, churn = base.copy(), base.copy()
    churn[:124] = True  # 124 more and 100 fewer: the same 6%, 1.6 standard errors
    churn_base[300:] = True
    assert not markedly_more(churn, churn_base, choice)
    small = base.copy()
    small[:8] = True  # 2%, 2.9 standard errors but below the smallest gain
    assert not markedly_more(small, base, choice)


def test_no_choice_when_it_is_off_or_there_is_no_median(tmp_path):
    hairline = _hairline_captchas(tmp_path)
    off = dataclasses.replace(QUICK, cleaning=CleaningChoice(choose=False))
    name, clean, figures = choose_cleaning(hairline, off, print)
    assert (name, clean) == ("as configured", QUICK.segment.clean)
    assert figures == {"stroke_loss": None, "split_share": {}}
    plain = without_steps(QUICK.segment.clean, ["median denoising"])
    no_median = dataclasses.replace(QUICK, segment=dataclasses.replace(QUICK.segment, clean=plain))
    name, _, figures = choose_cleaning(hairline, no_median, print)
    assert figures["stroke_loss"] is None
    assert set(figures["split_share"]) == {"as configured", "without line removal"}


def test_stroke_loss_ignores_specks_the_median_removes_whole():
    img = np.ones((40, 80))
    img[5:35, 30:36] = 0  # a stroke 6 pixels wide
    clean_loss = median_stroke_loss(img)
    img[2:38:4, 50:78:4] = 0  # isolated 1-pixel dots: noise
    assert median_stroke_loss(img) == pytest.approx(clean_loss)
    assert median_stroke_loss(img, CleanConfig(denoise=0)) == 0.0


def test_an_unknown_step_is_named():
    with pytest.raises(ValueError, match="no cleaning step 'blur'"):
        without_steps(CleanConfig(), ["blur"])


def test_training_stores_the_chosen_cleaning_in_the_model_file(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    dataset = _hairline_captchas(folder, 8)
    messages = []
    reader = train_reader(dataset, QUICK, progress=False, log=messages.append)
    assert reader.history["cleaning"]["chosen"] == "without median denoising"
    assert reader.config.segment.clean.denoise == 0 and not reader.config.cleaning.choose
    reader.save(tmp_path / "r.keras")
    loaded = CaptchaReader.load(tmp_path / "r.keras")
    assert loaded.config.segment.clean.denoise == 0
    assert loaded.history["cleaning"]["stroke_loss"] > 0.25


def test_a_resumed_run_keeps_the_cleaning_its_checkpoint_chose(
    tmp_path, tiny_dataset_dir, monkeypatch
):
    dataset = load_dataset(tiny_dataset_dir)
    folder = tmp_path / "run.ckpt"
    with monkeypatch.context() as patch:
        _interrupt_after(patch, (0, 1))
        with pytest.raises(KeyboardInterrupt):
            train_reader(dataset, QUICK, progress=False, log=print, checkpoint=folder)
    assert Checkpoint(folder).load_cleaning()["chosen"] == choose_cleaning(dataset, QUICK, print)[0]
    saved = {
        "chosen": "given",
        "settings": dataclasses.asdict(CleanConfig(denoise=5)),
        "stroke_loss": None,
        "split_share": {},
        "extent": "tall ink",
        "strip": dataclasses.asdict(StripConfig(tall_fraction=0.4)),
        "width_spread": None,
    }
    Checkpoint(folder).save_cleaning(saved)
    messages = []
    reader = train_reader(
        dataset, QUICK, progress=False, log=messages.append, checkpoint=folder, resume=True
    )
    assert reader.config.segment.clean.denoise == 5
    assert reader.config.segment.strip.tall_fraction == 0.4
    assert reader.history["cleaning"]["chosen"] == "given"
    assert reader.history["cleaning"]["extent"] == "tall ink"
    assert not any(m.startswith(("cleaning", "text extent")) for m in messages)


def _wave_captchas(folder, count=12):
    """Three tall glyphs on a thick line that runs past them by a different length in each
    image (as a wave's tails do)."""
    rng = np.random.default_rng(0)
    for n in range(count):
        pixels = np.full((40, 160), 255, np.uint8)
        for x in (55, 75, 95):
            pixels[8:32, x : x + 10] = 0
        pixels[18:23, rng.integers(2, 50) : rng.integers(110, 158)] = 0
        Image.fromarray(pixels).save(folder / f"{'ab'[n % 2]}{'ba'[n % 2]}a_{n}.png")
    return load_dataset(folder)


def test_the_text_extent_leaves_out_a_thick_lines_tails_where_they_vary(tmp_path, tiny_dataset_dir):
    messages = []
    waves = _wave_captchas(tmp_path)
    name, strip, spread = choose_extent(waves, QUICK, QUICK.segment.clean, messages.append)
    assert name == "tall ink" and strip.tall_fraction == QUICK.cleaning.tall_fraction
    assert spread["tall ink"] < 0.5 * spread["as configured"]
    assert messages[0].startswith("text extent: tall ink")
    prepared = prepare(load_image(waves.paths[0]), dataclasses.replace(QUICK.segment, strip=strip))
    tail_free = prepared.strip.to_source_cols(np.array([prepared.strip.start, prepared.strip.end]))
    assert abs(tail_free[0] - 55) <= 2 and abs(tail_free[1] - 105) <= 2
    solid = load_dataset(tiny_dataset_dir)
    name, strip, _ = choose_extent(solid, QUICK, QUICK.segment.clean, messages.append)
    assert name == "as configured" and strip == QUICK.segment.strip
    off = dataclasses.replace(QUICK, cleaning=CleaningChoice(choose=False))
    assert choose_extent(waves, off, QUICK.segment.clean, print) == (
        "as configured",
        QUICK.segment.strip,
        None,
    )
