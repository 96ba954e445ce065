"""The pipeline's error for a file or folder that cannot be used; the message starts with it."""

from __future__ import annotations

__all__ = ["PathError", "DatasetError", "CheckpointError"]


class PathError(ValueError):
    """A file or folder that cannot be used; the message starts with its path."""

    def __init__(self, path: object, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class DatasetError(PathError):
    """A dataset folder or label file cannot be used."""


class CheckpointError(PathError):
    """A checkpoint that cannot be resumed or must not be overwritten."""
