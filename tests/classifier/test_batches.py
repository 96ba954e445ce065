import numpy as np
import pytest

from charseg import SegmentConfig, ink_extents, load_pixels, model_free_cuts, prepare
from classifier import AugmentConfig, StripBatches, augment_strip, bad_windows, padded_width
from classifier.augment import _strike
from pipeline import load_dataset

OFF = AugmentConfig(shear=0, zoom=0, shift=0, stroke=0, noise=0, lines=0)


@pytest.fixture(scope="module")
def aligned(tiny_dataset_dir):
    ds = load_dataset(tiny_dataset_dir)
    seg = SegmentConfig()
    prepared = [prepare(load_pixels(p), seg) for p in ds.paths[:20]]
    cuts = [
        model_free_cuts(p, len(lab), seg) for p, lab in zip(prepared, ds.labels[:20], strict=True)
    ]
    assert all(c is not None for c in cuts)  # rows below index the 20 images directly
    index = {c: n for n, c in enumerate(ds.alphabet)}
    labels = [np.array([index[c] for c in lab]) for lab in ds.labels[:20]]
    return prepared, cuts, labels, seg.width_bounds


def _batches(aligned, **kw):
    prepared, cuts, labels, bounds = aligned
    args = dict(
        context=8,
        batch_size=4,
        jitter=2,
        copies=1,
        negatives=1.0,
        negative_offset=0.3,
        reject_index=5,
        augment=AugmentConfig(),
        seed=0,
        pool=8,
    )
    return StripBatches(prepared, cuts, labels, bounds, **{**args, **kw})


def test_batches_hold_the_aligned_windows_of_strips_padded_to_their_own_widest(aligned):
    prepared, cuts, labels, _ = aligned
    data = _batches(aligned, augment=OFF)
    assert len(data) == 5
    rows = data.batch_rows(0)
    assert sorted(np.concatenate(rows).tolist()) == list(range(20))
    for index, batch_rows in enumerate(rows):
        (strips, windows), y, weight = data[index]
        widest = max(prepared[r].strip.channels.shape[1] for r in batch_rows)
        assert strips.shape[2] == padded_width(widest, 8)
        for n, row in enumerate(batch_rows):
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


def test_batches_group_strips_of_about_one_width(aligned):
    prepared = aligned[0]
    widths = np.array([p.strip.channels.shape[1] for p in prepared])
    assert widths.max() - widths.min() >= 16  # the test needs strips of several widths
    data = _batches(aligned, augment=OFF, pool=5)  # one pool: all 20 strips sorted by width
    spans = sorted((widths[r].min(), widths[r].max()) for r in data.batch_rows(0))
    assert all(hi <= lo for (_, hi), (lo, _) in zip(spans, spans[1:], strict=False))
    padded = [data[n][0][0].shape[2] for n in range(len(data))]
    assert min(padded) < max(padded) == padded_width(widths.max(), 8)


def test_draws_repeat_per_epoch_and_batch_and_change_between_epochs(aligned):
    data = _batches(aligned)
    first = data[1]
    again = _batches(aligned)[1]
    for x, z in zip((*first[0], *first[1:]), (*again[0], *again[1:]), strict=True):
        np.testing.assert_array_equal(x, z)
    data.epoch = 1
    assert not np.array_equal(data[1][0][1], first[0][1])


def test_no_reject_class_means_no_negatives(aligned):
    labels = aligned[2]
    data = _batches(aligned, reject_index=None)
    _, y, weight = data[0]
    rows = data.batch_rows(0)[0]
    assert weight.sum() == 2 * sum(len(labels[r]) for r in rows)
    assert data.windows_per_epoch == 2 * sum(len(lab) for lab in labels)
    assert np.all(y < 5)
    with pytest.raises(ValueError, match="aligned"):
        StripBatches(
            [],
            [],
            [],
            aligned[3],
            context=8,
            batch_size=2,
            jitter=1,
            copies=0,
            negatives=0,
            negative_offset=0.3,
            reject_index=None,
            augment=AugmentConfig(),
            seed=0,
            pool=8,
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


def test_bad_windows_are_far_from_the_aligned_cuts(aligned):
    prepared, cuts, _, bounds = aligned
    for prep, cut in zip(prepared[:5], cuts[:5], strict=True):
        lo, hi = bad_windows(prep, cut, bounds, 0.3)
        assert len(lo) > 0
        far = 0.3 * prep.mean_width(len(cut) - 1)
        near = (np.abs(lo[:, None] - cut[None, :-1]) <= far) & (
            np.abs(hi[:, None] - cut[None, 1:]) <= far
        )
        assert not near.any()


def test_augmentation_off_is_identity_and_zoom_moves_the_windows():
    rng = np.random.default_rng(0)
    strip = rng.random((16, 40, 2)).astype(np.float32)
    windows = np.array([[12.0, 16.0], [22.0, 26.0]])  # near the centre: never clipped
    out, moved = augment_strip(strip, windows, OFF, rng)
    np.testing.assert_array_equal(out, strip)
    np.testing.assert_array_equal(moved, windows)
    zoom = AugmentConfig(shear=0, zoom=0.3, shift=0, stroke=0, noise=0, lines=0)
    _, moved = augment_strip(strip, windows, zoom, np.random.default_rng(1))
    centre = 20.0
    ratio = (moved - centre) / (windows - centre + 1e-9)
    assert not np.allclose(moved, windows)
    np.testing.assert_allclose(ratio, ratio[0, 0], rtol=1e-6)
    assert 0.7 <= ratio[0, 0] <= 1.3
