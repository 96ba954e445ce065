import json

import pytest
from PIL import Image

from pipeline.cli import main


def _one_error_line(capsys, needle):
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error:") and needle in err[0]
    assert "Traceback" not in err[0]


def test_generate_train_evaluate_predict(tmp_path, tiny_dataset_dir, capsys):
    data = tmp_path / "gen"
    assert (
        main(
            [
                "generate",
                str(data),
                "--count",
                "24",
                "--length",
                "3-4",
                "--alphabet",
                "abcdx",
                "--width",
                "96",
                "--height",
                "32",
                "--quiet",
            ]
        )
        == 0
    )
    assert len(list(data.glob("*.png"))) == 24
    model = tmp_path / "m.keras"
    assert (
        main(
            [
                "train",
                str(tiny_dataset_dir),
                "--model",
                str(model),
                "--epochs",
                "1",
                "--rounds",
                "1",
                "--val-fraction",
                "0.2",
                "--quiet",
            ]
        )
        == 0
    )
    assert model.is_file() and "validation" in capsys.readouterr().out
    scores = tmp_path / "s.json"
    assert (
        main(
            [
                "evaluate",
                "--model",
                str(model),
                str(data),
                "--json",
                str(scores),
                "--overlays",
                str(tmp_path / "fail"),
                "--quiet",
            ]
        )
        == 0
    )
    figures = json.loads(scores.read_text())
    for key in (
        "n",
        "whole_accuracy",
        "char_accuracy",
        "cer",
        "segmentation_success",
        "images_per_second",
    ):
        assert key in figures
    assert figures["n"] == 24 and 0 <= figures["whole_accuracy"] <= 1
    wrong = round(24 * (1 - figures["whole_accuracy"]))
    assert len(list((tmp_path / "fail").glob("*.png"))) == wrong
    capsys.readouterr()
    assert main(["predict", "--model", str(model), str(data), "--quiet"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 24 and all(len(line.split("\t")) == 3 for line in lines)
    assert main(["predict", "--model", str(model), str(next(data.glob("*.png"))), "--json"]) == 0
    assert set(json.loads(capsys.readouterr().out)) >= {"path", "text", "confidence"}


def test_segment_with_and_without_model(tmp_path, tiny_dataset_dir, tiny_model_file, capsys):
    image = next(tiny_dataset_dir.glob("*.png"))
    assert main(["segment", str(image), "--output-dir", str(tmp_path / "a"), "--n-chars", "4"]) == 0
    assert (
        main(
            [
                "segment",
                str(image),
                "--output-dir",
                str(tmp_path / "b"),
                "--model",
                str(tiny_model_file),
            ]
        )
        == 0
    )
    for folder in ("a", "b"):
        written = list((tmp_path / folder).glob("*.png"))
        assert len(written) == 1
        with Image.open(written[0]) as overlay:
            assert overlay.size[0] > 96


def test_classify_glyph_files(tmp_path, tiny_dataset_dir, tiny_model_file, capsys):
    with Image.open(next(tiny_dataset_dir.glob("*.png"))) as image:
        for n in range(3):
            image.crop((10 + 20 * n, 0, 30 + 20 * n, 32)).save(tmp_path / f"g{n}.png")
    assert main(["classify", "--model", str(tiny_model_file), str(tmp_path)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3
    for line in lines:
        path, char, conf = line.split("\t")
        assert char in "abcdx" and 0 < float(conf) <= 1


def test_bad_inputs_give_one_line_and_exit_code(
    tmp_path, tiny_model_file, tiny_dataset_dir, capsys
):
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"")
    assert main(["predict", "--model", str(tmp_path / "none.keras"), str(bad)]) == 2
    _one_error_line(capsys, "none.keras")
    assert main(["evaluate", "--model", str(tiny_model_file), str(tmp_path / "empty")]) == 2
    _one_error_line(capsys, "does not exist")
    good = next(tiny_dataset_dir.glob("*.png"))
    assert main(["predict", "--model", str(tiny_model_file), str(bad), str(good)]) == 1
    captured = capsys.readouterr()
    assert "bad.png" in captured.err and len(captured.out.strip().splitlines()) == 1
    assert main(["generate", str(tmp_path / "g"), "--length", "x"]) == 2
    _one_error_line(capsys, "--length")
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    assert "example:" in capsys.readouterr().out
