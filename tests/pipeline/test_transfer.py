import numpy as np
import pytest

from classifier import GlyphClassifier, ModelConfig, build_model, transfer_weights
from pipeline import CaptchaReader, load_dataset
from pipeline.cli import main
from pipeline.pretrain import PRETRAIN_STYLES, synthetic_corpus
from tests.conftest import TINY_READER

SMALL = ModelConfig(filters=(4, 8), dense=8)


def _classifier(alphabet, config=SMALL):
    model = build_model(len(alphabet) + 1, 16, 3, config)
    return GlyphClassifier(model, alphabet, 16, 3, reject=True)


def test_transfer_copies_layers_and_maps_outputs_by_symbol():
    source = _classifier("abc")
    target = build_model(4, 16, 3, SMALL)
    fresh_kernel, _ = (np.array(w) for w in target.layers[-1].get_weights())
    mapped = transfer_weights(source, target, "bcz", reject=True)
    assert mapped == "bc"
    for src, dst in zip(source.model.layers[:-1], target.layers[:-1], strict=True):
        for a, b in zip(src.get_weights(), dst.get_weights(), strict=True):
            np.testing.assert_array_equal(a, b)
    src_kernel, _ = source.model.layers[-1].get_weights()
    kernel, _ = target.layers[-1].get_weights()
    np.testing.assert_array_equal(kernel[:, 0], src_kernel[:, 1])  # b
    np.testing.assert_array_equal(kernel[:, 1], src_kernel[:, 2])  # c
    np.testing.assert_array_equal(kernel[:, 2], fresh_kernel[:, 2])  # z is new
    np.testing.assert_array_equal(kernel[:, 3], src_kernel[:, 3])  # reject


def test_transfer_refuses_other_architectures():
    source = _classifier("abc")
    with pytest.raises(ValueError, match="architectures differ"):
        transfer_weights(
            source, build_model(4, 16, 3, ModelConfig(filters=(4, 16), dense=8)), "abc", reject=True
        )
    with pytest.raises(ValueError, match="architectures differ"):
        transfer_weights(
            source, build_model(4, 16, 3, ModelConfig(filters=(4,), dense=8)), "abc", reject=True
        )


def test_fine_tuning_from_a_base_reader(tiny_reader, tiny_dataset_dir):
    dataset = load_dataset(tiny_dataset_dir).subset(range(20))
    messages = []
    reader = CaptchaReader(TINY_READER)
    reader.train(dataset, progress=False, log=messages.append, init=tiny_reader)
    assert any(
        f"{len(dataset.alphabet)} of {len(dataset.alphabet)} symbols mapped" in m for m in messages
    )
    assert reader.config.model == tiny_reader.config.model
    texts = [r.text for r in reader.read(dataset.paths[:8])]
    assert sum(t == label for t, label in zip(texts, dataset.labels[:8], strict=True)) >= 2


def test_synthetic_corpus_spreads_over_styles(tmp_path):
    corpus = synthetic_corpus(tmp_path, 14, alphabet="abc12", progress=False)
    assert len(corpus) == 14
    assert set(corpus.alphabet) <= set("abc12")
    assert set(corpus.lengths) <= {4, 5, 6}
    assert len({p.parent for p in corpus.paths}) == len(PRETRAIN_STYLES)
    with pytest.raises(ValueError, match="at least"):
        synthetic_corpus(tmp_path / "few", 2, progress=False)


def test_cli_init_and_pretrain_arguments(tmp_path, tiny_dataset_dir, capsys):
    missing = tmp_path / "base.keras"
    args = ["train", str(tiny_dataset_dir), "--model", str(tmp_path / "m.keras"), "--quiet"]
    assert main(args + ["--init", str(missing)]) == 2
    assert "base.keras" in capsys.readouterr().err
    assert main(["pretrain", "--model", str(tmp_path / "base.h5"), "--quiet"]) == 2
    assert "must end in .keras" in capsys.readouterr().err
