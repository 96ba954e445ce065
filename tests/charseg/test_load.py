import numpy as np
import pytest
from PIL import Image

from charseg import ImageLoadError, load_image, load_pixels
from charseg.fast_decode import decode_common, header_size


@pytest.mark.parametrize("mode", ["L", "RGB", "RGBA", "P", "LA", "I;16", "CMYK", "1"])
def test_modes_load_as_float_rgb(tmp_path, mode):
    base = Image.new("RGB", (40, 20), "white")
    base.paste((0, 0, 0), (10, 5, 20, 15))
    base.paste((200, 30, 90), (25, 2, 35, 8))  # a colour: palette and CMYK pixels differ
    ext = "jpg" if mode == "CMYK" else "png"
    if mode == "I;16":
        arr = np.where(np.asarray(base.convert("L")) > 128, 65535, 0).astype(np.uint16)
        im = Image.fromarray(arr)
    else:
        im = base.convert(mode)
    path = tmp_path / f"x.{ext}"
    im.save(path)
    out = load_image(path)
    assert out.shape == (20, 40, 3) and out.dtype == np.float32
    assert out[10, 15].max() < 0.2 and out[2, 2].min() > 0.8
    pixels = load_pixels(path)
    assert pixels.dtype == np.uint8 and pixels.shape == ((20, 40) if mode == "L" else (20, 40, 3))
    as_bytes = np.clip(out * 255 + 0.5, 0, 255).astype(np.uint8)
    assert np.array_equal(np.broadcast_to(pixels.reshape(20, 40, -1), (20, 40, 3)), as_bytes)


def test_transparent_pixels_become_white(tmp_path):
    im = Image.new("RGBA", (10, 10), (0, 0, 0, 0))
    im.putpixel((5, 5), (0, 0, 0, 255))
    im.save(tmp_path / "a.png")
    out = load_image(tmp_path / "a.png")
    assert out[0, 0].min() == 1.0 and out[5, 5].max() == 0.0


@pytest.mark.parametrize("partial", [False, True])
def test_transparency_in_bytes_matches_the_float_composite(tmp_path, partial):
    rgba = np.zeros((6, 8, 4), np.uint8)
    rgba[:, :, :3] = np.arange(6 * 8 * 3, dtype=np.uint8).reshape(6, 8, 3) * 5
    rgba[:, :4, 3] = 255  # the left half opaque, the right half clear...
    rgba[0, 6, 3] = 128 if partial else 0  # ...but for one partly transparent pixel
    Image.fromarray(rgba, "RGBA").save(tmp_path / "a.png")
    Image.fromarray(rgba, "RGBA").convert("P").save(tmp_path / "p.png", transparency=0)
    for name in ("a.png", "p.png"):
        expected = np.clip(load_image(tmp_path / name) * 255 + 0.5, 0, 255).astype(np.uint8)
        assert np.array_equal(load_pixels(tmp_path / name), expected)


def test_animated_gif_reads_first_frame(tmp_path):
    frames = [Image.new("L", (12, 8), v) for v in (0, 255)]
    frames[0].save(tmp_path / "a.gif", save_all=True, append_images=frames[1:])
    assert load_image(tmp_path / "a.gif").max() < 0.1


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"", "empty"),
        (b"hello, not an image", "not an image"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not an image|damaged image data"),
    ],
)
def test_bad_files_raise_with_path(tmp_path, content, match):
    path = tmp_path / "bad.png"
    path.write_bytes(content)
    with pytest.raises(ImageLoadError, match=match) as info:
        load_image(path)
    assert str(path) in str(info.value)


def test_truncated_png(tmp_path):
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (64, 64), np.uint8)).save(
        tmp_path / "full.png"
    )
    data = (tmp_path / "full.png").read_bytes()
    (tmp_path / "cut.png").write_bytes(data[: len(data) // 2])
    with pytest.raises(ImageLoadError, match="cut.png"):
        load_image(tmp_path / "cut.png")


def test_missing_tiny_and_huge(tmp_path):
    with pytest.raises(ImageLoadError, match="no such file"):
        load_image(tmp_path / "nope.png")
    with pytest.raises(ImageLoadError, match="no such file"):
        load_pixels(tmp_path / "nope.png")
    Image.new("L", (1, 1)).save(tmp_path / "one.png")
    with pytest.raises(ImageLoadError, match="too small"):
        load_image(tmp_path / "one.png")
    Image.new("L", (300, 300)).save(tmp_path / "big.png")
    with pytest.raises(ImageLoadError, match="pixel limit"):
        load_image(tmp_path / "big.png", max_pixels=1000)


def _captcha_like(mode: str) -> Image.Image:
    rng = np.random.default_rng(1)
    rgb = rng.integers(0, 255, (24, 40, 3), np.uint8)
    rgb[6:18, 8:30] = (20, 40, 200)
    return Image.fromarray(rgb).convert(mode)


@pytest.mark.parametrize(
    ("mode", "name", "options", "decoded_by_opencv"),
    [
        ("L", "g.jpg", {}, True),
        ("RGB", "c.jpg", {}, True),
        ("RGB", "p.jpg", {"progressive": True}, True),
        ("RGB", "t.png", {"transparency": (20, 40, 200)}, False),  # Pillow ignores it
        ("L", "g16.png", {"bits": 16}, False),
    ],
)
def test_common_files_decode_to_the_pixels_pillow_gives(
    tmp_path, mode, name, options, decoded_by_opencv
):
    path = tmp_path / name
    if options.pop("bits", 8) == 16:
        Image.fromarray(np.full((24, 40), 40000, np.uint16)).save(path)
        mode = "RGB"  # Pillow's 16-bit gray is rescaled to 8-bit RGB
    else:
        _captcha_like(mode).save(path, **options)
    with Image.open(path) as im:
        expected = np.asarray(im.convert(mode))
    assert header_size(path.read_bytes()) == (40, 24)
    assert (decode_common(path.read_bytes()) is not None) == decoded_by_opencv
    pixels = load_pixels(path)
    if name == "g16.png":
        expected = np.full((24, 40, 3), 156, np.uint8)  # 40000 / 65535 of 255, rounded
    assert np.array_equal(pixels, expected)


def test_jpeg_size_limit_and_truncation_are_checked_before_decoding(tmp_path):
    _captcha_like("RGB").save(tmp_path / "c.jpg")
    with pytest.raises(ImageLoadError, match="pixel limit"):
        load_pixels(tmp_path / "c.jpg", max_pixels=100)
    data = (tmp_path / "c.jpg").read_bytes()
    (tmp_path / "cut.jpg").write_bytes(data[: len(data) // 2])
    assert decode_common((tmp_path / "cut.jpg").read_bytes()) is None
    with pytest.raises(ImageLoadError, match="cut.jpg"):
        load_pixels(tmp_path / "cut.jpg")
