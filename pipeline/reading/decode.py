"""Classifier-guided choice of cuts: decoding unknown text and force-aligning known labels.

The dynamic program of `charseg.best_paths` picks, per image and allowed length, the
windows whose summed log-probability (`score_windows`) plus width prior is highest.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from charseg import Prepared, best_path, best_paths

from .scores import WindowScores
from .widths import WidthModel

__all__ = ["Decoded", "align", "decode", "decode_batch", "length_log_prior"]

_DECODE_CHUNK = 32


@dataclass(frozen=True)
class Decoded:
    """Best reading of one image: text, per-character probabilities and chosen cut columns."""

    text: str
    probs: np.ndarray
    cuts: np.ndarray
    score: float


def _joint(
    log_proba: np.ndarray, rel: np.ndarray, widths: WidthModel, width_weight: float
) -> np.ndarray:
    """Log-probability plus weighted width prior of every (window, class), -inf where the
    window's relative width `rel` is NaN (not allowed)."""
    joint = log_proba + width_weight * widths.log_prior(np.nan_to_num(rel, nan=1.0))
    joint[np.isnan(rel)] = -np.inf
    return joint


def _matrix(m: int, scores: WindowScores, values: np.ndarray) -> np.ndarray:
    mat = np.full((*values.shape[:-1], m, m), -np.inf)
    mat[..., scores.i, scores.j] = values
    return mat


def length_log_prior(lengths: Mapping[int, int]) -> dict[int, float]:
    """Log prior of each text length from its count in the training labels.

    Examples
    --------
    >>> length_log_prior({5: 3, 4: 1})
    {4: -1.3862943611198906, 5: -0.2876820724517809}
    """
    total = sum(lengths.values())
    return {k: float(np.log(n / total)) for k, n in sorted(lengths.items())}


def decode(
    scores: WindowScores,
    prepared: Prepared,
    alphabet: str,
    length_log_prior: Mapping[int, float],
    widths: WidthModel,
    *,
    width_weight: float = 1.0,
) -> Decoded:
    """Best text over the allowed lengths (keys of `length_log_prior`): the highest total of
    window scores (log-probability plus weighted width log-density) plus length log-prior."""
    return decode_batch(
        [scores], [prepared], alphabet, length_log_prior, widths, width_weight=width_weight
    )[0]


def decode_batch(
    scores: Sequence[WindowScores],
    prepared: Sequence[Prepared],
    alphabet: str,
    length_log_prior: Mapping[int, float],
    widths: WidthModel,
    *,
    width_weight: float = 1.0,
) -> list[Decoded]:
    """`decode` for many images, with one dynamic program per length for a few dozen at once
    (more would make padded score matrices that outgrow the CPU caches)."""
    out: list[Decoded] = []
    for lo in range(0, len(scores), _DECODE_CHUNK):
        part = slice(lo, lo + _DECODE_CHUNK)
        out += _decode_chunk(
            scores[part], prepared[part], alphabet, length_log_prior, widths, width_weight
        )
    return out


def _decode_chunk(
    scores: Sequence[WindowScores],
    prepared: Sequence[Prepared],
    alphabet: str,
    length_log_prior: Mapping[int, float],
    widths: WidthModel,
    width_weight: float,
) -> list[Decoded]:
    empty = Decoded("", np.zeros(0), np.zeros(0, int), -np.inf)
    live = [
        n
        for n, (sc, prep) in enumerate(zip(scores, prepared, strict=True))
        if not prep.strip.empty and len(sc.i)
    ]
    out = [empty] * len(scores)
    if not live:
        return out
    parts = [scores[n] for n in live]
    m = max(len(prepared[n].candidates) for n in live)
    image = np.repeat(np.arange(len(live)), [len(sc.i) for sc in parts])
    i = np.concatenate([sc.i for sc in parts])
    j = np.concatenate([sc.j for sc in parts])
    log_proba = np.concatenate([sc.log_proba for sc in parts])
    window = np.zeros((len(live), m, m), int)
    window[image, i, j] = np.arange(len(i))
    starts, ends = _end_scores(parts, [prepared[n] for n in live], m)
    # Lengths compete by total score (log-probabilities plus weighted width log-densities)
    # plus the length log-prior. A per-character mean let a reading drop a hard glyph at an
    # end or merge two (generated 4-6 characters: 91.5% whole instead of 94.0%, BENCHMARKS.md).
    for k, log_prior in length_log_prior.items():
        rel = np.concatenate([sc.rel[k] for sc in parts])
        joint = _joint(log_proba, rel, widths, width_weight)
        best_char = joint.argmax(axis=1)
        matrix = np.full((len(live), 1, m, m), -np.inf)
        matrix[image, 0, i, j] = joint.max(axis=1)
        totals, paths = best_paths(matrix, k, starts=starts, ends=ends)
        for row, n in enumerate(live):
            rank = totals[row] + log_prior
            if not np.isfinite(totals[row]) or rank <= out[n].score:
                continue
            path = paths[row]
            idx = window[row, path[:-1], path[1:]]
            chars = best_char[idx]
            out[n] = Decoded(
                "".join(alphabet[c] for c in chars),
                np.exp(log_proba[idx, chars]),
                prepared[n].candidates[path],
                float(rank),
            )
    return out


def _end_scores(
    scores: Sequence[WindowScores], prepared: Sequence[Prepared], m: int
) -> tuple[np.ndarray, np.ndarray]:
    """Scores (B, m) of beginning and ending the chain of glyphs at each cut.

    0 inside the end zones (`Prepared.starts`, `ends`). Beyond them, the ink before the first
    cut or after the last one may be left unread as junk (a line remnant, a stray mark) at the
    cost of the reject class's log-probability for that stretch as one window, when the
    classifier has a reject class and that window was scored.
    """
    starts = np.full((len(prepared), m), -np.inf)
    ends = np.full((len(prepared), m), -np.inf)
    for row, (sc, prep) in enumerate(zip(scores, prepared, strict=True)):
        if sc.log_reject is not None:
            last = len(prep.candidates) - 1
            head, tail = sc.i == 0, sc.j == last
            starts[row, sc.j[head]] = sc.log_reject[head]
            ends[row, sc.i[tail]] = sc.log_reject[tail]
        starts[row, prep.starts] = 0.0
        ends[row, prep.ends] = 0.0
    return starts, ends


def align(
    scores: WindowScores,
    prepared: Prepared,
    label_index: np.ndarray,
    widths: WidthModel,
    *,
    width_weight: float = 1.0,
) -> np.ndarray | None:
    """Cut columns that best explain a known label (forced alignment), or None if impossible.

    Parameters
    ----------
    label_index : ndarray of shape (k,), int
        Alphabet index of each label character.
    """
    k = len(label_index)
    if prepared.strip.empty or len(scores.i) == 0:
        return None
    values = _joint(scores.log_proba, scores.rel[k], widths, width_weight)[:, label_index].T
    _, path = best_path(
        _matrix(len(prepared.candidates), scores, values),
        k,
        starts=prepared.starts,
        ends=prepared.ends,
    )
    return prepared.candidates[path] if path.size else None
