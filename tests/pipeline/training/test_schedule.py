import math

import pytest

from pipeline import ReaderConfig
from pipeline.training.rounds import round_batch_size, round_epochs


@pytest.mark.parametrize(
    ("strips", "expected"),
    [(1600, 16), (1000, 10), (672, 8), (40, 8)],
)
def test_the_step_floor_takes_smaller_batches_first(strips, expected):
    config = ReaderConfig(min_steps=1200, class_views=0, batch_size=16, min_batch=8)
    assert round_batch_size(config, strips, 500.0) == expected


def test_epochs_stretch_only_below_the_smallest_batch():
    config = ReaderConfig()
    batch = round_batch_size(config, 672, 672 * 5 / 19)
    steps = math.ceil(672 / batch)
    assert batch == config.min_batch
    assert round_epochs(config, 0, steps, 672 * 5 / 19) == 15
    assert round_epochs(config, 1, steps, 672 * 5 / 19) == 8


def test_symbol_views_count_before_the_batch_shrinks():
    # 57 symbols seen 52 times each: the epochs stretch for the views, which fills the floor.
    assert round_batch_size(ReaderConfig(), 736, 736 * 4 / 57) == 16


@pytest.mark.parametrize(
    "config",
    [ReaderConfig(min_steps=0), ReaderConfig(batch_size=8, min_batch=12)],
)
def test_batch_size_kept_without_a_floor_or_when_already_small(config):
    assert round_batch_size(config, 100, 10.0) == config.batch_size


def test_batch_sizes_must_be_positive():
    with pytest.raises(ValueError, match="min_batch"):
        ReaderConfig(min_batch=0)
