import pytest

from pipeline import Dataset, load_dataset, train_reader
from pipeline.cli import main
from pipeline.training import PRETRAIN_STYLES, synthetic_corpus
from tests.conftest import TINY_READER


def test_fine_tuning_from_a_base_reader(tiny_reader, tiny_dataset_dir):
    dataset = load_dataset(tiny_dataset_dir).subset(range(20))
    messages = []
    reader = train_reader(
        dataset, TINY_READER, progress=False, log=messages.append, init=tiny_reader
    )
    assert any(
        f"{len(dataset.alphabet)} of {len(dataset.alphabet)} symbols mapped" in m for m in messages
    )
    assert reader.config.model == tiny_reader.config.model
    texts = [r.text for r in reader.read(dataset.paths[:8])]
    assert sum(t == label for t, label in zip(texts, dataset.labels[:8], strict=True)) >= 2


def test_fine_tuning_names_the_symbols_the_base_lacks(tiny_reader, tiny_dataset_dir):
    dataset = load_dataset(tiny_dataset_dir).subset(range(12))
    labels = [label[0].upper() + label[1:] for label in dataset.labels]
    renamed = Dataset(dataset.paths, labels)
    new = "".join(sorted(set(renamed.alphabet) - set(tiny_reader.classifier.alphabet)))
    assert new
    messages = []
    train_reader(renamed, TINY_READER, progress=False, log=messages.append, init=tiny_reader)
    mapped = len(renamed.alphabet) - len(new)
    line = next(m for m in messages if "symbols mapped" in m)
    assert f"{mapped} of {len(renamed.alphabet)} symbols mapped; {new!r} start untrained" in line


def test_synthetic_corpus_spreads_over_styles(tmp_path):
    corpus = synthetic_corpus(tmp_path, 14, alphabet="abc12", progress=False)
    assert len(corpus) == 14
    assert set(corpus.alphabet) <= set("abc12")
    assert set(corpus.lengths) <= set(range(3, 9))
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
