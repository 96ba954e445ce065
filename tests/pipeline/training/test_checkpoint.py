import dataclasses
import json

import numpy as np
import pytest

from pipeline import CheckpointError, load_dataset, train_reader
from pipeline.training import Checkpoint
from tests.conftest import TINY_READER

SHORT = dataclasses.replace(TINY_READER, epochs=3, refine_epochs=2, rounds=2)


def _quiet(_msg):
    pass


def _interrupt_after(monkeypatch, stop_at):
    """Make checkpoint saves raise KeyboardInterrupt right after writing `stop_at`."""
    real_save = Checkpoint.save

    def save(self, state, network=None):
        real_save(self, state, network)
        if (state.round, state.epochs_done) == stop_at:
            raise KeyboardInterrupt

    monkeypatch.setattr(Checkpoint, "save", save)


def test_interrupted_training_resumes_where_it_stopped(tmp_path, tiny_dataset_dir, monkeypatch):
    dataset = load_dataset(tiny_dataset_dir)
    folder = tmp_path / "run.ckpt"
    with monkeypatch.context() as patch:
        _interrupt_after(patch, (1, 1))
        with pytest.raises(KeyboardInterrupt):
            train_reader(dataset, SHORT, progress=False, log=_quiet, checkpoint=folder)
    state = json.loads((folder / "state.json").read_text())
    assert (state["round"], state["epochs_done"]) == (1, 1) and len(state["epochs"]) == 4

    with pytest.raises(CheckpointError, match="resume it or delete it"):
        train_reader(dataset, SHORT, progress=False, log=_quiet, checkpoint=folder)
    other = dataclasses.replace(SHORT, seed=5)
    with pytest.raises(CheckpointError, match="different dataset or settings"):
        train_reader(dataset, other, progress=False, log=_quiet, checkpoint=folder, resume=True)

    messages = []
    reader = train_reader(
        dataset, SHORT, progress=False, log=messages.append, checkpoint=folder, resume=True
    )
    assert "round 1 after 1 epoch" in messages[0]
    assert [r["round"] for r in reader.history["rounds"]] == [0, 1]
    # Only the missing epoch was trained: 3 of round 0 and 2 of round 1 in the log.
    assert [(e["round"], e["epoch"]) for e in reader.history["epochs"]] == [
        (0, 0),
        (0, 1),
        (0, 2),
        (1, 0),
        (1, 1),
    ]
    # Resuming a finished run gives the same reader at once.
    again = train_reader(dataset, SHORT, progress=False, log=_quiet, checkpoint=folder, resume=True)
    image = dataset.paths[0]
    assert again.read([image])[0].text == reader.read([image])[0].text
    assert np.isclose(again.read([image])[0].confidence, reader.read([image])[0].confidence)


def test_resume_needs_a_checkpoint(tmp_path, tiny_dataset_dir):
    dataset = load_dataset(tiny_dataset_dir)
    with pytest.raises(CheckpointError, match="no checkpoint to resume from"):
        train_reader(
            dataset, SHORT, progress=False, log=_quiet, checkpoint=tmp_path / "none", resume=True
        )
    with pytest.raises(ValueError, match="needs a checkpoint folder"):
        train_reader(dataset, SHORT, progress=False, log=_quiet, resume=True)


def test_damaged_checkpoint_is_reported(tmp_path, tiny_dataset_dir):
    folder = tmp_path / "bad.ckpt"
    folder.mkdir()
    (folder / "state.json").write_text("{not json")
    (folder / "network.keras").write_bytes(b"")
    with pytest.raises(CheckpointError, match="damaged checkpoint state"):
        train_reader(
            load_dataset(tiny_dataset_dir),
            SHORT,
            progress=False,
            log=_quiet,
            checkpoint=folder,
            resume=True,
        )


def test_damaged_checkpoint_network_is_reported(tmp_path, tiny_dataset_dir):
    dataset = load_dataset(tiny_dataset_dir)
    folder = tmp_path / "run.ckpt"
    with pytest.raises(KeyboardInterrupt), pytest.MonkeyPatch.context() as patch:
        _interrupt_after(patch, (0, 1))
        train_reader(dataset, SHORT, progress=False, log=_quiet, checkpoint=folder)
    (folder / "network.keras").write_bytes(b"PK not a network")
    with pytest.raises(CheckpointError, match="run.ckpt: damaged checkpoint"):
        train_reader(dataset, SHORT, progress=False, log=_quiet, checkpoint=folder, resume=True)
