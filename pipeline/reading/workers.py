"""Batches of captchas read in forked worker processes, one per core.

Cleaning is many small NumPy calls that hold Python's lock, so threads of one process cannot
overlap it; processes can. A worker is forked with the reader already loaded (no start-up
cost beyond the fork), runs a module-level function on each batch it is given, cleaning and
network (one thread) included, and sends back the result; results come back in order.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import signal
import sys
import warnings
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import classifier as classifiers

if TYPE_CHECKING:
    from .reader import CaptchaReader

__all__ = ["MIN_PARTS", "map_in_workers", "usable_cores", "worker_count"]

#: Fewest batches worth worker processes: forking costs a few milliseconds a process.
MIN_PARTS = 4

#: Where cgroup v2 states a container's CPU quota ("max" or "<quota> <period>").
_CPU_MAX = Path("/sys/fs/cgroup/cpu.max")

Result = TypeVar("Result")
_READER: CaptchaReader | None = None  # the reader of a forked worker process


def worker_count(reader: CaptchaReader, n_parts: int) -> int:
    """Worker processes for `n_parts` batches: one per core where there are several cores,
    at least `MIN_PARTS` batches, a network run without TensorFlow (a forked process must
    not touch TensorFlow's threads) and Linux (macOS system libraries are not safe to fork);
    else 0."""
    if (
        n_parts < MIN_PARTS
        or not isinstance(reader.classifier, classifiers.OnnxClassifier)
        or not sys.platform.startswith("linux")
        or multiprocessing.current_process().daemon  # a daemon cannot have children
    ):
        return 0
    cores = usable_cores()
    return min(cores, n_parts) if cores > 1 else 0


def usable_cores() -> int:
    """The cores this process may use: those it may run on, fewer where a container's CPU
    quota (cgroup v2 ``cpu.max``) allows less, as on many CI runners."""
    cores = len(os.sched_getaffinity(0))
    try:
        quota, period = _CPU_MAX.read_text().split()[:2]
        if quota != "max":
            cores = min(cores, max(1, math.ceil(int(quota) / int(period))))
    except (OSError, ValueError):
        pass  # no cgroup v2 quota to read: the affinity stands
    return cores


def map_in_workers(
    reader: CaptchaReader,
    function: Callable[..., Result],
    parts: Sequence[tuple[Any, ...]],
    workers: int,
) -> Iterator[Result]:
    """``function(reader, *part)`` for each part, in order, run by `workers` forked
    processes, at most two parts a worker in flight (memory stays flat). `function` must be
    defined at module level."""
    with warnings.catch_warnings():
        # Python 3.12+ warns that forking a threaded process may deadlock: the workers use
        # neither TensorFlow nor the runtime's thread pool, only a one-thread session.
        warnings.simplefilter("ignore", DeprecationWarning)
        pool = multiprocessing.get_context("fork").Pool(
            workers, initializer=_adopt, initargs=(reader,)
        )
    with pool:
        pending: deque = deque()
        for part in parts:
            pending.append(pool.apply_async(_run, (function, part)))
            if len(pending) >= 2 * workers:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


def _adopt(reader: CaptchaReader) -> None:
    """A worker's start: its reader, and Ctrl-C left to the parent, which ends the pool."""
    global _READER
    _READER = reader
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run(function: Callable[..., Result], part: tuple[Any, ...]) -> Result:
    assert _READER is not None, "a worker runs only in a pool of map_in_workers"
    with classifiers.sharing_cores():  # the other workers have the other cores
        return function(_READER, *part)
