import dataclasses
import json

import pytest
from PIL import Image

from pipeline import AuditConfig, load_dataset, run_audit, write_audit
from pipeline.cli import main
from pipeline.data.dataset import label_from_stem
from pipeline.evaluation import ABLATIONS, AuditPoint, audit, labels_needed
from pipeline.training import SelfTraining
from tests.conftest import TINY_READER


def test_labels_needed_interpolates_on_a_log_scale():
    curve = [AuditPoint(10, 0.1, 0.3, 1.0), AuditPoint(40, 0.5, 0.7, 1.0)]
    assert labels_needed(curve, 0.3) == pytest.approx(20.0)
    assert labels_needed(curve, 0.05) == 10.0
    assert labels_needed(curve, 0.6) is None


class _HalfRight:
    """A stand-in engine that reads every other image's label from its file name."""

    def read(self, paths):
        return [label_from_stem(p) if n % 2 == 0 else "" for n, p in enumerate(paths)]


def _broken():
    raise RuntimeError("model file missing")


def test_tiny_audit_writes_report_curve_and_summary(
    tmp_path, tiny_dataset_dir, tiny_reader, monkeypatch
):
    engines = {"half right": _HalfRight, "broken": _broken}
    monkeypatch.setattr(audit, "installed_peers", lambda alphabet: engines)
    config = AuditConfig(
        budgets=(8,),  # the ablation budget (20) joins the curve, as its baseline
        test_fraction=0.25,
        reader=dataclasses.replace(TINY_READER, rounds=1, epochs=4),
        ablation_budget=20,
        init=tiny_reader,
        unlabelled=True,
        self_training=SelfTraining(rounds=1, min_check=4),
    )
    messages = []
    report = run_audit(
        load_dataset(tiny_dataset_dir), config, name="tiny", progress=False, log=messages.append
    )
    assert report.n_test == 15 and report.n_train == 45
    assert [p.labels for p in report.curve] == [8, 20, 45]
    assert [p.ablation for p in report.ablations] == list(ABLATIONS)
    assert [p.labels for p in report.pretrained_curve] == [8, 20, 45]
    baseline = next(p for p in report.curve if p.labels == 20)
    assert all(p.pretrained for p in report.pretrained_curve)
    # Self-training needs a check of 4 (a fifth): 20 labels, not 8; 45 leaves no pool.
    assert [p.labels for p in report.unlabelled_curve] == [20]
    assert report.settings["batch_size"] == TINY_READER.batch_size
    assert report.settings["continued_self_training"] is False
    assert all(p.unlabelled and p.pretrained for p in report.unlabelled_curve)
    # The cleaning and the text extent are chosen once, on the training part (the tiny
    # set's strokes are too thin for line removal, which it therefore skips already).
    assert messages[0].startswith("cleaning without median denoising: 100% of the sampled")
    assert messages[1].startswith("text extent as configured")
    assert len(messages) == 2 + 3 + 3 + 1 + len(ABLATIONS) + 2
    assert "broken: left out, it failed: RuntimeError: model file missing" in messages
    # 15 test images, the 8 of even position read right, the others read as nothing.
    (name, scores), *_ = report.zero_label.items()
    assert name == "half right" and len(report.zero_label) == 1
    assert scores["whole_accuracy"] == pytest.approx(8 / 15)
    assert 0.4 < scores["char_accuracy"] < 0.7
    assert scores["cer"] == pytest.approx(1 - scores["char_accuracy"])
    paths = write_audit(report, tmp_path / "audit")
    data = json.loads((tmp_path / "audit" / "report.json").read_text())
    assert [p["labels"] for p in data["curve"]] == [8, 20, 45]
    assert set(data["labels_for"]) == {"0.5", "0.9"}
    with Image.open(tmp_path / "audit" / "learning_curve.png") as image:
        assert image.size[0] > 300
    summary = (tmp_path / "audit" / "summary.md").read_text()
    assert "| 45 |" in summary and "line removal" in summary and "50%" in summary
    assert "Starting from the base model" in summary
    assert "Self-trained with the rest unlabelled and the base model" in summary
    assert f"| nothing | {100 * baseline.whole_accuracy:.1f}% |" in summary
    assert "off-the-shelf OCR (zero-shot) reads **53.3%** whole (`half right`" in summary
    assert "the cheapest attack needs no labels" in summary
    assert {p.name for p in paths} == {"report.json", "learning_curve.png", "summary.md"}


def test_audit_arguments_are_checked(tmp_path, tiny_dataset_dir, capsys):
    args = ["audit", str(tiny_dataset_dir), "--report", str(tmp_path), "--quiet"]
    assert main(args + ["--budgets", "10,x"]) == 2
    assert "--budgets" in capsys.readouterr().err
    assert main(args + ["--budgets", "0"]) == 2
    assert "budgets" in capsys.readouterr().err


def test_the_summary_says_when_no_engine_is_installed(tmp_path, tiny_dataset_dir, monkeypatch):
    monkeypatch.setattr(audit, "installed_peers", lambda alphabet: {})
    config = AuditConfig(
        budgets=(45,),
        test_fraction=0.25,
        reader=dataclasses.replace(TINY_READER, rounds=1, epochs=2),
        ablate=False,
    )
    report = run_audit(load_dataset(tiny_dataset_dir), config, progress=False, log=lambda _m: None)
    assert report.zero_label == {}
    write_audit(report, tmp_path)
    assert "no off-the-shelf OCR engine is installed" in (tmp_path / "summary.md").read_text()
    off = run_audit(
        load_dataset(tiny_dataset_dir),
        dataclasses.replace(config, peers=False),
        progress=False,
        log=lambda _m: None,
    )
    assert off.zero_label is None


def test_self_trained_budgets_need_a_check_and_a_pool_as_large_as_the_labels():
    config = AuditConfig(unlabelled=True, ablate=False)
    kinds = [(labels, kind) for labels, _, kind in audit._jobs(config, [25, 50, 336, 400], 0, 672)]
    # 25 labels hold out only 5 for the check (10 needed); 400 leave a pool of 272.
    assert [labels for labels, kind in kinds if kind == "unlabelled"] == [50, 336]
    assert [labels for labels, kind in kinds if kind == "labels"] == [25, 50, 336, 400]
