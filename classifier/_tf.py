"""TensorFlow and Keras, imported once with TensorFlow's native start-up lines muted.

Every module of this package that needs them imports them from here, so that importing the
package itself (or its configuration dataclasses) stays free of TensorFlow.
"""

from __future__ import annotations

import os


def _import_quietly() -> None:
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


_import_quietly()

import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

__all__ = ["keras", "tf"]
