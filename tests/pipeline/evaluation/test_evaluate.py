import numpy as np
import pytest

from pipeline import evaluate, load_dataset
from pipeline.evaluation import read_and_align


def test_tiny_training_learns_something(tiny_reader, tiny_dataset_dir):
    ds = load_dataset(tiny_dataset_dir)
    result, readings = evaluate(tiny_reader, ds, progress=False)
    assert tiny_reader.alphabet == "abcdx" and set(tiny_reader.learned.lengths) == {3, 4}
    assert result.char_accuracy > 0.4  # chance is 0.2 per symbol
    assert result.segmentation_success == np.mean([r.segmentation_ok for r in result.results])
    right = [r.text == y for r, y in zip(readings, ds.labels, strict=True)]
    assert result.whole_accuracy == pytest.approx(np.mean(right))
    assert result.segmentation_errors + result.classification_errors == sum(
        not r.correct for r in result.results
    )
    assert len(result.position_accuracy) == 4
    reading = readings[0]
    assert len(reading.confidences) == len(reading.text) == len(reading.boxes)
    assert reading.confidence == pytest.approx(float(np.prod(reading.confidences)))


def test_evaluation_reads_like_read_and_aligns_the_truth(tiny_reader, tiny_dataset_dir):
    ds = load_dataset(tiny_dataset_dir)
    prepared = tiny_reader.prepare(ds.paths)
    readings, references = read_and_align(tiny_reader, prepared, ds.labels)
    assert [r.text for r in readings] == [r.text for r in tiny_reader.read_prepared(prepared)]
    same = []
    for reading, ref, label in zip(readings, references, ds.labels, strict=True):
        assert ref is not None and len(ref) == len(label) + 1
        if reading.text == label:  # the reading's cuts explain the truth best (unless it
            same.append(np.array_equal(reading.cuts, ref))  # left junk beyond the end zones)
    assert len(same) >= 3 and np.mean(same) >= 0.75
