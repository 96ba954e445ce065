import dataclasses
import shutil

import numpy as np
from PIL import Image

import classifier
from pipeline import CaptchaReader, load_dataset, train_reader
from tests.conftest import TINY_READER

QUICK = dataclasses.replace(TINY_READER, rounds=1, epochs=2)


def test_degenerate_and_blank_images_are_left_out_with_one_line_each(tmp_path, tiny_dataset_dir):
    for path in sorted(tiny_dataset_dir.glob("*.png"))[:16]:
        shutil.copy(path, tmp_path / path.name)
    sliver = np.full((32, 400), 255, np.uint8)
    sliver[15:17, 10:390] = 0  # a 2-pixel band: scaled to 32 rows, a strip 16x too wide
    Image.fromarray(sliver).save(tmp_path / "dddd_77.png")
    Image.fromarray(np.full((32, 96), 255, np.uint8)).save(tmp_path / "aaaa_77.png")
    messages: list[str] = []
    reader = train_reader(load_dataset(tmp_path), QUICK, progress=False, log=messages.append)
    left = [m for m in messages if m.startswith("left out of training")]
    assert len(left) == 2
    assert "aaaa_77.png: no ink found" in left[0]
    assert "dddd_77.png: its text strip is" in left[1] and "band of 2 pixels" in left[1]
    assert sum(reader.learned.lengths.values()) == 16


def test_training_ends_once_the_alignment_settles(tiny_dataset_dir):
    config = dataclasses.replace(TINY_READER, rounds=4, epochs=4, refine_epochs=2, settled=0.9)
    messages: list[str] = []
    reader = train_reader(
        load_dataset(tiny_dataset_dir), config, progress=False, log=messages.append
    )
    rounds = reader.history["rounds"]
    limit = config.settled * sum(reader.learned.lengths.values())
    assert len(rounds) < config.rounds
    assert all(r["changed"] > limit for r in rounds[:-1]) and rounds[-1]["changed"] <= limit
    assert any("cuts moved (beyond the jitter) in" in m for m in messages)
    schedule = [m for m in messages if m.startswith("training in batches of")]
    assert schedule == [
        "training in batches of 16 strips: 4 epochs in the first round, 2 in each later one "
        "(at least 0 steps and 0 views of each symbol in the first)"
    ]


def test_training_keeps_the_int8_network_only_where_it_reads_as_well(tiny_reader, tiny_model_file):
    precision = tiny_reader.history["precision"]
    assert precision["sample"] > 0
    assert precision["int8"] == (precision["right_int8"] >= precision["right_float"])
    loaded = CaptchaReader.load(tiny_model_file)
    assert loaded.classifier.int8 == precision["int8"]
    assert (tiny_reader.classifier.int8 is not None) == precision["int8"]


def test_a_failed_quantization_leaves_the_float_network_with_one_line(
    tiny_dataset_dir, monkeypatch
):
    def fail(graph, inputs):
        raise RuntimeError("no kernel")

    monkeypatch.setattr(classifier, "int8_graph", fail)
    messages: list[str] = []
    reader = train_reader(
        load_dataset(tiny_dataset_dir), QUICK, progress=False, log=messages.append
    )
    assert reader.history["precision"]["int8"] is False and reader.classifier.int8 is None
    assert [m for m in messages if "quantizing it failed: RuntimeError: no kernel" in m]
