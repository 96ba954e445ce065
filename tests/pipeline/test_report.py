import numpy as np
import pytest
from PIL import Image

from pipeline import (
    ImageResult,
    confusion_matrix,
    coverage_curve,
    evaluate,
    load_dataset,
    plot_training,
    selective_accuracy,
    write_overlays,
    write_plots,
)


def _result(truth, text, conf):
    return ImageResult(f"{truth}.png", truth, text, conf, True)


def test_confusion_matrix_counts_same_length_readings():
    results = [_result("ab", "ab", 0.9), _result("ab", "bb", 0.5), _result("abc", "ab", 0.4)]
    symbols, counts = confusion_matrix(results)
    assert symbols == "ab"
    assert counts.tolist() == [[1, 1], [0, 2]]


def test_coverage_curve_and_selective_accuracy():
    results = [
        _result("a", "a", 0.9),
        _result("b", "x", 0.8),
        _result("c", "c", 0.8),
        _result("d", "d", 0.1),
    ]
    thresholds, coverage, accuracy = coverage_curve(results)
    assert thresholds.tolist() == [0.1, 0.8, 0.9]
    assert coverage.tolist() == [1.0, 0.75, 0.25]
    assert np.allclose(accuracy, [0.75, 2 / 3, 1.0])
    assert selective_accuracy(results, 0.8) == (0.75, pytest.approx(2 / 3))
    answered, acc = selective_accuracy(results, 0.95)
    assert answered == 0 and np.isnan(acc)
    with pytest.raises(ValueError, match="no results"):
        coverage_curve([])


def test_overlays_index_and_plots(tmp_path, tiny_reader, tiny_dataset_dir):
    dataset = load_dataset(tiny_dataset_dir).subset(range(12))
    result, readings = evaluate(tiny_reader, dataset, progress=False)
    index = write_overlays(result, readings, tmp_path / "fail")
    wrong = [r for r in result.results if not r.correct]
    pngs = sorted((tmp_path / "fail").glob("*.png"))
    assert len(pngs) == len(wrong)
    page = index.read_text()
    assert page.count("<tr>") == len(wrong) + 1
    for r in wrong:
        assert f"<code>{r.truth}</code>" in page
    write_overlays(result, readings, tmp_path / "all", failures_only=False)
    assert len(list((tmp_path / "all").glob("*.png"))) == 12
    written = write_plots(result, tmp_path / "plots")
    assert {p.name for p in written} == {"confusion.png", "positions.png", "coverage.png"}
    for path in written:
        with Image.open(path) as image:
            assert image.size[0] > 200 and image.size[1] > 150


def test_training_curves_need_epochs(tmp_path, tiny_reader):
    path = plot_training(tiny_reader.epoch_log, tmp_path / "curves.png")
    assert path.stat().st_size > 5000
    with pytest.raises(ValueError, match="no epochs"):
        plot_training([], tmp_path / "none.png")
