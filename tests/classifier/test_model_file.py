import json
import zipfile

import numpy as np
import pytest

from classifier import (
    ModelFileError,
    WindowClassifier,
    load_classifier,
    load_model_file,
    load_network,
    read_metadata,
    save_model_file,
    save_network,
)
from classifier._tf import keras
from classifier.model_file import read_attachment
from tests.classifier.conftest import SMALL, SPEC, bar_strips


def test_save_requires_keras_suffix(bar_classifier, tmp_path):
    with pytest.raises(ValueError, match=".keras"):
        save_model_file(tmp_path / "m.h5", bar_classifier.model, {})


def test_missing_truncated_foreign_and_altered_files(bar_classifier, tmp_path):
    with pytest.raises(ModelFileError, match="no such model file"):
        read_metadata(tmp_path / "none.keras")
    good = tmp_path / "good.keras"
    bar_classifier.save(good)
    data = good.read_bytes()
    (tmp_path / "cut.keras").write_bytes(data[: len(data) // 3])
    with pytest.raises(ModelFileError, match="cut.keras"):
        load_model_file(tmp_path / "cut.keras")
    (tmp_path / "text.keras").write_text("not a model")
    with pytest.raises(ModelFileError, match="damaged or not a model"):
        read_metadata(tmp_path / "text.keras")
    keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)]).save(tmp_path / "foreign.keras")
    with pytest.raises(ModelFileError, match="not a captcha-cnn model"):
        read_metadata(tmp_path / "foreign.keras")


def _rewrite_meta(src, dst, change):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for item in zin.namelist():
            content = zin.read(item)
            if item == "captcha_cnn.json":
                record = json.loads(content)
                change(record)
                content = json.dumps(record).encode()
            zout.writestr(item, content)


def test_version_and_checksum_are_checked(bar_classifier, tmp_path):
    good = tmp_path / "good.keras"
    bar_classifier.save(good)
    _rewrite_meta(good, tmp_path / "v.keras", lambda r: r.update(format_version=99))
    with pytest.raises(ModelFileError, match="format version 99"):
        read_metadata(tmp_path / "v.keras")
    _rewrite_meta(good, tmp_path / "c.keras", lambda r: r["metadata"].update(alphabet="xyz"))
    with pytest.raises(ModelFileError, match="checksum"):
        read_metadata(tmp_path / "c.keras")


def _rewrite_attachment(src, dst, content):
    """Copy a model file, replacing (None: dropping) its ONNX graph."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for item in zin.namelist():
            if item != "captcha_cnn/network.onnx":
                zout.writestr(item, zin.read(item))
            elif content is not None:
                zout.writestr(item, content)


def test_file_without_onnx_graph_is_converted_and_damaged_graph_refused(bar_classifier, tmp_path):
    strips, windows, _ = bar_strips(5, 4)
    want = bar_classifier.window_proba(list(strips), list(windows))
    bar_classifier.save(tmp_path / "g.keras")
    _rewrite_attachment(tmp_path / "g.keras", tmp_path / "old.keras", None)
    old, _ = load_classifier(tmp_path / "old.keras")
    assert old.forward is not None
    np.testing.assert_allclose(old.window_proba(list(strips), list(windows)), want, atol=1e-5)
    _rewrite_attachment(tmp_path / "g.keras", tmp_path / "bad.keras", b"not a graph")
    with pytest.raises(ModelFileError, match="bad.keras.*damaged ONNX graph"):
        load_classifier(tmp_path / "bad.keras")
    other = WindowClassifier.build("ab", SPEC, SMALL, reject=False)  # 2 outputs, not 4
    other.save(tmp_path / "other.keras")
    graph = read_attachment(tmp_path / "other.keras", "network.onnx")
    _rewrite_attachment(tmp_path / "g.keras", tmp_path / "swapped.keras", graph)
    with pytest.raises(ModelFileError, match="swapped.keras.*graph has 2 outputs"):
        load_classifier(tmp_path / "swapped.keras")


def test_checkpoint_network_keeps_its_optimizer(bar_classifier, tmp_path):
    save_network(bar_classifier.model, tmp_path / "net.keras")
    again = load_network(tmp_path / "net.keras")
    assert again.optimizer is not None
    assert [w.shape for w in again.get_weights()] == [
        w.shape for w in bar_classifier.model.get_weights()
    ]
    (tmp_path / "broken.keras").write_bytes(b"PK")
    with pytest.raises(ModelFileError, match="broken.keras: damaged network"):
        load_network(tmp_path / "broken.keras")
