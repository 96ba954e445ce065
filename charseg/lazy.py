"""Lazy package exports: a name is imported from its module on first use.

A package's `__init__` lists where each public name lives; importing the package then costs
nothing, and heavy dependencies (TensorFlow, matplotlib) load only with the modules that use
them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(package: str, exports: Mapping[str, str]) -> Callable[[str], Any]:
    """A module-level ``__getattr__`` for `package` that imports ``exports[name]`` (a module
    relative to the package) on first access and returns its attribute `name`.

    Examples
    --------
    >>> getter = lazy_exports("charseg", {"clean": ".clean"})
    >>> getter("clean").__name__
    'clean'
    """

    def __getattr__(name: str) -> Any:
        if name not in exports:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(exports[name], package), name)

    return __getattr__
