import copy

import numpy as np
import pytest

from charseg import model_free_cuts
from pipeline import CaptchaReader, load_dataset
from pipeline.first_pass import choose_threshold, first_readings
from pipeline.search import Decoded


def _reading(text, low):
    return Decoded(text, np.array([low, 1.0]), np.arange(3), low)


def test_threshold_is_the_lowest_with_only_right_unchanged_readings_trusted():
    readings = [_reading("ab", 0.99), _reading("ab", 0.96), _reading("xy", 0.9), None]
    searched = ["ab", "ab", "xy", "ab"]
    labels = ["ab", "ab", "ab", "ab"]
    # "xy" at 0.9 is wrong although the search reads it too: 0.9 and below are not safe.
    assert choose_threshold(readings, searched, labels) == 0.95
    assert choose_threshold(readings, searched, labels, min_accepted=0.5) == 0.95
    assert choose_threshold(readings, searched, labels, min_accepted=0.6) is None  # too few
    # Where "xy" is the truth, every reading is safe.
    assert choose_threshold(readings, searched, ["ab", "ab", "xy", "ab"]) == 0.8
    # Right but not what the search reads: not trusted either.
    assert choose_threshold(readings, ["ab", "ba", "xy", "ab"], ["ab"] * 4) == 0.97
    assert choose_threshold([_reading("xy", 0.999)], ["xy"], ["ab"]) is None


@pytest.fixture()
def one_length_reader(tiny_reader):
    """The tiny reader restricted to four-character readings."""
    reader = copy.copy(tiny_reader)
    reader.lengths = {4: 1}
    return reader


def test_first_pass_reads_the_model_free_cuts(one_length_reader, tiny_dataset_dir):
    reader = one_length_reader
    prepared = reader.prepare(load_dataset(tiny_dataset_dir).paths[:12])
    firsts = first_readings(reader.classifier, prepared, 4, reader.config.segment)
    reader.first_pass_threshold = 0.0  # trust every first reading
    readings = reader.read_prepared(prepared)
    for reading, first, prep in zip(readings, firsts, prepared, strict=True):
        assert first is not None and reading.text == first.text
        np.testing.assert_array_equal(reading.cuts, model_free_cuts(prep, 4, reader.config.segment))
        assert min(reading.confidences) == pytest.approx(first.score)
        assert reading.first_pass
    reader.first_pass_threshold = 1.01  # trust none: the full search reads everything
    searched = reader.read_prepared(prepared)
    assert not any(r.first_pass for r in searched)
    reader.first_pass_threshold = None
    assert [r.text for r in searched] == [r.text for r in reader.read_prepared(prepared)]


def test_evaluate_reads_like_predict_with_a_first_pass(one_length_reader, tiny_dataset_dir):
    reader = one_length_reader
    ds = load_dataset(tiny_dataset_dir)
    prepared = reader.prepare(ds.paths[:12])
    firsts = first_readings(reader.classifier, prepared, 4, reader.config.segment)
    reader.first_pass_threshold = float(np.median([f.score for f in firsts if f is not None]))
    labels = ["abcd"] * len(prepared)
    readings, _ = reader.read_and_align(prepared, labels)
    again = reader.read_prepared(prepared)
    assert [r.text for r in readings] == [r.text for r in again]
    assert [r.first_pass for r in readings] == [r.first_pass for r in again]
    assert 0 < sum(r.first_pass for r in readings) < len(readings)


def test_threshold_survives_save_and_load(one_length_reader, tmp_path):
    one_length_reader.first_pass_threshold = 0.95
    one_length_reader.save(tmp_path / "m.keras")
    again = CaptchaReader.load(tmp_path / "m.keras")
    assert again.first_pass_threshold == 0.95 and again.lengths == {4: 1}
