"""What training learns about a scheme besides the network's weights."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from charseg import WidthBounds

from .widths import WidthModel

__all__ = ["Learned"]


@dataclass(frozen=True)
class Learned:
    """A scheme's lengths, widths and reading weight, as learned from its training labels.

    Attributes
    ----------
    lengths : dict of int to int
        How many training labels have each length (the allowed lengths and their prior).
    widths : WidthModel
        Per-character prior on a glyph's relative width.
    bounds : WidthBounds
        Lowest and highest relative width of a window.
    decode_weight : float
        Weight of the width prior when reading.
    """

    lengths: dict[int, int]
    widths: WidthModel
    bounds: WidthBounds
    decode_weight: float

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "lengths": {str(k): n for k, n in self.lengths.items()},
            "widths": self.widths.to_dict(),
            "bounds": list(self.bounds),
            "decode_weight": self.decode_weight,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Learned:
        """Inverse of `to_dict`.

        Examples
        --------
        >>> import numpy as np
        >>> learned = Learned({5: 3}, WidthModel(np.ones(2), np.ones(2)), (0.3, 2.0), 0.5)
        >>> Learned.from_dict(learned.to_dict()).lengths
        {5: 3}
        """
        low, high = data["bounds"]
        return cls(
            {int(k): int(n) for k, n in data["lengths"].items()},
            WidthModel.from_dict(data["widths"]),
            (float(low), float(high)),
            float(data["decode_weight"]),
        )
