"""The one error type for model files that cannot be used."""

from __future__ import annotations

from charseg import PathError

__all__ = ["ModelFileError"]


class ModelFileError(PathError):
    """A model file is missing, damaged, of another format version, or not ours."""
