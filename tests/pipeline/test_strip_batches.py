import numpy as np
import pytest

from charseg import model_free_cuts
from classifier import AugmentConfig
from pipeline import load_dataset
from pipeline.strip_batches import StripBatches, _strike
from pipeline.windows import ink_extents


@pytest.fixture(scope="module")
def aligned(tiny_reader, tiny_dataset_dir):
    ds = load_dataset(tiny_dataset_dir)
    prepared = tiny_reader.prepare(ds.paths[:20])
    seg = tiny_reader.config.segment
    cuts = [
        model_free_cuts(p, len(lab), seg) for p, lab in zip(prepared, ds.labels[:20], strict=True)
    ]
    assert all(c is not None for c in cuts)  # rows below index the 20 images directly
    index = {c: n for n, c in enumerate(tiny_reader.alphabet)}
    labels = [np.array([index[c] for c in lab]) for lab in ds.labels[:20]]
    return prepared, cuts, labels, seg


def _batches(aligned, **kw):
    prepared, cuts, labels, seg = aligned
    args = dict(
        batch_size=4,
        jitter=2,
        copies=1,
        negatives=1.0,
        negative_offset=0.3,
        reject_index=5,
        augment=AugmentConfig(),
        seed=0,
    )
    return StripBatches(prepared, cuts, labels, seg, **{**args, **kw})


def test_batches_have_one_shape_and_hold_the_aligned_windows(aligned):
    prepared, cuts, labels, _ = aligned
    data = _batches(aligned, augment=AugmentConfig(0, 0, 0, 0, 0, 0, 0))
    assert len(data) == 5
    shapes = {tuple(a.shape for a in (*data[i][0], *data[i][1:])) for i in range(len(data))}
    assert len(shapes) == 1
    order = np.random.default_rng([0, 0]).permutation(20)
    (strips, windows), y, weight = data[0]
    for n, row in enumerate(order[:4]):
        k, strip = len(labels[row]), prepared[row].strip
        # the first 2k windows are the aligned glyphs and a jittered copy of each
        assert list(y[n, : 2 * k]) == list(np.repeat(labels[row], 2))
        a, b = ink_extents(strip.profile, cuts[row][:-1], cuts[row][1:])
        np.testing.assert_array_equal(windows[n, : 2 * k : 2], np.stack([a, b], axis=1))
        used = weight[n] > 0
        assert np.all(y[n, used][2 * k :] == 5) and np.all(y[n, ~used] == 0)
        width = strip.channels.shape[1]
        np.testing.assert_array_equal(strips[n, :, :width], strip.channels)
        assert not strips[n, :, width:].any()


def test_draws_repeat_per_epoch_and_batch_and_change_between_epochs(aligned):
    data = _batches(aligned)
    first = data[1]
    again = _batches(aligned)[1]
    for x, z in zip((*first[0], *first[1:]), (*again[0], *again[1:]), strict=True):
        np.testing.assert_array_equal(x, z)
    data.on_epoch_end()
    assert not np.array_equal(data[1][0][1], first[0][1])


def test_no_reject_class_means_no_negatives(aligned):
    labels = aligned[2]
    data = _batches(aligned, reject_index=None)
    _, y, weight = data[0]
    rows = np.random.default_rng([0, 0]).permutation(20)[:4]
    assert weight.sum() == 2 * sum(len(labels[r]) for r in rows)
    assert data.windows_per_epoch == 2 * sum(len(lab) for lab in labels)
    assert np.all(y < 5)
    with pytest.raises(ValueError, match="aligned"):
        StripBatches(
            [],
            [],
            [],
            aligned[3],
            batch_size=2,
            jitter=1,
            copies=0,
            negatives=0,
            negative_offset=0.3,
            reject_index=None,
            augment=AugmentConfig(),
            seed=0,
        )


def test_strike_lines_add_raw_ink_and_sometimes_cut_the_line_free_ink():
    rng = np.random.default_rng(0)
    strip = np.zeros((32, 120, 2), np.float32)
    strip[6:26, 10:110] = 0.5
    cut = 0
    for _ in range(20):
        out = _strike(strip, rng)
        assert out.shape == strip.shape and out.dtype == np.float32
        assert (out[:, :, 0] >= strip[:, :, 0]).all() and (out[:, :, 0] > 0.5).any()
        assert (out[:, :, 1] <= strip[:, :, 1]).all()
        cut += bool((out[:, :, 1] < strip[:, :, 1]).any())
    assert 3 <= cut <= 17  # about half of the lines
