"""Training checkpoints: the network after every epoch and the alignment of every round.

A checkpoint is a folder holding `network.keras` (weights and optimizer state) and
`state.json` (round, finished epochs, alignment, learned widths, random state, logs). Both
are written to a temporary name and renamed, so an interrupted write leaves the previous
checkpoint intact.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import classifier
from charseg import PathError

if TYPE_CHECKING:
    from classifier._tf import keras

__all__ = ["Checkpoint", "CheckpointError", "TrainingState", "fingerprint"]

_STATE = "state.json"
_NETWORK = "network.keras"
_CLEANING = "cleaning.json"


class CheckpointError(PathError):
    """A checkpoint that cannot be resumed or must not be overwritten."""


def fingerprint(labels: list[str], names: list[str], config: dict[str, Any]) -> str:
    """Hash of what a resumed run must share with the interrupted one."""
    blob = json.dumps([labels, names, config], sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()


@dataclass
class TrainingState:
    """Where a training run stands.

    Attributes
    ----------
    round : int
        The round in progress.
    epochs_done : int
        Finished epochs of that round.
    cuts : list of (list of int or None)
        The alignment the round trains on.
    bounds : list of float
        Learned relative width bounds (low, high).
    widths : dict
        Learned width prior (`WidthModel.to_dict`).
    reports : list of dict
        Finished rounds' reports.
    epochs : list of dict
        Per-epoch log (round, epoch, loss, accuracy) so far.
    fingerprint : str
    """

    round: int
    epochs_done: int
    cuts: list[list[int] | None]
    bounds: list[float]
    widths: dict[str, list[float]]
    reports: list[dict[str, Any]]
    epochs: list[dict[str, Any]]
    fingerprint: str


class Checkpoint:
    """A checkpoint folder; nothing is written until the first `save`."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)

    def exists(self) -> bool:
        """True when a resumable state is there."""
        return (self.folder / _STATE).is_file() and (self.folder / _NETWORK).is_file()

    def save(self, state: TrainingState, network: keras.Model | None = None) -> None:
        """Write the network (when given), then the state that refers to it."""
        self.folder.mkdir(parents=True, exist_ok=True)
        if network is not None:
            classifier.save_network(network, self.folder / _NETWORK)
        tmp_state = self.folder / f".{_STATE}.tmp"
        tmp_state.write_text(json.dumps(state.__dict__))
        os.replace(tmp_state, self.folder / _STATE)

    def load(self, expected_fingerprint: str) -> tuple[TrainingState, keras.Model]:
        """The saved state and network (compiled, with its optimizer state).

        Raises
        ------
        CheckpointError
            Missing or damaged files, or a checkpoint of another dataset or configuration.
        """
        if not self.exists():
            raise CheckpointError(self.folder, "no checkpoint to resume from")
        try:
            state = TrainingState(**json.loads((self.folder / _STATE).read_text()))
        except (OSError, ValueError, TypeError) as err:
            raise CheckpointError(self.folder, f"damaged checkpoint state ({err})") from None
        if state.fingerprint != expected_fingerprint:
            raise CheckpointError(
                self.folder,
                "checkpoint of a different dataset or settings; delete it to start afresh",
            )
        try:
            network = classifier.load_network(self.folder / _NETWORK)
        except classifier.ModelFileError as err:
            raise CheckpointError(self.folder, f"damaged checkpoint ({err.problem})") from None
        return state, network

    def save_cleaning(self, choice: dict[str, Any]) -> None:
        """Write the cleaning chosen for the run (before its first epoch)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.folder / f".{_CLEANING}.tmp"
        tmp.write_text(json.dumps(choice))
        os.replace(tmp, self.folder / _CLEANING)

    def load_cleaning(self) -> dict[str, Any] | None:
        """The cleaning chosen for the run, or None when it was not saved."""
        try:
            return dict(json.loads((self.folder / _CLEANING).read_text()))
        except (OSError, ValueError):
            return None

    def remove(self) -> None:
        """Delete the folder (after the final model is written)."""
        shutil.rmtree(self.folder, ignore_errors=True)
