"""The project's own captcha generator: fonts that pip brings, noise, lines, distortion."""

from __future__ import annotations

import importlib.util
import os
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont
from tqdm import tqdm

__all__ = ["SynthConfig", "font_files", "render_captcha", "random_label", "generate_dataset"]

_FONT_NAMES = (
    "DejaVuSans.ttf",
    "DejaVuSans-Bold.ttf",
    "DejaVuSans-Oblique.ttf",
    "DejaVuSerif.ttf",
    "DejaVuSerif-Bold.ttf",
    "DejaVuSansMono.ttf",
    "DejaVuSansMono-Bold.ttf",
    "STIXGeneral.ttf",
    "STIXGeneralBol.ttf",
)


@dataclass(frozen=True)
class SynthConfig:
    """How generated captchas look.

    Attributes
    ----------
    width, height : int
        Image size in pixels.
    alphabet : str
    min_length, max_length : int
        Label length range (inclusive).
    rotation : float
        Maximum glyph rotation in degrees.
    overlap : float
        Maximum fraction of a glyph's width that its right neighbour may overlap.
    lines : int
        Maximum number of strike-through lines.
    line_width : float
        Their width as a fraction of the height (0.1 or more: as thick as the strokes).
    noise : float
        Fraction of pixels turned into random dots.
    colour : bool
        Coloured glyphs, lines and background instead of gray.
    ripple : float
        Amplitude of a sine distortion, as a fraction of the height.
    hollow : float
        Probability that a captcha is drawn with hollow (outlined) glyphs.
    pale : float
        Probability that a captcha's glyphs are pale: light colours a few dozen levels below
        a light background (strike lines stay dark).
    """

    width: int = 160
    height: int = 50
    alphabet: str = "2345678abcdefghkmnprwxy"
    min_length: int = 5
    max_length: int = 5
    rotation: float = 15.0
    overlap: float = 0.15
    lines: int = 1
    line_width: float = 0.04
    noise: float = 0.01
    colour: bool = False
    ripple: float = 0.0
    hollow: float = 0.0
    pale: float = 0.0

    def __post_init__(self) -> None:
        if not 1 <= self.min_length <= self.max_length:
            raise ValueError(
                f"need 1 <= min_length <= max_length, got {self.min_length}, {self.max_length}"
            )
        if len(set(self.alphabet)) < 2:
            raise ValueError(f"alphabet {self.alphabet!r} needs at least 2 distinct symbols")
        if not 0.0 <= self.pale <= 1.0:
            raise ValueError(f"pale={self.pale} must be a probability in [0, 1]")
        if self.line_width <= 0:
            raise ValueError(f"line_width={self.line_width} must be positive")
        if self.width < 8 or self.height < 8:
            raise ValueError(f"image size {self.width}x{self.height} is too small")


@lru_cache(maxsize=1)
def font_files() -> tuple[str, ...]:
    """TrueType files shipped with matplotlib that the generator draws with (found without
    importing matplotlib)."""
    spec = importlib.util.find_spec("matplotlib")
    package = Path(spec.origin).parent if spec is not None and spec.origin else Path()
    folder = package / "mpl-data" / "fonts" / "ttf"
    found = tuple(str(folder / name) for name in _FONT_NAMES if (folder / name).is_file())
    if not found:
        raise RuntimeError(f"no TrueType fonts found in {folder}")
    return found


def random_label(config: SynthConfig, rng: np.random.Generator) -> str:
    """A random label with a length in the configured range."""
    length = int(rng.integers(config.min_length, config.max_length + 1))
    return "".join(rng.choice(list(config.alphabet), length))


def _colour(
    rng: np.random.Generator, config: SynthConfig, dark: bool, pale: bool = False
) -> tuple[int, int, int]:
    if pale:
        if config.colour:
            r, g, b = (int(v) for v in rng.integers(80, 170, 3))
            return r, g, b
        v = int(rng.integers(110, 170))
        return (v, v, v)
    if config.colour:
        r, g, b = (int(v) for v in (rng.integers(0, 140, 3) if dark else rng.integers(170, 256, 3)))
        return r, g, b
    v = int(rng.integers(0, 90)) if dark else int(rng.integers(190, 256))
    return (v, v, v)


def render_captcha(text: str, config: SynthConfig, rng: np.random.Generator) -> np.ndarray:
    """Draw one captcha showing `text`.

    Returns
    -------
    ndarray of shape (height, width, 3), uint8 RGB
    """
    image = _on_background(_text_layer(text, config, rng), config, rng)
    return _distorted(image, config, rng)


