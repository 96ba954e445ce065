"""Debug overlays: what the segmenter and the classifier saw and chose, as an RGB image."""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from charseg import Box, Prepared, boxes_from_cuts

__all__ = ["draw_overlay"]

_CANDIDATE = (150, 150, 150)
_CUT = (0, 90, 255)
_BOX = (0, 170, 0)
_WRONG = (220, 0, 0)
_TEXT = (0, 0, 0)


def draw_overlay(
    image: np.ndarray,
    prepared: Prepared,
    cuts: Sequence[int] | np.ndarray,
    *,
    text: str | None = None,
    confidences: Sequence[float] | None = None,
    truth: str | None = None,
    scale: int = 0,
) -> np.ndarray:
    """Render one image's segmentation (and reading, when given) for a person to check.

    Top: the source image with candidate cuts (thin gray), chosen cuts (bold blue) and
    glyph boxes (green, red where the character is wrong). Middle: the cleaned text mask with
    the same cuts. Bottom: a caption with each character and its confidence, and the truth.

    Parameters
    ----------
    image : ndarray of shape (H, W, 3) or (H, W), float in [0, 1]
    prepared : Prepared
        The image's cleaned maps, strip and candidates.
    cuts : sequence of int
        Chosen cut columns in the strip.
    text, confidences, truth : optional
        The reading and the known label.
    scale : int
        Magnification (0 picks one that makes the image about 150 pixels tall).

    Returns
    -------
    ndarray of shape (h, w, 3), uint8 RGB
    """
    if image.ndim == 2:
        image = np.repeat(image[:, :, None], 3, axis=2)
    h, w = image.shape[:2]
    scale = scale or max(1, int(round(150 / h)))
    top = cv2.resize(
        (image * 255).astype(np.uint8), (w * scale, h * scale), interpolation=cv2.INTER_NEAREST
    )
    mask = np.where(prepared.cleaned.text, 0, 255).astype(np.uint8)
    mid = cv2.resize(
        np.repeat(mask[:, :, None], 3, axis=2),
        (w * scale, h * scale),
        interpolation=cv2.INTER_NEAREST,
    )
    strip = prepared.strip
    cand_cols = strip.to_source_cols(prepared.candidates) * scale
    cut_cols = strip.to_source_cols(np.asarray(cuts, int)) * scale
    boxes = (
        boxes_from_cuts(strip, np.asarray(cuts, int), prepared.cleaned.mask) if len(cuts) else []
    )
    wrong = _wrong_positions(text, truth)
    for panel in (top, mid):
        _mark(panel, cand_cols, cut_cols, boxes, wrong, scale)
    caption = _caption(w * scale, boxes, scale, text, confidences, truth, wrong)
    return np.vstack([top, np.full((4, w * scale, 3), 255, np.uint8), mid, caption])


def _mark(
    panel: np.ndarray,
    candidates: np.ndarray,
    cuts: np.ndarray,
    boxes: Sequence[Box],
    wrong: set[int],
    scale: int,
) -> None:
    """Draw candidate ticks, chosen cuts and glyph boxes (red where wrong) onto `panel`."""
    for x in candidates:
        cv2.line(panel, (int(x), 0), (int(x), 3 * scale), _CANDIDATE, 1)
    for x in cuts:
        cv2.line(panel, (int(x), 0), (int(x), panel.shape[0] - 1), _CUT, max(2, scale // 2))
    for n, (t, left, b, right) in enumerate(boxes):
        colour = _WRONG if n in wrong else _BOX
        cv2.rectangle(
            panel, (left * scale, t * scale), (right * scale - 1, b * scale - 1), colour, 1
        )


def _wrong_positions(text: str | None, truth: str | None) -> set[int]:
    if text is None or truth is None:
        return set()
    return {
        i
        for i in range(max(len(text), len(truth)))
        if i >= len(text) or i >= len(truth) or text[i] != truth[i]
    }


def _caption(width, boxes, scale, text, confidences, truth, wrong) -> np.ndarray:
    lines = 2 if text is not None else 1
    panel = np.full((22 * lines + 24, width, 3), 255, np.uint8)
    font, size = cv2.FONT_HERSHEY_SIMPLEX, 0.5
    if text is not None:
        for n, char in enumerate(text):
            x = (boxes[n][1] * scale) if n < len(boxes) else 5 + 40 * n
            colour = _WRONG if n in wrong else _TEXT
            cv2.putText(panel, char, (x + 2, 18), font, 0.7, colour, 2)
            if confidences is not None and n < len(confidences):
                cv2.putText(panel, f"{confidences[n]:.2f}", (x + 2, 38), font, 0.4, colour, 1)
    summary = f"read: {text}" if text is not None else f"{len(boxes)} glyphs"
    if truth is not None:
        summary += f"   truth: {truth}   {'OK' if text == truth else 'WRONG'}"
    cv2.putText(panel, summary, (5, panel.shape[0] - 6), font, size, _WRONG if wrong else _TEXT, 1)
    return panel
