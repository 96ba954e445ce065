"""Errors about files: one base type whose message starts with the path, and the one for
files that cannot be read as images."""

from __future__ import annotations

__all__ = ["PathError", "ImageLoadError"]


class PathError(ValueError):
    """A file or folder that cannot be used; the message starts with its path.

    Every package's file errors (images, model files, datasets, checkpoints) derive from it,
    so a command catches them all with one clause and prints one line.
    """

    def __init__(self, path: object, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")

    def __reduce__(self) -> tuple[type, tuple[str, str]]:
        # Rebuilt from path and problem (a worker process sends it back pickled).
        return type(self), (self.path, self.problem)


class ImageLoadError(PathError):
    """An image file is missing, unreadable, empty or of an unsupported kind."""
