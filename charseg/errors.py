"""The one error type for files that cannot be read as images."""

from __future__ import annotations

__all__ = ["ImageLoadError"]


class ImageLoadError(ValueError):
    """An image file is missing, unreadable, empty or of an unsupported kind.

    The message always starts with the offending path.
    """

    def __init__(self, path: object, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")
