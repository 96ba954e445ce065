"""One self-describing model file: a `.keras` archive with our metadata inside.

Reading the metadata and attachments does not import TensorFlow; loading the network does.

The metadata (alphabet, glyph size, whatever the caller adds) is stored as `captcha_cnn.json`
in the archive with a format version and a SHA-256 of its content; attachments (the network
converted for ONNX Runtime) are stored beside it. Files are written to a temporary name and
renamed, so a crash never leaves a half-written model.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ModelFileError

if TYPE_CHECKING:
    from ._tf import keras

__all__ = [
    "FORMAT_VERSION",
    "save_model_file",
    "read_attachment",
    "read_metadata",
    "load_model_file",
    "save_network",
    "load_network",
]

FORMAT_VERSION = 2
_META_NAME = "captcha_cnn.json"
_ATTACHED = "captcha_cnn/"


def _digest(meta: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(meta, sort_keys=True).encode()).hexdigest()


def save_model_file(
    path: str | os.PathLike[str],
    model: keras.Model,
    metadata: dict[str, Any],
    attachments: dict[str, bytes] | None = None,
) -> None:
    """Write `model`, JSON-serializable `metadata` and named `attachments` atomically to
    `path` (a `.keras` file)."""
    path = Path(path)
    if path.suffix != ".keras":
        raise ValueError(f"model path {path} must end in .keras")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(suffix=".keras", prefix=f".{path.stem}.", dir=path.parent)
    os.close(fd)
    try:
        model.save(tmp_name)
        record = {
            "format_version": FORMAT_VERSION,
            "metadata": metadata,
            "sha256": _digest(metadata),
        }
        with zipfile.ZipFile(tmp_name, "a") as archive:
            archive.writestr(_META_NAME, json.dumps(record, indent=1))
            for name, data in (attachments or {}).items():
                archive.writestr(f"{_ATTACHED}{name}", data)
        os.replace(tmp_name, path)
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)


def read_metadata(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read and verify the metadata of a model file without loading the network.

    Raises
    ------
    ModelFileError
        Missing file, not a zip archive, no metadata, other format version, bad checksum.
    """
    path = Path(path)
    if not path.is_file():
        raise ModelFileError(path, "no such model file")
    try:
        with zipfile.ZipFile(path) as archive:
            if _META_NAME not in archive.namelist():
                raise ModelFileError(path, "not a captcha-cnn model (no metadata inside)")
            record = json.loads(archive.read(_META_NAME))
    except ModelFileError:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as err:
        raise ModelFileError(path, f"damaged or not a model file ({err})") from None
    if not isinstance(record, dict) or "metadata" not in record:
        raise ModelFileError(path, "damaged metadata")
    version = record.get("format_version")
    if version != FORMAT_VERSION:
        raise ModelFileError(path, f"format version {version}, this version reads {FORMAT_VERSION}")
    if record.get("sha256") != _digest(record["metadata"]):
        raise ModelFileError(path, "metadata checksum mismatch (file was altered or damaged)")
    return record["metadata"]


def read_attachment(path: str | os.PathLike[str], name: str) -> bytes | None:
    """An attachment saved with the model, or None if the file has none of that name."""
    try:
        with zipfile.ZipFile(path) as archive:
            member = f"{_ATTACHED}{name}"
            return archive.read(member) if member in archive.namelist() else None
    except (zipfile.BadZipFile, OSError) as err:
        raise ModelFileError(path, f"damaged or not a model file ({err})") from None


def load_model_file(path: str | os.PathLike[str]) -> tuple[keras.Model, dict[str, Any]]:
    """Load the network and verified metadata of a model file."""
    from ._tf import keras

    metadata = read_metadata(path)
    try:
        model = keras.models.load_model(path, compile=False)
    except Exception as err:  # keras raises many types for damaged archives
        raise ModelFileError(path, f"damaged network weights ({err.__class__.__name__})") from None
    return model, metadata


def save_network(model: keras.Model, path: str | os.PathLike[str]) -> None:
    """Write a network with its optimizer state (a training checkpoint) atomically."""
    path = Path(path)
    tmp = path.with_name(f".{path.stem}.tmp.keras")
    model.save(tmp)
    os.replace(tmp, path)


def load_network(path: str | os.PathLike[str]) -> keras.Model:
    """A network written by `save_network`, compiled, with its optimizer state.

    Raises
    ------
    ModelFileError
        A missing or damaged file.
    """
    from ._tf import keras

    try:
        return keras.models.load_model(path)
    except Exception as err:  # keras raises many types for damaged archives
        raise ModelFileError(path, f"damaged network ({err.__class__.__name__})") from None
