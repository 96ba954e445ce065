"""Read any common image file: as 8-bit pixels for reading, or as float RGB over white."""

from __future__ import annotations

import io
import os
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from .errors import ImageLoadError
from .fast_decode import decode_common, header_size, over_white

__all__ = ["load_image", "load_pixels", "MAX_PIXELS"]

#: Images larger than this are refused rather than risking memory exhaustion.
MAX_PIXELS = 4096 * 4096

# Modes whose pixels are already 8-bit gray or RGB without transparency: no conversion.
_DIRECT = ("L", "RGB")
# Modes rescaled to [0, 1] before they are quantized: 16- and 32-bit integers, and floats.
_INTEGER = ("I;16", "I;16B", "I;16L", "I")
_SCALED = (*_INTEGER, "F")


def load_pixels(path: str | os.PathLike[str], *, max_pixels: int = MAX_PIXELS) -> np.ndarray:
    """Load an image file as 8-bit pixels: gray sources stay one channel.

    The cleaning steps quantize every image to 8 bits, so this is what they see of the file,
    without the float RGB copy that `load_image` makes (a third of a captcha's reading time
    on gray PNGs).

    Parameters
    ----------
    path : path-like
    max_pixels : int
        Larger images raise `ImageLoadError` instead of being decoded.

    Returns
    -------
    image : ndarray of shape (H, W) or (H, W, 3), uint8

    Raises
    ------
    ImageLoadError
        As `load_image`.
    """
    return _read(Path(path), max_pixels, as_float=False)


def load_image(path: str | os.PathLike[str], *, max_pixels: int = MAX_PIXELS) -> np.ndarray:
    """Load an image file as float32 RGB in [0, 1].

    Gray, RGB, RGBA (composited over white), palette, 16-bit, CMYK and the first frame of
    animated GIFs are accepted.

    Parameters
    ----------
    path : path-like
        The image file.
    max_pixels : int
        Larger images raise `ImageLoadError` instead of being decoded.

    Returns
    -------
    image : ndarray of shape (H, W, 3), float32

    Raises
    ------
    ImageLoadError
        When the file is missing, empty, not an image, too small or too large.
    """
    return _read(Path(path), max_pixels, as_float=True)


def _read(path: Path, max_pixels: int, *, as_float: bool) -> np.ndarray:
    if not path.is_file():
        raise ImageLoadError(path, "no such file")
    if path.stat().st_size == 0:
        raise ImageLoadError(path, "file is empty (0 bytes)")
    source: Path | io.BytesIO = path
    if not as_float:
        data, out = _common_file(path, max_pixels)
        if out is not None:
            return out
        source = io.BytesIO(data)  # Pillow decodes the bytes already read
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(source) as im:
                width, height = im.size
                if width * height > max_pixels:
                    raise ImageLoadError(
                        path, f"image is {width}x{height}, larger than the {max_pixels} pixel limit"
                    )
                im.seek(0)
                im.load()
                if as_float:
                    out = _to_rgb(im)
                elif im.mode in _DIRECT:
                    out = np.asarray(im)
                elif _has_alpha(im):
                    out = over_white(np.asarray(im.convert("RGBA")))
                elif im.mode not in _SCALED:
                    out = np.asarray(im.convert("RGB"))  # palette, CMYK, bilevel: 8-bit already
                else:
                    out = np.clip(_to_rgb(im) * 255.0 + 0.5, 0, 255).astype(np.uint8)
    except ImageLoadError:
        raise
    except UnidentifiedImageError:
        raise ImageLoadError(path, "not an image in any format this reader knows") from None
    except (OSError, ValueError, SyntaxError) as err:
        raise ImageLoadError(
            path, f"damaged image data ({err.__class__.__name__}: {err})"
        ) from None
    if min(out.shape[:2]) < 2:
        raise ImageLoadError(path, f"image is {out.shape[1]}x{out.shape[0]} pixels, too small")
    return out


def _common_file(path: Path, max_pixels: int) -> tuple[bytes, np.ndarray | None]:
    """A file's bytes, and its 8-bit pixels where `decode_common` decodes it (most captchas;
    None for others)."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise ImageLoadError(path, f"cannot be read ({err.strerror})") from None
    size = header_size(data)
    if size is not None and size[0] * size[1] > max_pixels:
        raise ImageLoadError(
            path, f"image is {size[0]}x{size[1]}, larger than the {max_pixels} pixel limit"
        )
    out = decode_common(data)
    if out is not None and min(out.shape[:2]) < 2:
        raise ImageLoadError(path, f"image is {out.shape[1]}x{out.shape[0]} pixels, too small")
    return data, out


def _has_alpha(im: Image.Image) -> bool:
    return im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info)


def _to_rgb(im: Image.Image) -> np.ndarray:
    """Convert a decoded PIL image of any mode to float32 RGB over white."""
    if im.mode in _INTEGER:
        arr = np.asarray(im, dtype=np.float64)
        top = 65535.0 if arr.max() > 255 else 255.0
        gray = np.clip(arr / top, 0.0, 1.0).astype(np.float32)
        return np.repeat(gray[:, :, None], 3, axis=2)
    if im.mode == "F":
        arr = np.asarray(im, dtype=np.float32)
        span = float(arr.max() - arr.min()) or 1.0
        gray = (arr - arr.min()) / span
        return np.repeat(gray[:, :, None], 3, axis=2)
    if _has_alpha(im):
        rgba = np.asarray(im.convert("RGBA"), dtype=np.float32) / 255.0
        alpha = rgba[:, :, 3:4]
        return rgba[:, :, :3] * alpha + (1.0 - alpha)
    return np.asarray(im.convert("RGB"), dtype=np.float32) / 255.0
