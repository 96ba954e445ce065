import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from charseg import ImageLoadError, load_pixels
from classifier import GlyphClassifier, ModelFileError, StripClassifier
from pipeline import CaptchaReader, DatasetError, ReaderConfig, evaluate, load_dataset
from pipeline.dataset import Dataset
from pipeline.search import _end_scores, decode, decode_batch, length_log_prior, score_windows
from pipeline.training import choose_decode_weight, decode_texts
from tests.conftest import TINY_READER


def test_tiny_training_learns_something(tiny_reader, tiny_dataset_dir):
    ds = load_dataset(tiny_dataset_dir)
    result, readings = evaluate(tiny_reader, ds, progress=False)
    assert tiny_reader.alphabet == "abcdx" and set(tiny_reader.lengths) == {3, 4}
    assert result.char_accuracy > 0.4  # chance is 0.2 per symbol
    assert 0 <= result.segmentation_success <= 1 and result.images_per_second > 0
    assert result.segmentation_errors + result.classification_errors == sum(
        not r.correct for r in result.results
    )
    assert len(result.position_accuracy) == 4
    reading = readings[0]
    assert len(reading.confidences) == len(reading.text) == len(reading.boxes)
    assert all(0 <= c <= 1 for c in reading.confidences)
    assert reading.confidence == pytest.approx(float(np.prod(reading.confidences)))


def test_glyph_network_reader_trains_saves_and_loads(tiny_dataset_dir, tmp_path):
    config = dataclasses.replace(
        TINY_READER, model=dataclasses.replace(TINY_READER.model, network="glyph")
    )
    ds = load_dataset(tiny_dataset_dir)
    reader = CaptchaReader(config)
    reader.train(ds, progress=False, log=lambda _m: None)
    assert isinstance(reader.classifier, GlyphClassifier)
    result, readings = evaluate(reader, ds, progress=False)
    assert result.char_accuracy > 0.4
    reader.save(tmp_path / "g.keras")
    again = CaptchaReader.load(tmp_path / "g.keras")
    assert isinstance(again.classifier, GlyphClassifier) and again.config.model.network == "glyph"
    assert [r.text for r in again.read(ds.paths)] == [r.text for r in readings]
    # The same seed trains the same network, augmentation included (its random draws once
    # depended on how the parallel input pipeline was scheduled: 28-86% of characters).
    twin = CaptchaReader(config)
    twin.train(ds, progress=False, log=lambda _m: None)
    assert [r.text for r in twin.read(ds.paths)] == [r.text for r in readings]


def test_save_load_gives_equal_readings(tiny_reader, tiny_model_file, tiny_dataset_dir):
    paths = load_dataset(tiny_dataset_dir).paths[:8]
    again = CaptchaReader.load(tiny_model_file)
    a, b = tiny_reader.read(paths), again.read(paths)
    assert [r.text for r in a] == [r.text for r in b]
    np.testing.assert_allclose([r.confidence for r in a], [r.confidence for r in b], atol=1e-5)
    assert again.config.segment == tiny_reader.config.segment
    assert again.decode_weight == tiny_reader.decode_weight is not None
    assert isinstance(again.classifier, StripClassifier)


def test_decode_weight_is_the_best_of_the_grid_on_training_data(tiny_reader, tiny_dataset_dir):
    ds = load_dataset(tiny_dataset_dir)
    prepared = tiny_reader.prepare(ds.paths)
    weights = (0.0, 0.5, 1.0, 40.0)
    by_weight = decode_texts(
        tiny_reader.classifier,
        prepared,
        tiny_reader.lengths,
        tiny_reader.widths,
        tiny_reader.config.segment,
        weights,
    )
    best, accuracy = choose_decode_weight(by_weight, ds.labels)
    assert set(accuracy) == set(weights) and all(0 <= a <= 1 for a in accuracy.values())
    top = max(accuracy.values())
    margin = np.sqrt(top * (1 - top) / len(prepared))
    assert accuracy[best] >= top - margin - 1e-12
    assert best == max(w for w in weights if accuracy[w] >= top - margin - 1e-12)
    # The accuracy under a weight is what reading with that weight gives.
    chosen = tiny_reader.decode_weight
    try:
        tiny_reader.decode_weight = 40.0
        texts = [r.text for r in tiny_reader.read_prepared(prepared)]
    finally:
        tiny_reader.decode_weight = chosen
    assert np.mean([t == y for t, y in zip(texts, ds.labels, strict=True)]) == pytest.approx(
        accuracy[40.0]
    )
    assert texts == by_weight[40.0]


def test_decode_weights_must_be_usable():
    with pytest.raises(ValueError, match="decode_weights"):
        ReaderConfig(decode_weights=())
    with pytest.raises(ValueError, match="decode_weights"):
        ReaderConfig(decode_weights=(0.5, -1.0))


def test_read_accepts_arrays_and_handles_blank_images(tiny_reader):
    blank = np.ones((32, 96), np.float32)
    reading = tiny_reader.read([blank, (blank * 255).astype(np.uint8)])
    assert [r.text for r in reading] == ["", ""] and reading[0].confidence == 0.0


