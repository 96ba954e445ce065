"""Per-character width prior: wide glyphs (m, w) and narrow ones (i, 1) each get their own."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["WidthModel"]


@dataclass(frozen=True)
class WidthModel:
    """Gaussian prior on a glyph's relative width (width / mean width of its image), per class.

    Attributes
    ----------
    mean, sigma : ndarray of shape (A,)
    """

    mean: np.ndarray
    sigma: np.ndarray

    @classmethod
    def uniform(cls, n_classes: int, sigma: float) -> WidthModel:
        """The same broad prior for every class (before any alignment)."""
        return cls(np.ones(n_classes), np.full(n_classes, sigma))

    @classmethod
    def fit(
        cls,
        rel: Sequence[np.ndarray | None],
        labels: Sequence[np.ndarray],
        n_classes: int,
        *,
        sigma: float,
        min_sigma: float,
        prior_count: float,
    ) -> WidthModel:
        """Estimate each class's mean and spread from the relative widths of aligned glyphs.

        Rare classes are shrunk toward the pooled estimate (`prior_count` pseudo-samples);
        no spread is below `min_sigma`. Without any aligned glyph, `uniform(n_classes, sigma)`.
        """
        pairs = [(r, lab) for r, lab in zip(rel, labels, strict=True) if r is not None]
        if not pairs:
            return cls.uniform(n_classes, sigma)
        values = np.concatenate([r for r, _ in pairs])
        owners = np.concatenate([lab for _, lab in pairs])
        pooled_mean, pooled_var = values.mean(), max(values.var(), min_sigma**2)
        count = np.bincount(owners, minlength=n_classes).astype(float)
        total = np.bincount(owners, weights=values, minlength=n_classes)
        mean = (total + prior_count * pooled_mean) / (count + prior_count)
        sq = np.bincount(owners, weights=(values - mean[owners]) ** 2, minlength=n_classes)
        var = (sq + prior_count * pooled_var) / (count + prior_count)
        return cls(mean, np.maximum(np.sqrt(var), min_sigma))

    def log_prior(self, rel: np.ndarray) -> np.ndarray:
        """Log prior (up to a constant per class) of widths `rel` (n,) for every class: (n, A)."""
        z = (rel[:, None] - self.mean[None, :]) / self.sigma[None, :]
        return -0.5 * z**2 - np.log(self.sigma)[None, :]

    def to_dict(self) -> dict[str, list[float]]:
        """JSON form."""
        return {"mean": self.mean.tolist(), "sigma": self.sigma.tolist()}

    @classmethod
    def from_dict(cls, data: dict[str, list[float]]) -> WidthModel:
        """Inverse of `to_dict`."""
        return cls(np.asarray(data["mean"], float), np.asarray(data["sigma"], float))
