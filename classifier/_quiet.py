"""Import TensorFlow without its native start-up lines on stderr."""

from __future__ import annotations

import os


def import_tensorflow_quietly() -> None:
    """Import TensorFlow with file descriptor 2 muted.

    TensorFlow's C++ start-up notes (oneDNN, CPU features) are written straight to fd 2 and,
    in TF 2.21, ignore ``TF_CPP_MIN_LOG_LEVEL`` set from Python. Python-level errors still
    surface: the exception is raised after fd 2 is restored.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            import tensorflow  # noqa: F401
    finally:
        os.dup2(saved, 2)
        os.close(saved)
