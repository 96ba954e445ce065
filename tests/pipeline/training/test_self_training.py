import dataclasses

import numpy as np
import pytest

from pipeline import DatasetError, generate_dataset, load_dataset
from pipeline.training import (
    SelfTraining,
    confident_threshold,
    relative_scores,
    self_train,
    symbol_log_medians,
)
from tests.conftest import TINY_READER, TINY_SYNTH
from tests.pipeline.training.test_cleaning import _wave_captchas


def test_threshold_is_the_lowest_confidence_that_keeps_the_precision():
    confidences = np.array([0.95, 0.9, 0.9, 0.7, 0.6])
    correct = np.array([True, True, False, True, True])
    # At 0.9 both readings of 0.9 count: 2 of 3 right.
    assert confident_threshold(confidences, correct, 0.6) == 0.6
    assert confident_threshold(confidences, correct, 0.8) == 0.6
    assert confident_threshold(confidences, correct, 0.9) == 0.95
    assert confident_threshold(confidences, np.zeros(5, bool), 0.5) == float("inf")


def test_relative_scores_rank_a_symbol_the_reader_is_less_sure_of_fairly():
    texts = ["m", "m", "m", "n", "n", "n", "mn"]
    probs = [[0.6], [0.7], [0.8], [0.95], [0.97], [0.99], [0.7, 0.97]]
    scores = relative_scores(texts, probs, symbol_log_medians(texts, probs))
    # By plain confidence every n outranks every m; relative to its symbol, a typical m ties
    # a typical n, and a reading scores the sum of its characters' scores.
    assert scores[1] == pytest.approx(scores[4]) == pytest.approx(0.0)
    assert scores[0] < scores[1] < scores[2] and scores[3] < scores[4] < scores[5]
    assert scores[6] == pytest.approx(0.0)


def test_relative_scores_of_empty_readings_and_unseen_symbols():
    scores = relative_scores(["", "q"], [[], [0.5]], {"m": -0.1})
    assert scores[0] == -np.inf and scores[1] == pytest.approx(np.log(0.5))


def test_sure_readings_of_unlabelled_images_join_the_last_training(tiny_dataset_dir):
    dataset = load_dataset(tiny_dataset_dir)
    labelled, unlabelled = dataset.subset(range(36)), dataset.subset(range(36, 60))
    messages = []
    config = dataclasses.replace(TINY_READER, rounds=1, epochs=8)
    reader = self_train(
        labelled,
        unlabelled.paths,
        config,
        settings=SelfTraining(rounds=2, precision=0.9, min_check=5),
        progress=False,
        log=messages.append,
    )
    rounds = reader.history["self_training"]
    assert 1 <= len(rounds) <= 2
    lines = [m for m in messages if m.startswith("self-training round")]
    assert len(lines) == len(rounds) and "of 24 unlabelled images taken" in lines[0]
    for report in rounds:
        assert report["check_right"] >= 0.9 * report["check_taken"]
    # The last training saw every labelled image and the last round's sure readings.
    assert sum(reader.learned.lengths.values()) == 36 + rounds[-1]["taken"]


def test_too_few_labelled_images_for_a_check_is_one_clear_error(tiny_dataset_dir):
    dataset = load_dataset(tiny_dataset_dir).subset(range(12))
    with pytest.raises(DatasetError, match="too few to hold out a check of 10"):
        self_train(dataset, [], TINY_READER, progress=False, log=print)


def test_self_training_keeps_case_on_a_mixed_case_scheme(tmp_path):
    synth = dataclasses.replace(TINY_SYNTH, alphabet="aAbBx")
    generate_dataset(tmp_path, 48, synth, seed=5, progress=False)
    dataset = load_dataset(tmp_path)
    assert dataset.alphabet != dataset.alphabet.lower()
    labelled, unlabelled = dataset.subset(range(30)), dataset.subset(range(30, 48))
    reader = self_train(
        labelled,
        unlabelled.paths,
        dataclasses.replace(TINY_READER, rounds=1, epochs=8),
        settings=SelfTraining(rounds=1, precision=0.9, min_check=5),
        progress=False,
        log=lambda _m: None,
    )
    assert set(reader.alphabet) == set(dataset.alphabet)
    assert sum(reader.learned.lengths.values()) == 30 + reader.history["self_training"][-1]["taken"]


def test_self_training_keeps_the_text_extent_its_first_training_chose(tmp_path):
    waves = _wave_captchas(tmp_path, 40)
    reader = self_train(
        waves.subset(range(30)),
        waves.subset(range(30, 40)).paths,
        dataclasses.replace(TINY_READER, rounds=1, epochs=4),
        settings=SelfTraining(rounds=1, precision=0.9, min_check=5),
        progress=False,
        log=lambda _m: None,
    )
    assert reader.config.segment.strip.tall_fraction == TINY_READER.cleaning.tall_fraction


def test_continued_self_training_refines_the_previous_network_once(tiny_dataset_dir):
    dataset = load_dataset(tiny_dataset_dir)
    messages = []
    config = dataclasses.replace(TINY_READER, rounds=2, epochs=8, refine_epochs=3)
    reader = self_train(
        dataset.subset(range(36)),
        dataset.subset(range(36, 60)).paths,
        config,
        settings=SelfTraining(rounds=1, precision=0.9, min_check=5, continued=True),
        progress=False,
        log=messages.append,
    )
    # The first training runs both rounds from scratch; the last one starts from its network
    # and runs a single round of the refine epochs.
    assert sum("started from the base model" in m for m in messages) == 1
    assert len(reader.history["rounds"]) == 1
    assert [e["epoch"] for e in reader.history["epochs"]] == [0, 1, 2]
    assert reader.config.rounds == 1 and reader.config.learning_rate < config.learning_rate
