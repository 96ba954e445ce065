import threading

import numpy as np
import pytest

from classifier import (
    ModelConfig,
    ModelFileError,
    OnnxClassifier,
    WindowClassifier,
    WindowSpec,
    build_network,
    load_classifier,
    padded_width,
    sharing_cores,
    transfer_weights,
)
from tests.classifier.conftest import SMALL, SPEC, bar_strips


def _as_lists(strips, windows):
    return list(strips), list(windows)


def test_fit_learns_the_bars_and_predict_reads_pre_cut_glyphs(bar_classifier):
    strips, windows, labels = bar_strips(1, 20)
    proba = bar_classifier.window_proba(*_as_lists(strips, windows))
    assert proba.shape == (60, 4)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-5)
    assert np.mean(proba[:, :3].argmax(axis=1) == labels.ravel()) > 0.9
    # The same bars cut out of their strips and read one at a time.
    glyphs = [strips[r, :, int(a) : int(b), 0] for r in range(20) for a, b in windows[r]]
    chars, conf = bar_classifier.predict(glyphs)
    assert np.mean([c == "abc"[t] for c, t in zip(chars, labels.ravel(), strict=True)]) > 0.8
    assert np.all((conf > 0) & (conf <= 1))
    assert bar_classifier.predict([]) == ([], pytest.approx(np.zeros(0)))


def test_a_batch_of_strips_reads_like_one_strip_at_a_time(bar_classifier):
    rng = np.random.default_rng(2)
    strips = [rng.random((16, int(w), 2)).astype(np.float32) for w in rng.integers(20, 80, 5)]
    windows = []
    for s in strips:
        a = rng.integers(0, s.shape[1] - 4, int(rng.integers(1, 9)))
        windows.append(np.stack([a, a + rng.integers(2, 12, len(a))], axis=1).astype(np.float32))
    together = bar_classifier.window_proba(strips, windows)
    alone = [bar_classifier.window_proba([s], [w]) for s, w in zip(strips, windows, strict=True)]
    np.testing.assert_allclose(together, np.concatenate(alone), atol=1e-5)


def test_inputs_are_checked(bar_classifier):
    with pytest.raises(ValueError, match="strips must have shape"):
        bar_classifier.window_proba([np.zeros((8, 20, 2), np.float32)], [np.zeros((1, 2))])
    with pytest.raises(ValueError, match="window lists"):
        bar_classifier.window_proba([], [np.zeros((1, 2))])
    with pytest.raises(ValueError, match="channels"):
        bar_classifier.predict([np.ones((10, 10, 3), np.float32)])
    with pytest.raises(ValueError, match="outputs"):
        WindowClassifier(bar_classifier.model, "abcd", SPEC, "strip", reject=True)


def test_registry_names_the_networks():
    with pytest.raises(ValueError, match="valid names: \\['strip'\\]"):
        build_network(3, SPEC, ModelConfig(network="rnn"))
    with pytest.raises(ValueError, match="n_outputs"):
        build_network(1, SPEC, SMALL)
    with pytest.raises(ValueError, match="halve"):
        build_network(3, WindowSpec(height=8), ModelConfig(filters=(4, 4, 4, 4)))
    with pytest.raises(ValueError, match="multiple of 8"):
        WindowSpec(height=20)


def test_file_round_trip_with_onnx_equals_tensorflow(bar_classifier, tmp_path):
    strips, windows, _ = bar_strips(3, 6)
    bar_classifier.save(tmp_path / "s.keras", extra={"note": "hi"})
    fast, meta = load_classifier(tmp_path / "s.keras")
    plain, _ = load_classifier(tmp_path / "s.keras", runtime="tensorflow")
    assert fast.forward is not None and plain.forward is None
    assert (fast.alphabet, fast.spec, fast.network, fast.reject) == ("abc", SPEC, "strip", True)
    assert meta["note"] == "hi" and meta["window"] == {"height": 16, "channels": 2, "context": 2}
    want = bar_classifier.window_proba(*_as_lists(strips, windows))
    np.testing.assert_allclose(fast.window_proba(*_as_lists(strips, windows)), want, atol=1e-5)
    np.testing.assert_allclose(plain.window_proba(*_as_lists(strips, windows)), want, atol=1e-5)
    single, _ = load_classifier(tmp_path / "s.keras", threads=1)
    np.testing.assert_allclose(single.window_proba(*_as_lists(strips, windows)), want, atol=1e-5)
    assert not list(tmp_path.glob(".*"))  # no temporary file left behind
    with pytest.raises(ValueError, match="runtime"):
        load_classifier(tmp_path / "s.keras", runtime="torch")


