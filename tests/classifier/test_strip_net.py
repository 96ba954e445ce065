import numpy as np
import pytest
import tensorflow as tf

from classifier import (
    GlyphClassifier,
    ModelConfig,
    ModelFileError,
    StripClassifier,
    WindowSample,
    build_model,
    build_strip_model,
    load_classifier,
)

SMALL = ModelConfig(filters=(4, 8, 8), dense=8, column_features=8, samples=4)


@pytest.fixture(scope="module")
def strip_classifier():
    model = build_strip_model(4, 16, 2, context=2, config=SMALL)
    return StripClassifier(model, "abc", 16, 2, 2, reject=True)


def _strips(seed=0, n=5):
    rng = np.random.default_rng(seed)
    strips = [rng.random((16, int(w), 2)).astype(np.float32) for w in rng.integers(20, 80, n)]
    windows = []
    for s in strips:
        a = rng.integers(0, s.shape[1] - 4, int(rng.integers(1, 9)))
        windows.append(np.stack([a, a + rng.integers(2, 12, len(a))], axis=1).astype(np.float32))
    return strips, windows


def test_window_sample_interpolates_column_features_evenly_over_the_window():
    features = tf.constant(np.arange(10, dtype=np.float32).reshape(1, 10, 1))
    windows = tf.constant([[[4.0, 12.0], [0.0, 2.0]]])
    out = WindowSample(samples=4, context=0, step=2, height=8)(features, windows).numpy()[0]
    # points 5, 7, 9, 11 (centres of quarters of [4, 12)) -> feature rows x / 2 - 0.5
    np.testing.assert_allclose(out[0], [2.0, 3.0, 4.0, 5.0, 1.0])
    # points 0.25 .. 1.75 fall left of row 0's centre, clipped to it; width 2 / height 8
    np.testing.assert_allclose(out[1], [0.0, 0.0, 0.125, 0.375, 0.25])


def test_window_proba_of_a_batch_equals_one_strip_at_a_time(strip_classifier):
    strips, windows = _strips()
    together = strip_classifier.window_proba(strips, windows)
    assert together.shape == (sum(len(w) for w in windows), 4)
    alone = np.concatenate(
        [strip_classifier.window_proba([s], [w]) for s, w in zip(strips, windows, strict=True)]
    )
    np.testing.assert_allclose(together, alone, atol=1e-5)
    np.testing.assert_allclose(together.sum(axis=1), 1.0, atol=1e-5)
    with pytest.raises(ValueError, match="strips must have shape"):
        strip_classifier.window_proba([np.zeros((8, 20, 2), np.float32)], [windows[0]])


def test_strip_file_round_trip_onnx_equals_tensorflow(strip_classifier, tmp_path):
    strips, windows = _strips(seed=1)
    strip_classifier.save(tmp_path / "s.keras", extra={"note": "hi"})
    fast, meta = load_classifier(tmp_path / "s.keras")
    plain, _ = load_classifier(tmp_path / "s.keras", runtime="tensorflow")
    assert isinstance(fast, StripClassifier) and fast.forward is not None and plain.forward is None
    assert (fast.alphabet, fast.height, fast.context, fast.reject) == ("abc", 16, 2, True)
    assert meta["note"] == "hi" and meta["network"] == "strip"
    with pytest.raises(ModelFileError, match="strip network"):
        GlyphClassifier.load(tmp_path / "s.keras")
    want = strip_classifier.window_proba(strips, windows)
    np.testing.assert_allclose(fast.window_proba(strips, windows), want, atol=1e-5)
    np.testing.assert_allclose(plain.window_proba(strips, windows), want, atol=1e-5)


def test_load_classifier_gives_the_glyph_network_of_a_glyph_file(tmp_path):
    clf = GlyphClassifier(build_model(3, 16, 1, ModelConfig(filters=(4,), dense=8)), "abc", 16, 1)
    clf.save(tmp_path / "g.keras")
    again, _ = load_classifier(tmp_path / "g.keras")
    assert isinstance(again, GlyphClassifier)
    with pytest.raises(ModelFileError, match="missing.keras"):
        load_classifier(tmp_path / "missing.keras")


def test_predict_reads_pre_cut_glyphs_of_any_size(strip_classifier):
    chars, conf = strip_classifier.predict([np.ones((30, 9)), np.zeros((8, 40, 2), np.float32)])
    assert len(chars) == 2 and set(chars) <= set("abc") and np.all((conf > 0) & (conf <= 1))
    assert strip_classifier.predict([]) == ([], pytest.approx(np.zeros(0)))


def test_strip_model_checks_its_shape():
    with pytest.raises(ValueError, match="multiple of 8"):
        build_strip_model(3, 20, 2, 0)
    with pytest.raises(ValueError, match="network"):
        ModelConfig(network="rnn")
    with pytest.raises(ValueError, match="outputs"):
        StripClassifier(build_strip_model(3, 16, 2, 0, SMALL), "abcd", 16, 2, 0)
