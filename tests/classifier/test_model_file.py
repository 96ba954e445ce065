import json
import zipfile

import keras
import numpy as np
import pytest

from classifier import (
    AugmentConfig,
    GlyphClassifier,
    ModelConfig,
    ModelFileError,
    TrainConfig,
    build_model,
    fit,
    load_model_file,
    read_metadata,
    save_model_file,
)


@pytest.fixture(scope="module")
def glyph_classifier():
    """A 3-class classifier trained for a few epochs on bars of different widths."""
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = np.zeros((90, 16, 16, 1), np.float32)
    y = np.repeat(np.arange(3), 30)
    for n, cls in enumerate(y):
        lo = int(rng.integers(1, 4))
        x[n, 2:14, lo : lo + 2 + 4 * cls] = 1.0
    model = build_model(3, 16, 1, ModelConfig(filters=(8,), dense=16, dropout=0.0))
    fit(
        model,
        x,
        y,
        TrainConfig(
            epochs=20, batch_size=16, learning_rate=1e-2, augment=AugmentConfig(0, 0, 0, 0, 0, 0, 0)
        ),
    )
    return GlyphClassifier(model, "abc", 16, 1), x, y


def test_fit_learns_and_predicts(glyph_classifier):
    clf, x, y = glyph_classifier
    chars, conf = clf.predict(list(x[:, :, :, 0]))
    accuracy = np.mean([c == "abc"[t] for c, t in zip(chars, y, strict=True)])
    assert accuracy > 0.8 and np.all((conf > 0) & (conf <= 1))


def test_save_load_round_trip_gives_equal_predictions(glyph_classifier, tmp_path):
    clf, x, _ = glyph_classifier
    clf.save(tmp_path / "g.keras", extra={"note": "hi"})
    again, meta = GlyphClassifier.load(tmp_path / "g.keras")
    assert again.alphabet == "abc" and again.glyph_size == 16 and meta["note"] == "hi"
    np.testing.assert_allclose(again.predict_proba(x), clf.predict_proba(x), atol=1e-5)
    assert not list(tmp_path.glob(".*"))  # no temp file left behind


def test_save_requires_keras_suffix(glyph_classifier, tmp_path):
    with pytest.raises(ValueError, match=".keras"):
        save_model_file(tmp_path / "m.h5", glyph_classifier[0].model, {})


def test_missing_truncated_foreign_and_altered_files(glyph_classifier, tmp_path):
    with pytest.raises(ModelFileError, match="no such model file"):
        read_metadata(tmp_path / "none.keras")
    good = tmp_path / "good.keras"
    glyph_classifier[0].save(good)
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


def test_version_and_checksum_are_checked(glyph_classifier, tmp_path):
    good = tmp_path / "good.keras"
    glyph_classifier[0].save(good)
    _rewrite_meta(good, tmp_path / "v.keras", lambda r: r.update(format_version=99))
    with pytest.raises(ModelFileError, match="format version 99"):
        read_metadata(tmp_path / "v.keras")
    _rewrite_meta(good, tmp_path / "c.keras", lambda r: r["metadata"].update(alphabet="xyz"))
    with pytest.raises(ModelFileError, match="checksum"):
        read_metadata(tmp_path / "c.keras")


def test_alphabet_must_match_outputs(glyph_classifier):
    with pytest.raises(ValueError, match="outputs"):
        GlyphClassifier(glyph_classifier[0].model, "abcd", 16, 1)
    with pytest.raises(ValueError, match="batch must have shape"):
        glyph_classifier[0].predict_proba(np.zeros((2, 8, 8, 1), np.float32))


def test_build_model_validates_classes():
    with pytest.raises(ValueError, match="n_classes"):
        build_model(1, 16, 1)
    with pytest.raises(ValueError, match="no glyphs"):
        fit(build_model(2, 16, 1), np.zeros((0, 16, 16, 1)), np.zeros(0), TrainConfig())


def test_onnx_runtime_reads_like_tensorflow(glyph_classifier, tmp_path):
    clf, x, _ = glyph_classifier
    clf.save(tmp_path / "g.keras")
    fast, _ = GlyphClassifier.load(tmp_path / "g.keras")
    plain, _ = GlyphClassifier.load(tmp_path / "g.keras", runtime="tensorflow")
    assert fast.forward is not None and plain.forward is None
    np.testing.assert_allclose(fast.predict_proba(x), plain.predict_proba(x), atol=1e-5)
    with pytest.raises(ValueError, match="runtime"):
        GlyphClassifier.load(tmp_path / "g.keras", runtime="torch")


def _rewrite_attachment(src, dst, content):
    """Copy a model file, replacing (None: dropping) its ONNX graph."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for item in zin.namelist():
            if item != "captcha_cnn/glyph.onnx":
                zout.writestr(item, zin.read(item))
            elif content is not None:
                zout.writestr(item, content)


def test_file_without_onnx_graph_is_converted_and_damaged_graph_refused(glyph_classifier, tmp_path):
    clf, x, _ = glyph_classifier
    clf.save(tmp_path / "g.keras")
    _rewrite_attachment(tmp_path / "g.keras", tmp_path / "old.keras", None)
    old, _ = GlyphClassifier.load(tmp_path / "old.keras")
    assert old.forward is not None
    np.testing.assert_allclose(old.predict_proba(x), clf.predict_proba(x), atol=1e-5)
    _rewrite_attachment(tmp_path / "g.keras", tmp_path / "bad.keras", b"not a graph")
    with pytest.raises(ModelFileError, match="bad.keras.*damaged ONNX graph"):
        GlyphClassifier.load(tmp_path / "bad.keras")