def _text_layer(text: str, config: SynthConfig, rng: np.random.Generator) -> Image.Image:
    """The glyphs, each rotated and placed after the last (overlapping it by up to
    `config.overlap`), on a transparent layer scaled to fit the image."""
    h, w = config.height, config.width
    size = int(h * rng.uniform(0.55, 0.75))
    font = ImageFont.truetype(str(rng.choice(font_files())), size)
    hollow = rng.random() < config.hollow
    # Drawn only when asked for, so that captchas without pale glyphs stay as they were.
    pale = config.pale > 0 and rng.random() < config.pale
    ink = _colour(rng, config, dark=True, pale=pale)
    layer = Image.new("RGBA", (w * 3, h * 2), (0, 0, 0, 0))
    x = 4
    for char in text:
        box = font.getbbox(char)
        glyph = Image.new("RGBA", (int(box[2]) + 8, int(box[3]) + 8), (0, 0, 0, 0))
        draw = ImageDraw.Draw(glyph)
        colour = _colour(rng, config, dark=True, pale=pale) if config.colour else ink
        if hollow:
            draw.text(
                (4, 4),
                char,
                font=font,
                fill=(0, 0, 0, 0),
                stroke_width=max(1, size // 16),
                stroke_fill=(*colour, 255),
            )
        else:
            draw.text((4, 4), char, font=font, fill=(*colour, 255))
        glyph = glyph.rotate(
            float(rng.uniform(-config.rotation, config.rotation)),
            resample=Image.Resampling.BICUBIC,
            expand=True,
        )
        y = int(rng.integers(0, max(1, h * 2 - glyph.height - h // 2))) // 2 + h // 8
        layer.alpha_composite(glyph, (x, max(0, y)))
        advance = box[2] - box[0]
        x += int(advance * (1 - rng.uniform(0, config.overlap))) + 2
    text_img = layer.crop(layer.getbbox() or (0, 0, 1, 1))
    scale = min(1.0, (w - 8) / text_img.width, (h - 4) / text_img.height)
    return text_img.resize(
        (max(1, int(text_img.width * scale)), max(1, int(text_img.height * scale))),
        Image.Resampling.BICUBIC,
    )


def _on_background(
    text_img: Image.Image, config: SynthConfig, rng: np.random.Generator
) -> np.ndarray:
    """The text on a gradient background at a random place, with strike lines across."""
    h, w = config.height, config.width
    bg_a, bg_b = np.array(_colour(rng, config, False)), np.array(_colour(rng, config, False))
    ramp = np.linspace(0, 1, w)[None, :, None]
    background = (bg_a * (1 - ramp) + bg_b * ramp).repeat(h, axis=0).astype(np.uint8)
    canvas = Image.fromarray(background).convert("RGBA")
    left = int(rng.integers(2, max(3, w - text_img.width - 2)))
    top = int(rng.integers(0, max(1, h - text_img.height)))
    canvas.alpha_composite(text_img, (left, top))
    draw = ImageDraw.Draw(canvas)
    for _ in range(int(rng.integers(0, config.lines + 1))):
        ys = rng.uniform(0.25 * h, 0.75 * h, 3)
        pts = [
            (int(rng.uniform(0, 0.2 * w)), int(ys[0])),
            (w // 2, int(ys[1])),
            (int(rng.uniform(0.8 * w, w)), int(ys[2])),
        ]
        width = max(1, int(config.line_width * h + 1e-9))
        draw.line(pts, fill=(*_colour(rng, config, True), 255), width=width)
    return np.asarray(canvas.convert("RGB")).copy()


def _distorted(image: np.ndarray, config: SynthConfig, rng: np.random.Generator) -> np.ndarray:
    """A sine ripple of the rows and random dots, as strong as `config` says."""
    h, w = config.height, config.width
    out = image
    if config.ripple > 0:
        amp, period = config.ripple * h, rng.uniform(0.3, 0.6) * w
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        phase = rng.uniform(0, 2 * np.pi)
        map_y = yy + amp * np.sin(2 * np.pi * xx / period + phase).astype(np.float32)
        out = cv2.remap(out, xx, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    if config.noise > 0:
        dots = rng.random((h, w)) < config.noise
        out[dots] = (
            rng.integers(0, 256, (int(dots.sum()), 3))
            if config.colour
            else rng.integers(0, 256, (int(dots.sum()), 1))
        )
    return out


def generate_dataset(
    out_dir: str | os.PathLike[str],
    count: int,
    config: SynthConfig | None = None,
    *,
    seed: int = 0,
    progress: bool = True,
) -> list[Path]:
    """Write `count` captchas as `<label>.png` (`<label>_<n>.png` for repeats) into `out_dir`."""
    if count < 1:
        raise ValueError(f"count={count} must be at least 1")
    config = config or SynthConfig()
    rng = np.random.default_rng(seed)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    seen: Counter[str] = Counter()
    paths = []
    for _ in tqdm(range(count), desc="generating", unit="img", disable=not progress, leave=False):
        label = random_label(config, rng)
        name = label if seen[label] == 0 else f"{label}_{seen[label]}"
        seen[label] += 1
        path = out / f"{name}.png"
        Image.fromarray(render_captcha(label, config, rng)).save(path)
        paths.append(path)
    return paths
