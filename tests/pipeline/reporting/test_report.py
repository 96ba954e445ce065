import numpy as np
import pytest
from PIL import Image

from pipeline import evaluate, load_dataset, plot_training, write_overlays, write_plots


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
    path = plot_training(tiny_reader.history["epochs"], tmp_path / "curves.png")
    with Image.open(path) as image:
        pixels = np.asarray(image.convert("L"))
    # Two panels side by side, each with a curve: dark pixels in both halves.
    half = pixels.shape[1] // 2
    assert (pixels[:, :half] < 100).sum() > 200 and (pixels[:, half:] < 100).sum() > 200
    with pytest.raises(ValueError, match="no epochs"):
        plot_training([], tmp_path / "none.png")
