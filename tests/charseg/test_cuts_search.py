import itertools

import numpy as np
import pytest

from charseg import best_path, best_paths, candidate_cuts, window_pairs


def test_candidates_include_gap_middles_and_minima():
    profile = np.array([0, 5, 6, 5, 0, 0, 0, 4, 6, 1, 6, 4, 0], float)
    cuts = candidate_cuts(profile, 1, 12, grid_step=100, min_gap=2)
    assert cuts[0] == 1 and cuts[-1] == 12
    assert 5 in cuts  # middle of the gap 4..6
    assert 9 in cuts  # the minimum between the touching pair


def test_grid_fills_long_inkwells_and_respects_min_gap():
    cuts = candidate_cuts(np.ones(100), 0, 100, grid_step=10, min_gap=3)
    assert np.all(np.diff(cuts) >= 3)
    assert 9 <= len(cuts) <= 12


def test_anchors_are_kept():
    cuts = candidate_cuts(np.ones(50), 0, 50, grid_step=20, min_gap=2, anchors=(7,))
    assert 7 in cuts


def test_a_line_stub_meeting_a_glyph_gets_a_cut_where_the_glyph_begins():
    # A thin line (2 rows) runs into a glyph at column 11; the grid alone cuts at 10 and 15.
    profile = np.array([0] + [2] * 10 + [13] * 7 + [0], float)
    plain = candidate_cuts(profile, 1, 18, grid_step=5, min_gap=2)
    edged = candidate_cuts(profile, 1, 18, grid_step=5, min_gap=2, thin=0.3)
    assert 11 not in plain and 11 in edged


def test_window_pairs_respects_bounds():
    i, j = window_pairs(np.array([0, 3, 10, 20]), 5, 12)
    widths = np.array([0, 3, 10, 20])[j] - np.array([0, 3, 10, 20])[i]
    assert np.all((widths >= 5) & (widths <= 12)) and len(i) == 3


def _brute(scores, k, starts, ends):
    m = scores.shape[-1]
    best = -np.inf
    for inner in itertools.combinations(range(m), k + 1):
        if inner[0] not in starts or inner[-1] not in ends:
            continue
        total = sum(
            scores[min(t, scores.shape[0] - 1), a, b]
            for t, (a, b) in enumerate(itertools.pairwise(inner))
        )
        best = max(best, total)
    return best


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("per_position", [False, True])
def test_best_path_is_exact(seed, per_position):
    rng = np.random.default_rng(seed)
    m, k = 7, 3
    scores = rng.normal(size=(k if per_position else 1, m, m))
    scores[:, np.tril_indices(m)[0], np.tril_indices(m)[1]] = -np.inf
    starts, ends = np.array([0, 1]), np.array([5, 6])
    total, path = best_path(scores, k, starts=starts, ends=ends)
    assert total == pytest.approx(_brute(scores, k, set(starts), set(ends)))
    assert len(path) == k + 1 and path[0] in starts and path[-1] in ends


def test_best_path_reports_impossible_chains_and_bad_input():
    total, path = best_path(np.full((3, 3), -np.inf), 2)
    assert total == -np.inf and path.size == 0
    with pytest.raises(ValueError, match="n_chars"):
        best_path(np.zeros((3, 3)), 0)
    with pytest.raises(ValueError, match="shape"):
        best_path(np.zeros((3, 4)), 1)


def test_batched_paths_equal_single_ones_with_padding():
    rng = np.random.default_rng(3)
    k, size = 3, 9
    batch = np.full((4, 1, size, size), -np.inf)
    starts, ends = np.zeros((4, size), bool), np.zeros((4, size), bool)
    singles = []
    for b, m in enumerate([5, 9, 7, 4]):
        scores = np.round(rng.normal(size=(m, m)), 1)  # ties happen
        scores[np.tril_indices(m)] = -np.inf
        batch[b, 0, :m, :m] = scores
        starts[b, :2], ends[b, m - 2 : m] = True, True
        singles.append(best_path(scores, k, starts=np.array([0, 1]), ends=np.array([m - 2, m - 1])))
    totals, paths = best_paths(
        batch, k, starts=np.where(starts, 0.0, -np.inf), ends=np.where(ends, 0.0, -np.inf)
    )
    for b, (total, path) in enumerate(singles):
        if path.size:
            assert totals[b] == total and np.array_equal(paths[b], path)
        else:
            assert totals[b] == -np.inf


def test_start_and_end_scores_steer_the_chain():
    scores = np.full((4, 4), -np.inf)
    scores[0, 2], scores[1, 2], scores[2, 3], scores[1, 3] = -1.0, -0.5, -1.0, -3.0
    start_scores = np.array([[0.0, 0.0, -np.inf, -np.inf]])
    end_scores = np.array([[-np.inf, -np.inf, -np.inf, 0.0]])
    totals, paths = best_paths(scores[None, None], 2, starts=start_scores, ends=end_scores)
    assert totals[0] == -1.5 and paths[0].tolist() == [1, 2, 3]
    # Beginning at cut 1 now costs 2: the chain begins at cut 0 instead.
    start_scores[0, 1] = -2.0
    totals, paths = best_paths(scores[None, None], 2, starts=start_scores, ends=end_scores)
    assert totals[0] == -2.0 and paths[0].tolist() == [0, 2, 3]