def test_stream_yields_errors_in_place_and_read_raises(tiny_reader, tiny_dataset_dir, tmp_path):
    paths = load_dataset(tiny_dataset_dir).paths[:5]
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"not a png")
    files = [paths[0], bad, *paths[1:]]
    items = list(tiny_reader.read_stream(files, batch_size=2))
    assert isinstance(items[1], ImageLoadError) and "bad.png" in str(items[1])
    expected = tiny_reader.read(paths)
    assert [r.text for r in items[:1] + items[2:]] == [r.text for r in expected]
    with pytest.raises(ImageLoadError, match="bad.png"):
        tiny_reader.read(files)
    pixels = [load_pixels(p) for p in paths]
    assert [r.text for r in tiny_reader.read(pixels)] == [r.text for r in expected]


def test_batch_decoding_equals_one_image_at_a_time(tiny_reader, tiny_dataset_dir):
    prepared = tiny_reader.prepare(load_dataset(tiny_dataset_dir).paths[:12])
    lengths = [sorted(tiny_reader.lengths)] * len(prepared)
    scores = score_windows(tiny_reader.classifier, prepared, lengths, tiny_reader.config.segment)
    args = (tiny_reader.alphabet, length_log_prior(tiny_reader.lengths), tiny_reader._widths())
    together = decode_batch(scores, prepared, *args, width_weight=0.5)
    for sc, prep, found in zip(scores, prepared, together, strict=True):
        alone = decode(sc, prep, *args, width_weight=0.5)
        assert (alone.text, alone.score) == (found.text, found.score)
        assert np.array_equal(alone.cuts, found.cuts) and np.array_equal(alone.probs, found.probs)


def test_lengths_compete_by_total_score_plus_length_prior(tiny_reader, tiny_dataset_dir):
    prepared = tiny_reader.prepare(load_dataset(tiny_dataset_dir).paths[:12])
    lengths = sorted(tiny_reader.lengths)
    scores = score_windows(
        tiny_reader.classifier, prepared, [lengths] * len(prepared), tiny_reader.config.segment
    )
    prior = length_log_prior(tiny_reader.lengths)
    widths = tiny_reader._widths()
    found = decode_batch(scores, prepared, tiny_reader.alphabet, prior, widths, width_weight=0.0)
    for n, best in enumerate(found):
        # Without the width prior a reading's score is its summed log-probability...
        total = float(np.log(best.probs).sum()) + prior[len(best.text)]
        assert best.score == pytest.approx(total, abs=1e-4)
        # ...and it is the best over the lengths, each decoded alone.
        alone = [
            decode(
                scores[n],
                prepared[n],
                tiny_reader.alphabet,
                {k: prior[k]},
                widths,
                width_weight=0.0,
            ).score
            for k in lengths
        ]
        assert best.score == pytest.approx(max(alone))


def test_ink_beyond_the_end_zones_may_be_left_as_junk_at_the_reject_cost(
    tiny_reader, tiny_dataset_dir
):
    prepared = tiny_reader.prepare(load_dataset(tiny_dataset_dir).paths[:6])
    lengths = [sorted(tiny_reader.lengths)] * len(prepared)
    scores = score_windows(tiny_reader.classifier, prepared, lengths, tiny_reader.config.segment)
    m = max(len(p.candidates) for p in prepared)
    starts, ends = _end_scores(scores, prepared, m)
    assert tiny_reader.classifier.reject
    for row, (sc, prep) in enumerate(zip(scores, prepared, strict=True)):
        last = len(prep.candidates) - 1
        expected_start, expected_end = np.full(m, -np.inf), np.full(m, -np.inf)
        for i, j, rej in zip(sc.i, sc.j, sc.log_reject, strict=True):
            if i == 0:
                expected_start[j] = rej
            if j == last:
                expected_end[i] = rej
        expected_start[prep.starts], expected_end[prep.ends] = 0.0, 0.0
        assert np.array_equal(starts[row], expected_start)
        assert np.array_equal(ends[row], expected_end)
        assert np.all(starts[row][np.isfinite(starts[row])] <= 0)


def test_untrained_reader_and_bad_inputs(tiny_reader, tiny_dataset_dir, tmp_path):
    with pytest.raises(RuntimeError, match="not trained"):
        CaptchaReader().read([np.ones((10, 10))])
    with pytest.raises(ValueError, match="image must have shape"):
        tiny_reader.read([np.ones(5)])
    path = load_dataset(tiny_dataset_dir).paths[0]
    with pytest.raises(DatasetError, match="symbols the model does not know"):
        evaluate(tiny_reader, Dataset([path], ["abQ"]), progress=False)
    with pytest.raises(DatasetError, match="at least 2"):
        CaptchaReader().train(Dataset([path], ["aaa"]), progress=False)


def test_glyph_classifier_file_is_not_a_reader(tmp_path, tiny_reader):
    tiny_reader.classifier.save(tmp_path / "glyphs.keras")
    with pytest.raises(ModelFileError, match="not a whole-captcha reader"):
        CaptchaReader.load(tmp_path / "glyphs.keras")


@settings(max_examples=15, deadline=None, derandomize=True)
@given(
    height=st.integers(2, 120),
    width=st.integers(2, 400),
    colour=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_reading_random_images_never_crashes(tiny_reader, height, width, colour, seed):
    rng = np.random.default_rng(seed)
    image = rng.random((height, width, 3) if colour else (height, width)).astype(np.float32)
    image[:, : width // 3] = 1.0  # a blank part, as captchas have
    (reading,) = tiny_reader.read([image])
    assert set(reading.text) <= set(tiny_reader.alphabet)
    assert len(reading.confidences) == len(reading.text) == len(reading.boxes)
    for top, left, bottom, right in reading.boxes:
        assert 0 <= top < bottom <= height and 0 <= left < right <= width
