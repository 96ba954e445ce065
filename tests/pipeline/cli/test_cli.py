import io
import json
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from charseg import clean, load_image
from classifier import load_classifier
from pipeline import CaptchaReader
from pipeline.cli import main
from pipeline.reading import config_from_dict


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
                "--min-steps",
                "0",
                "--class-views",
                "0",
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
    assert figures["n"] == 24
    wrong = round(24 * (1 - figures["whole_accuracy"]))
    assert len(list((tmp_path / "fail").glob("*.png"))) == wrong
    capsys.readouterr()
    assert main(["predict", "--model", str(model), str(data), "--quiet"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 24 and all(len(line.split("\t")) == 3 for line in lines)
    assert main(["predict", "--model", str(model), str(next(data.glob("*.png"))), "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert set(record) == {"path", "text", "confidence", "char_confidences"}
    assert len(record["char_confidences"]) == len(record["text"])


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
    # The command reads as the classifier does on the glyphs cleaned as its captchas were.
    clf, meta = load_classifier(tiny_model_file)
    clean_config = config_from_dict(meta["config"]).segment.clean
    paths = sorted(tmp_path.glob("g*.png"))
    chars, conf = clf.predict([clean(load_image(p), clean_config).planes() for p in paths])
    expected = [f"{p}\t{c}\t{v:.4f}" for p, c, v in zip(paths, chars, conf, strict=True)]
    assert lines == expected


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
    assert main(["generate", str(tmp_path / "g"), "--pale", "1.5"]) == 2
    _one_error_line(capsys, "pale=1.5")
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    assert "example:" in capsys.readouterr().out


def _train_args(dataset, model, *extra):
    return [
        "train",
        str(dataset),
        "--model",
        str(model),
        "--epochs",
        "2",
        "--rounds",
        "1",
        "--min-steps",
        "0",
        "--class-views",
        "0",
        "--val-fraction",
        "0",
        "--quiet",
        *extra,
    ]


def test_train_writes_history_and_resumes_after_interrupt(
    tmp_path, tiny_dataset_dir, monkeypatch, capsys
):
    from pipeline.training import Checkpoint

    model = tmp_path / "r.keras"
    flags = ("--filters", "8,16", "--thin-edges", "0.3")
    real_save = Checkpoint.save

    def interrupting_save(self, state, network=None):
        real_save(self, state, network)
        if (state.round, state.epochs_done) == (0, 1):
            raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(Checkpoint, "save", interrupting_save)
        assert main(_train_args(tiny_dataset_dir, model, *flags)) == 130
    assert "--resume" in capsys.readouterr().err
    assert not model.exists() and (tmp_path / "r.ckpt" / "state.json").is_file()
    assert main(_train_args(tiny_dataset_dir, model, *flags)) == 2
    _one_error_line(capsys, "resume it or delete it")
    assert main(_train_args(tiny_dataset_dir, model, *flags, "--resume")) == 0
    assert model.is_file() and not (tmp_path / "r.ckpt").exists()
    history = json.loads((tmp_path / "r.history.json").read_text())
    assert [e["epoch"] for e in history["epochs"]] == [0, 1] and len(history["rounds"]) == 1
    with Image.open(tmp_path / "r.curves.png") as curves:
        assert curves.size[0] > 400 and np.asarray(curves.convert("L")).min() < 100
    config = CaptchaReader.load(model).config
    assert config.model.filters == (8, 16) and config.segment.thin_edges == 0.3


def test_evaluate_plots_overlay_index_and_confidence(
    tmp_path, tiny_dataset_dir, tiny_model_file, capsys
):
    args = ["evaluate", "--model", str(tiny_model_file), str(tiny_dataset_dir), "--quiet"]
    assert (
        main(
            args
            + [
                "--plots",
                str(tmp_path / "plots"),
                "--overlays",
                str(tmp_path / "all"),
                "--all-overlays",
                "--min-confidence",
                "0.5",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "confidence >= 0.5:" in out and "images answered" in out
    for name in ("confusion.png", "positions.png", "coverage.png"):
        assert (tmp_path / "plots" / name).is_file()
    assert len(list((tmp_path / "all").glob("*.png"))) == 60
    index = (tmp_path / "all" / "index.html").read_text()
    assert index.count("<tr>") == 61
    sources = [index.count(f"<td>{s}</td>") for s in ("correct", "segmentation", "classification")]
    assert sum(sources) == 60


def test_predict_marks_or_skips_low_confidence(tmp_path, tiny_dataset_dir, tiny_model_file, capsys):
    base = ["predict", "--model", str(tiny_model_file), str(tiny_dataset_dir), "--quiet"]
    assert main(base + ["--min-confidence", "0"]) == 0
    captured = capsys.readouterr()
    rows = [line.split("\t") for line in captured.out.strip().splitlines()]
    assert len(rows) == 60 and {row[3] for row in rows} == {"ok"}
    assert "0 of 60 readings below confidence 0" in captured.err
    assert main(base + ["--min-confidence", "1.01", "--skip-low"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and "60 of 60 readings below" in captured.err
    assert main(base + ["--min-confidence", "1.01", "--json"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.strip().splitlines()]
    assert all(r["abstained"] for r in records)
    assert main(base + ["--skip-low"]) == 2
    _one_error_line(capsys, "--skip-low needs --min-confidence")


def test_classify_reports_glyph_accuracy(tmp_path, tiny_model_file, capsys):
    from pipeline import SynthConfig, render_captcha

    rng = np.random.default_rng(0)
    config = SynthConfig(width=32, height=32, alphabet="abcdx", overlap=0.0, lines=0, noise=0.0)
    rows = []
    for n, char in enumerate("abcdxabcdx"):
        image = render_captcha(char, config, rng)
        folder = tmp_path / "glyphs" / char
        folder.mkdir(parents=True, exist_ok=True)
        Image.fromarray(image).save(folder / f"{n}.png")
        rows.append(f"{char}/{n}.png,{char}")
    (tmp_path / "glyphs" / "labels.csv").write_text("\n".join(rows))
    for source in ("folders", str(tmp_path / "glyphs" / "labels.csv")):
        glyphs = str(tmp_path / "glyphs")
        assert main(["classify", "--model", str(tiny_model_file), glyphs, "--labels", source]) == 0
        captured = capsys.readouterr()
        lines = captured.out.strip().splitlines()
        assert len(lines) == 10
        hits = sum(line.split("\t")[1] == line.split("\t")[3] for line in lines)
        assert f"glyph accuracy: {10 * hits:.2f}% ({hits} of 10)" in captured.err
    (tmp_path / "glyphs" / "labels.csv").write_text("a/0.png,ab\n")
    csv_path = str(tmp_path / "glyphs" / "labels.csv")
    glyph = str(tmp_path / "glyphs" / "a" / "0.png")
    assert main(["classify", "--model", str(tiny_model_file), glyph, "--labels", csv_path]) == 2
    _one_error_line(capsys, "one symbol")


def _write_bad(kind, path):
    if kind == "zero-byte":
        path.write_bytes(b"")
    elif kind == "truncated":
        buffer = io.BytesIO()
        Image.fromarray(np.random.default_rng(0).integers(0, 255, (40, 90), np.uint8)).save(
            buffer, "PNG"
        )
        path.write_bytes(buffer.getvalue()[:300])
    elif kind == "text":
        path.write_text("this is not an image\n")
    elif kind == "1x1":
        Image.new("L", (1, 1), 255).save(path)
    elif kind == "huge":
        Image.new("1", (10000, 10000), 1).save(path)


@pytest.mark.parametrize(
    ("kind", "needle"),
    [
        ("zero-byte", "empty"),
        ("truncated", "bad.png"),
        ("text", "not an image"),
        ("1x1", "too small"),
        ("huge", "pixel limit"),
    ],
)
def test_each_bad_image_gives_one_line_and_exit_2(tmp_path, tiny_model_file, kind, needle, capsys):
    bad = tmp_path / "bad.png"
    _write_bad(kind, bad)
    assert main(["predict", "--model", str(tiny_model_file), str(bad), "--quiet"]) == 2
    _one_error_line(capsys, needle)
    data = tmp_path / "data"
    data.mkdir()
    _write_bad(kind, data / "abcd.png")
    assert main(["evaluate", "--model", str(tiny_model_file), str(data), "--quiet"]) == 2
    _one_error_line(capsys, "abcd.png")


@pytest.mark.parametrize("kind", ["16-bit", "cmyk", "gif"])
def test_unusual_formats_are_read(tmp_path, tiny_dataset_dir, tiny_model_file, kind, capsys):
    with Image.open(next(tiny_dataset_dir.glob("*.png"))) as source:
        rgb = source.convert("RGB")
    if kind == "16-bit":
        target = tmp_path / "a.png"
        Image.fromarray(np.asarray(rgb.convert("L"), np.uint16) * 257).save(target)
    elif kind == "cmyk":
        target = tmp_path / "a.jpg"
        rgb.convert("CMYK").save(target, quality=95)
    else:
        target = tmp_path / "a.gif"
        frames = [rgb.convert("P"), Image.new("P", rgb.size)]
        frames[0].save(target, save_all=True, append_images=frames[1:], duration=100)
    assert main(["predict", "--model", str(tiny_model_file), str(target), "--quiet"]) == 0
    path, text, conf = capsys.readouterr().out.strip().split("\t")
    (reading,) = CaptchaReader.load(tiny_model_file).read([target])
    assert (path, text, conf) == (str(target), reading.text, f"{reading.confidence:.4f}")


def test_dataset_problems_give_one_line_and_exit_2(
    tmp_path, tiny_dataset_dir, tiny_model_file, capsys
):
    image = next(tiny_dataset_dir.glob("*.png"))
    unknown = tmp_path / "unknown"
    unknown.mkdir()
    (unknown / "abcz.png").write_bytes(image.read_bytes())
    assert main(["evaluate", "--model", str(tiny_model_file), str(unknown), "--quiet"]) == 2
    _one_error_line(capsys, "does not know: 'z'")
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["train", str(empty), "--model", str(tmp_path / "m.keras"), "--quiet"]) == 2
    _one_error_line(capsys, "no images found")
    listed = tmp_path / "listed"
    listed.mkdir()
    (listed / "labels.csv").write_text("filename,label\nmissing.png,abc\n")
    assert main(["evaluate", "--model", str(tiny_model_file), str(listed), "--quiet"]) == 2
    _one_error_line(capsys, "'missing.png' does not exist")
    single = tmp_path / "single"
    single.mkdir()
    (single / image.name).write_bytes(image.read_bytes())
    assert main(["train", str(single), "--model", str(tmp_path / "m.keras"), "--quiet"]) == 2
    _one_error_line(capsys, "too few to hold some out")


@pytest.mark.parametrize(
    "command", ["train", "evaluate", "predict", "segment", "classify", "audit", "generate"]
)
def test_every_subcommand_has_help_with_defaults_and_example(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    assert "example: captcha-cnn " + command in text
    assert "--quiet" in text and "(default:" in text


@pytest.mark.parametrize("bad", ["16,x", "0,8", ""])
def test_bad_filters_are_a_usage_error(bad, tmp_path, tiny_dataset_dir, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(_train_args(tiny_dataset_dir, tmp_path / "m.keras", "--filters", bad))
    assert exit_info.value.code == 2 and "--filters" in capsys.readouterr().err


def test_light_and_reading_commands_start_without_tensorflow_or_matplotlib(
    tmp_path, tiny_model_file
):
    gen, model = tmp_path / "gen", tiny_model_file
    code = (
        "import sys\n"
        "import pipeline\n"
        "from pipeline.cli import main\n"
        f"assert main(['generate', r'{gen}', '--count', '2', '--quiet']) == 0\n"
        f"assert main(['segment', r'{gen}', '--output-dir', r'{tmp_path / 'seg'}',"
        " '--quiet']) == 0\n"
        f"assert main(['predict', '--model', r'{model}', r'{gen}', '--quiet']) == 0\n"
        f"assert main(['segment', r'{gen}', '--model', r'{model}', '--output-dir',"
        f" r'{tmp_path / 'read'}', '--quiet']) == 0\n"
        "heavy = sorted({'tensorflow', 'keras', 'matplotlib'} & set(sys.modules))\n"
        "assert not heavy, heavy\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert sum("\t" in line for line in result.stdout.splitlines()) == 2  # the readings
    assert len(list((tmp_path / "read").glob("*.png"))) == 2
    assert len(list((tmp_path / "seg").glob("*.png"))) == 2
