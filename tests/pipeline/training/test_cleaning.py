import dataclasses
from types import SimpleNamespace

import pytest

from charseg import OPTIONAL_STEPS, CleanConfig, without_steps
from pipeline import CaptchaReader, load_dataset, train_reader
from pipeline.reading import CleaningChoice
from pipeline.training import Checkpoint
from pipeline.training.cleaning import char_accuracy, choose_cleaning
from tests.conftest import TINY_READER
from tests.pipeline.training.test_checkpoint import _interrupt_after

PROBED = dataclasses.replace(
    TINY_READER,
    rounds=1,
    epochs=2,
    cleaning=CleaningChoice(probe_train=30, probe_test=20, probe_steps=20, min_images=40),
)


def _fake_trainer(accuracy_of):
    """A `train` for choose_cleaning whose reader reads each label's characters right or
    wrong as `accuracy_of(clean_config)` says (1.0: all right, 0.5: half of them)."""

    def train(subset, config):
        share = accuracy_of(config.segment.clean)

        def read(paths):
            texts = []
            for path in paths:
                label = path.stem
                right = int(round(share * len(label)))
                texts.append(label[:right] + "#" * (len(label) - right))
            return [SimpleNamespace(text=t) for t in texts]

        return SimpleNamespace(read=read)

    return train


def test_unknown_step_is_named():
    with pytest.raises(ValueError, match="no cleaning step 'blur'"):
        without_steps(CleanConfig(), ["blur"])


def test_each_step_is_tried_off_alone_and_the_best_reader_wins(tiny_dataset_dir):
    dataset = load_dataset(tiny_dataset_dir)
    messages = []
    train = _fake_trainer(lambda clean: 1.0 if clean.denoise == 0 and clean.remove_lines else 0.5)
    name, clean, scores = choose_cleaning(dataset, PROBED, train, messages.append)
    assert name == "without median denoising"
    assert clean.denoise == 0 and clean.remove_lines and clean.background_window > 0
    assert list(scores) == [
        "as configured",
        "without background flattening",
        "without median denoising",
        "without line removal",
    ]
    assert scores[name] == 1.0 and scores["as configured"] < 1.0
    assert messages[-1].startswith("cleaning chosen: without median denoising (30 images")


def test_steps_better_off_alone_are_also_tried_off_together(tiny_dataset_dir):
    dataset = load_dataset(tiny_dataset_dir)

    def accuracy(clean):
        return 0.5 + 0.25 * (clean.denoise == 0) + 0.25 * (not clean.remove_lines)

    name, clean, scores = choose_cleaning(dataset, PROBED, _fake_trainer(accuracy), print)
    assert name == "without median denoising and line removal"
    assert clean.denoise == 0 and not clean.remove_lines and len(scores) == 5


def test_a_tie_keeps_the_configured_cleaning_and_small_sets_are_not_probed(tiny_dataset_dir):
    dataset = load_dataset(tiny_dataset_dir)
    name, _, scores = choose_cleaning(dataset, PROBED, _fake_trainer(lambda _c: 1.0), print)
    assert name == "as configured" and len(scores) == 4
    few = dataset.subset(list(range(30)))
    name, clean, scores = choose_cleaning(few, PROBED, _fake_trainer(lambda _c: 1.0), print)
    assert (name, clean, scores) == ("as configured", PROBED.segment.clean, {})


def test_char_accuracy_counts_positions():
    assert char_accuracy(["abc", "ab"], ["abd", "abcd"]) == pytest.approx(4 / 7)


def test_training_chooses_stores_and_resumes_the_cleaning(tmp_path, tiny_dataset_dir):
    dataset = load_dataset(tiny_dataset_dir)
    messages = []
    reader = train_reader(dataset, PROBED, progress=False, log=messages.append)
    chosen = reader.history["cleaning"]["chosen"]
    assert chosen in reader.history["cleaning"]["scores"]
    assert f"cleaning chosen: {chosen}" in "\n".join(messages)
    off = [step for step in OPTIONAL_STEPS if step in chosen]
    assert reader.config.segment.clean == without_steps(PROBED.segment.clean, off)
    reader.save(tmp_path / "r.keras")
    loaded = CaptchaReader.load(tmp_path / "r.keras")
    assert loaded.config.segment.clean == reader.config.segment.clean
    assert loaded.history["cleaning"]["chosen"] == chosen


def test_a_resumed_run_keeps_the_cleaning_its_checkpoint_chose(
    tmp_path, tiny_dataset_dir, monkeypatch
):
    dataset = load_dataset(tiny_dataset_dir)
    unprobed = dataclasses.replace(PROBED, cleaning=CleaningChoice(min_images=1000))
    folder = tmp_path / "run.ckpt"
    with monkeypatch.context() as patch:
        _interrupt_after(patch, (0, 1))
        with pytest.raises(KeyboardInterrupt):
            train_reader(dataset, unprobed, progress=False, log=print, checkpoint=folder)
    assert Checkpoint(folder).load_cleaning()["chosen"] == "as configured"
    saved = {"chosen": "given", "settings": dataclasses.asdict(CleanConfig(denoise=5))}
    Checkpoint(folder).save_cleaning({**saved, "scores": {}})
    messages = []
    reader = train_reader(
        dataset, unprobed, progress=False, log=messages.append, checkpoint=folder, resume=True
    )
    assert reader.config.segment.clean.denoise == 5
    assert reader.history["cleaning"]["chosen"] == "given"
    assert not any(m.startswith("cleaning") for m in messages)


def _images_right(count_of):
    """A `train` whose reader reads the first `count_of(clean_config)` images right and the
    others all wrong."""

    def train(subset, config):
        count = count_of(config.segment.clean)

        def read(paths):
            return [
                SimpleNamespace(text=p.stem if n < count else "#" * len(p.stem))
                for n, p in enumerate(paths)
            ]

        return SimpleNamespace(read=read)

    return train


def test_a_gain_within_the_noise_keeps_the_configured_cleaning(tiny_dataset_dir):
    dataset = load_dataset(tiny_dataset_dir)
    slight = _images_right(lambda clean: 11 if clean.denoise == 0 else 10)
    name, _, scores = choose_cleaning(dataset, PROBED, slight, print)
    assert scores["without median denoising"] > scores["as configured"]
    assert name == "as configured"
    clear = _images_right(lambda clean: 15 if clean.denoise == 0 else 10)
    assert choose_cleaning(dataset, PROBED, clear, print)[0] == "without median denoising"