def test_sharing_cores_runs_the_network_on_one_thread_of_the_calling_thread_only(
    bar_classifier, tmp_path
):
    strips, windows, _ = bar_strips(3, 6)
    bar_classifier.save(tmp_path / "s.keras")
    fast, _ = load_classifier(tmp_path / "s.keras")
    want = fast.window_proba(*_as_lists(strips, windows))
    assert "_one_thread" not in vars(fast.forward)  # a lone call keeps every core
    other: list[bool] = []
    with sharing_cores():
        shared = fast.window_proba(*_as_lists(strips, windows))
        worker = threading.Thread(target=lambda: other.append(_uses_one_thread(fast)))
        worker.start()
        worker.join()
    assert "_one_thread" in vars(fast.forward)
    np.testing.assert_allclose(shared, want, atol=1e-6)
    assert other == [False] and not _uses_one_thread(fast)  # other threads, and after


def _uses_one_thread(classifier) -> bool:
    """Whether a call of the classifier's ONNX graph goes to its one-thread session now."""
    forward = classifier.forward
    one = vars(forward).pop("_one_thread", None)
    forward(*[np.zeros((1, 16, 24, 2), np.float32), np.zeros((1, 1, 2), np.float32)])
    used = "_one_thread" in vars(forward)
    if one is not None:
        vars(forward)["_one_thread"] = one
    return used


def test_a_classifier_loaded_for_reading_trains_and_saves_like_its_keras_one(
    bar_classifier, tmp_path
):
    bar_classifier.save(tmp_path / "s.keras")
    fast, _ = load_classifier(tmp_path / "s.keras")
    assert isinstance(fast, OnnxClassifier) and not isinstance(fast, WindowClassifier)
    strips, windows, _ = bar_strips(5, 4)
    from_fast = WindowClassifier.build("ab", SPEC, SMALL, reject=True)
    from_keras = WindowClassifier.build("ab", SPEC, SMALL, reject=True)
    assert transfer_weights(fast, from_fast) == transfer_weights(bar_classifier, from_keras)
    np.testing.assert_allclose(
        from_fast.window_proba(*_as_lists(strips, windows)),
        from_keras.window_proba(*_as_lists(strips, windows)),
        atol=1e-6,
    )
    fast.save(tmp_path / "again.keras")
    again, _ = load_classifier(tmp_path / "again.keras")
    np.testing.assert_allclose(
        again.window_proba(*_as_lists(strips, windows)),
        fast.window_proba(*_as_lists(strips, windows)),
        atol=1e-6,
    )


def test_transfer_maps_outputs_by_symbol(bar_classifier):
    target = WindowClassifier.build("cxa", SPEC, SMALL, reject=True)
    assert transfer_weights(bar_classifier, target) == "ca"
    strips, windows, _ = bar_strips(4, 4)
    src = bar_classifier.window_proba(*_as_lists(strips, windows))
    dst = target.window_proba(*_as_lists(strips, windows))
    # Same hidden layers and the same output units for c, a and reject: equal logits, so the
    # probability ratios between those classes agree.
    np.testing.assert_allclose(dst[:, 0] / dst[:, 2], src[:, 2] / src[:, 0], rtol=1e-4)
    np.testing.assert_allclose(dst[:, 3] / dst[:, 2], src[:, 3] / src[:, 0], rtol=1e-4)
    other = WindowClassifier.build("ab", SPEC, ModelConfig(filters=(4, 8), dense=8), reject=False)
    with pytest.raises(ValueError, match="architectures differ"):
        transfer_weights(bar_classifier, other)


def test_padded_width_leaves_room_for_the_context():
    for width in range(1, 200, 7):
        for context in (0, 2, 8):
            padded = padded_width(width, context)
            assert padded % 8 == 0 and padded >= width + context + 1


def test_unknown_network_in_a_file_is_refused(bar_classifier, tmp_path):
    bar_classifier.network = "rnn"
    try:
        bar_classifier.save(tmp_path / "r.keras")
    finally:
        bar_classifier.network = "strip"
    with pytest.raises(ModelFileError, match="r.keras.*does not know: 'rnn'"):
        load_classifier(tmp_path / "r.keras")
    with pytest.raises(ModelFileError, match="missing.keras"):
        load_classifier(tmp_path / "missing.keras")
