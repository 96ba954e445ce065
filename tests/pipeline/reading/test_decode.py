import numpy as np
import pytest

from pipeline import load_dataset
from pipeline.reading import decode, decode_batch, length_log_prior
from pipeline.reading.decode import _end_scores


def _scored(reader, paths):
    prepared = reader.prepare(paths)
    return prepared, reader.score(prepared)


def test_batch_decoding_equals_one_image_at_a_time(tiny_reader, tiny_dataset_dir):
    prepared, scores = _scored(tiny_reader, load_dataset(tiny_dataset_dir).paths[:40])
    learned = tiny_reader.learned
    args = (tiny_reader.alphabet, length_log_prior(learned.lengths), learned.widths)
    together = decode_batch(scores, prepared, *args, width_weight=0.5)
    for sc, prep, found in zip(scores, prepared, together, strict=True):
        alone = decode(sc, prep, *args, width_weight=0.5)
        assert (alone.text, alone.score) == (found.text, found.score)
        assert np.array_equal(alone.cuts, found.cuts) and np.array_equal(alone.probs, found.probs)


def test_lengths_compete_by_total_score_plus_length_prior(tiny_reader, tiny_dataset_dir):
    prepared, scores = _scored(tiny_reader, load_dataset(tiny_dataset_dir).paths[:12])
    lengths = sorted(tiny_reader.learned.lengths)
    prior = length_log_prior(tiny_reader.learned.lengths)
    widths = tiny_reader.learned.widths
    found = decode_batch(scores, prepared, tiny_reader.alphabet, prior, widths, width_weight=0.0)
    for n, best in enumerate(found):
        # Without the width prior a reading's score is its summed log-probability...
        total = float(np.log(best.probs).sum()) + prior[len(best.text)]
        assert best.score == pytest.approx(total, abs=1e-4)
        # ...and it is the best over the lengths, each decoded alone.
        alone = [
            decode(
                scores[n],
                prepared[n],
                tiny_reader.alphabet,
                {k: prior[k]},
                widths,
                width_weight=0.0,
            ).score
            for k in lengths
        ]
        assert best.score == pytest.approx(max(alone))


def test_ink_beyond_the_end_zones_may_be_left_as_junk_at_the_reject_cost(
    tiny_reader, tiny_dataset_dir
):
    prepared, scores = _scored(tiny_reader, load_dataset(tiny_dataset_dir).paths[:6])
    m = max(len(p.candidates) for p in prepared)
    starts, ends = _end_scores(scores, prepared, m)
    assert tiny_reader.classifier.reject
    for row, (sc, prep) in enumerate(zip(scores, prepared, strict=True)):
        last = len(prep.candidates) - 1
        expected_start, expected_end = np.full(m, -np.inf), np.full(m, -np.inf)
        for i, j, rej in zip(sc.i, sc.j, sc.log_reject, strict=True):
            if i == 0:
                expected_start[j] = rej
            if j == last:
                expected_end[i] = rej
        expected_start[prep.starts], expected_end[prep.ends] = 0.0, 0.0
        assert np.array_equal(starts[row], expected_start)
        assert np.array_equal(ends[row], expected_end)
        assert np.all(starts[row][np.isfinite(starts[row])] <= 0)
