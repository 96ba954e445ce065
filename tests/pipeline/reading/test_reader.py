import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from charseg import ImageLoadError, load_pixels
from classifier import ModelFileError
from pipeline import CaptchaReader, DatasetError, evaluate, load_dataset, train_reader
from pipeline.data import Dataset


def test_save_load_gives_equal_readings(tiny_reader, tiny_model_file, tiny_dataset_dir):
    paths = load_dataset(tiny_dataset_dir).paths[:8]
    again = CaptchaReader.load(tiny_model_file)
    a, b = tiny_reader.read(paths), again.read(paths)
    assert [r.text for r in a] == [r.text for r in b]
    np.testing.assert_allclose([r.confidence for r in a], [r.confidence for r in b], atol=1e-5)
    assert again.config == tiny_reader.config
    lengths = dict(load_dataset(tiny_dataset_dir).lengths)
    assert again.learned.lengths == tiny_reader.learned.lengths == lengths
    assert again.learned.bounds == tiny_reader.learned.bounds
    assert again.learned.decode_weight == tiny_reader.learned.decode_weight
    assert again.history == tiny_reader.history and len(again.history["rounds"]) == 2


def test_learned_bounds_differ_from_the_starting_ones(tiny_reader):
    low, high = tiny_reader.learned.bounds
    start = tiny_reader.config.segment.width_bounds
    assert 0.1 <= low < 1 < high <= 4.0 and (low, high) != start


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


def test_untrained_reader_and_bad_inputs(tiny_reader, tiny_dataset_dir):
    with pytest.raises(ValueError, match="image must have shape"):
        tiny_reader.read([np.ones(5)])
    path = load_dataset(tiny_dataset_dir).paths[0]
    with pytest.raises(DatasetError, match="symbols the model does not know"):
        evaluate(tiny_reader, Dataset([path], ["abQ"]), progress=False)
    with pytest.raises(DatasetError, match="at least 2"):
        train_reader(Dataset([path], ["aaa"]), progress=False)
    with pytest.raises(DatasetError, match="no images"):
        train_reader(Dataset([], []), progress=False)


def test_classifier_file_is_not_a_reader(tmp_path, tiny_reader):
    tiny_reader.classifier.save(tmp_path / "glyphs.keras")
    with pytest.raises(ModelFileError, match="not a whole-captcha reader"):
        CaptchaReader.load(tmp_path / "glyphs.keras")


def test_strip_height_must_match_the_classifier(tiny_reader):
    import dataclasses

    strip = dataclasses.replace(tiny_reader.config.segment.strip, height=40)
    config = dataclasses.replace(
        tiny_reader.config, segment=dataclasses.replace(tiny_reader.config.segment, strip=strip)
    )
    with pytest.raises(ValueError, match="32 rows"):
        CaptchaReader(tiny_reader.classifier, config, tiny_reader.learned)


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
    assert len(reading.confidences) == len(reading.text) == len(reading.boxes)
    for top, left, bottom, right in reading.boxes:
        assert 0 <= top < bottom <= height and 0 <= left < right <= width


def test_worker_processes_read_as_threads_do_errors_in_place(
    tiny_model_file, tiny_dataset_dir, tmp_path, monkeypatch
):
    import os

    import pipeline.reading.workers as workers_module

    reader = CaptchaReader.load(tiny_model_file)
    paths = load_dataset(tiny_dataset_dir).paths[:12]
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"not a png")
    files = [*paths[:5], bad, *paths[5:]]
    monkeypatch.setattr(workers_module, "MIN_PARTS", 10**6)
    assert workers_module.worker_count(reader, 7) == 0
    threads = list(reader.read_stream(files, batch_size=2))
    monkeypatch.setattr(workers_module, "MIN_PARTS", 2)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1})
    assert workers_module.worker_count(reader, 7) == 2
    workers = list(reader.read_stream(files, batch_size=2, keep_prepared=False))
    assert isinstance(workers[5], ImageLoadError) and workers[5].path == str(bad)
    assert workers[5].problem == threads[5].problem
    good = [n for n in range(len(files)) if n != 5]
    assert [workers[n].text for n in good] == [threads[n].text for n in good]
    np.testing.assert_allclose(
        [workers[n].confidence for n in good], [threads[n].confidence for n in good], atol=1e-6
    )
    assert all(workers[n].prepared is None for n in good)
    assert threads[0].prepared is not None and threads[0].boxes
    with pytest.raises(ValueError, match="keep_prepared=True"):
        _ = workers[0].boxes


def test_worker_processes_evaluate_as_one_process_does(
    tiny_model_file, tiny_dataset_dir, monkeypatch
):
    import os

    import pipeline.reading.workers as workers_module

    reader = CaptchaReader.load(tiny_model_file)
    data = load_dataset(tiny_dataset_dir).subset(list(range(12)))
    monkeypatch.setattr(workers_module, "MIN_PARTS", 10**6)
    alone, _ = evaluate(reader, data, batch_size=3, progress=False)
    monkeypatch.setattr(workers_module, "MIN_PARTS", 2)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1})
    assert workers_module.worker_count(reader, 4) == 2
    forked, readings = evaluate(reader, data, batch_size=3, progress=False)
    assert [r.text for r in forked.results] == [r.text for r in alone.results]
    assert [r.segmentation_ok for r in forked.results] == [r.segmentation_ok for r in alone.results]
    assert all(r.prepared is not None for r in readings)


def test_a_tensorflow_reader_never_forks(tiny_reader):
    import pipeline.reading.workers as workers_module

    assert workers_module.worker_count(tiny_reader, 100) == 0


def test_usable_cores_follow_a_container_quota(tmp_path, monkeypatch):
    import os

    import pipeline.reading.workers as workers_module

    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: set(range(8)))
    cpu_max = tmp_path / "cpu.max"
    monkeypatch.setattr(workers_module, "_CPU_MAX", cpu_max)
    assert workers_module.usable_cores() == 8  # no file: the affinity
    for text, cores in (("max 100000\n", 8), ("200000 100000\n", 2), ("150000 100000", 2)):
        cpu_max.write_text(text)
        assert workers_module.usable_cores() == cores
    cpu_max.write_text("50000 100000")
    assert workers_module.usable_cores() == 1


def test_scoring_readings_without_their_prepared_images_is_one_clear_error(
    tiny_reader, tiny_dataset_dir
):
    from pipeline.evaluation.evaluate import read_and_align
    from pipeline.evaluation.metrics import score

    data = load_dataset(tiny_dataset_dir).subset([0, 1])
    readings, refs = read_and_align(tiny_reader, tiny_reader.prepare(data.paths), data.labels)
    assert score(data, readings, refs, 1.0).results  # with them it scores
    bare = [dataclasses.replace(r, prepared=None) for r in readings]
    with pytest.raises(ValueError, match="keep_prepared=True"):
        score(data, bare, refs, 1.0)
