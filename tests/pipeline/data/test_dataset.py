import numpy as np
import pytest
from PIL import Image

from pipeline import DatasetError, glyph_labels, load_dataset


def _img(path):
    Image.new("L", (20, 10), 255).save(path)


def test_stems_are_labels_and_duplicates_share_them(tmp_path):
    for name in ("ab12.png", "ab12_3.png", "x_y.jpg", "zz9.bmp"):
        _img(tmp_path / name)
    (tmp_path / "notes.txt").write_text("ignored")
    ds = load_dataset(tmp_path)
    assert sorted(ds.labels) == ["ab12", "ab12", "x_y", "zz9"]
    assert ds.alphabet == "129_abxyz" and ds.lengths == {4: 2, 3: 2}


def test_csv_labels_with_and_without_header(tmp_path):
    for name in ("a.png", "b.png"):
        _img(tmp_path / name)
    (tmp_path / "labels.csv").write_text("filename,label\na.png,QW12\nb.png,E3\n")
    ds = load_dataset(tmp_path)
    assert ds.labels == ["QW12", "E3"] and ds.lengths == {4: 1, 2: 1}
    (tmp_path / "labels.csv").write_text("a.png,xy\n")
    assert load_dataset(tmp_path).labels == ["xy"]


def test_csv_naming_missing_file_or_bad_row(tmp_path):
    _img(tmp_path / "a.png")
    (tmp_path / "labels.csv").write_text("a.png,ab\nghost.png,cd\n")
    with pytest.raises(DatasetError, match="ghost.png.*does not exist"):
        load_dataset(tmp_path)
    (tmp_path / "labels.csv").write_text("a.png\n")
    with pytest.raises(DatasetError, match="line 1"):
        load_dataset(tmp_path)
    (tmp_path / "labels.csv").write_text("a.png,\n")
    with pytest.raises(DatasetError, match="empty label"):
        load_dataset(tmp_path)


def test_empty_or_missing_folder(tmp_path):
    with pytest.raises(DatasetError, match="no images"):
        load_dataset(tmp_path)
    with pytest.raises(DatasetError, match="does not exist"):
        load_dataset(tmp_path / "nope")


def test_split_is_seeded_and_disjoint(tmp_path):
    for n in range(20):
        _img(tmp_path / f"l{n:02d}.png")
    ds = load_dataset(tmp_path)
    a, b = ds.split(0.25, seed=1)
    a2, b2 = ds.split(0.25, seed=1)
    assert len(b) == 5 and len(a) == 15 and b.labels == b2.labels
    assert not set(a.labels) & set(b.labels)
    with pytest.raises(ValueError, match="fraction"):
        ds.split(1.0)
    assert np.all(np.diff([int(s[1:]) for s in a.labels]) > 0)


def test_glyph_labels_need_one_symbol_for_every_glyph(tmp_path):
    (tmp_path / "a").mkdir()
    glyphs = [tmp_path / "a" / "1.png", tmp_path / "a" / "2.png"]
    for path in glyphs:
        path.write_bytes(b"x")
    assert glyph_labels(glyphs, "folders") == ["a", "a"]
    (tmp_path / "labels.csv").write_text("a/1.png,a\n")
    with pytest.raises(DatasetError, match=r"2\.png: no label for this glyph"):
        glyph_labels(glyphs, tmp_path / "labels.csv")
