"""Composites for judging edge refinement on photos no parameter was chosen on (issue 16).

Each composite lays an eval photo (the foreground F, its colour as it is) with its ground-truth
alpha over a new background: I = alpha F + (1 - alpha) B. The backgrounds ship with a package
(scikit-image's sample photos) or are generated (smooth coloured noise, stripes, gradients);
the seed picks the foregrounds, backgrounds, crops, flat colours and the split into a tuning
half and a held-back half. Each composite exists at its own size and upscaled to about 12 MP
(F, alpha and B upscaled, then laid together), so that the refinement's subsampled path is
measured too. Nothing is written to disk: the composites are made again from the seed.
"""
from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

SEED = 16
COUNT = 32  # composites: the first half (in the seed's order) tunes, the second is held back
TWELVE_MP = 12_000_000
# scikit-image's sample photos used as backgrounds (grey ones are tinted by the seed).
SAMPLES = ("astronaut", "coffee", "chelsea", "rocket", "motorcycle_left", "hubble_deep_field",
           "retina", "brick", "grass", "gravel", "camera", "moon", "page", "text")
TEXTURES = ("noise", "stripes", "gradient")


@dataclass
class Composite:
    name: str  # the composite's name: foreground and background
    source: str  # the foreground's eval group
    half: str  # "tune" or "held"
    rgb: np.ndarray  # the composite photo, H x W x 3 uint8
    truth: np.ndarray  # its alpha, H x W uint8
    foreground: np.ndarray  # F, H x W x 3 uint8
    colour: tuple[int, int, int]  # the flat colour of the edge colour measure


def sample(name: str) -> np.ndarray:
    from skimage import data

    image = np.asarray(getattr(data, name)())
    if image.ndim == 2:
        image = np.repeat(image[..., None], 3, axis=2)
    return image[..., :3].astype(np.uint8)


def texture(kind: str, width: int, height: int, rng: np.random.Generator) -> np.ndarray:
    from scipy import ndimage  # type: ignore[import-untyped]

    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    a, b = rng.uniform(0, 255, 3), rng.uniform(0, 255, 3)
    if kind == "noise":
        field = ndimage.gaussian_filter(rng.standard_normal((height, width)), rng.uniform(2, 12))
        t = (field - field.min()) / max(float(np.ptp(field)), 1e-9)
    elif kind == "stripes":
        angle, period = rng.uniform(0, np.pi), rng.uniform(6, 40)
        t = 0.5 + 0.5 * np.sin(2 * np.pi * (x * np.cos(angle) + y * np.sin(angle)) / period)
    else:
        t = (x / max(width - 1, 1) + y / max(height - 1, 1)) / 2
    out: np.ndarray = np.clip(a + (b - a) * t[..., None], 0, 255).astype(np.uint8)
    return out


def background(pick: str, width: int, height: int, rng: np.random.Generator) -> np.ndarray:
    """A background of this size: a sample photo resized to cover it and cropped at a seeded
    place (grey samples tinted), or a generated texture."""
    if pick in TEXTURES:
        return texture(pick, width, height, rng)
    photo = sample(pick)
    grey = bool((photo[..., 0] == photo[..., 1]).all())
    scale = max(width / photo.shape[1], height / photo.shape[0]) * rng.uniform(1.0, 1.5)
    size = (max(width, int(np.ceil(photo.shape[1] * scale))),
            max(height, int(np.ceil(photo.shape[0] * scale))))
    big = np.asarray(Image.fromarray(photo).resize(size, Image.Resampling.BICUBIC)).astype(np.float64)
    top = int(rng.integers(0, size[1] - height + 1))
    left = int(rng.integers(0, size[0] - width + 1))
    crop = big[top:top + height, left:left + width]
    if grey:
        crop = crop * rng.uniform(0.4, 1.0, 3)
    out: np.ndarray = np.clip(crop, 0, 255).astype(np.uint8)
    return out


def laid(foreground: np.ndarray, alpha: np.ndarray, back: np.ndarray) -> np.ndarray:
    a = alpha.astype(np.float64)[..., None] / 255.0
    mixed = a * foreground.astype(np.float64) + (1.0 - a) * back.astype(np.float64)
    out: np.ndarray = np.floor(mixed + 0.5).astype(np.uint8)
    return out


def upscaled(image: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Bicubic upscaling per channel, kept in 0..255."""
    if image.ndim == 2:
        out: np.ndarray = np.asarray(Image.fromarray(image).resize(size, Image.Resampling.BICUBIC))
        return out
    return np.stack([upscaled(image[..., c], size) for c in range(image.shape[2])], axis=2)


def twelve_mp_size(width: int, height: int) -> tuple[int, int]:
    scale = np.sqrt(TWELVE_MP / (width * height))
    return int(round(width * scale)), int(round(height * scale))


def composites(eval_dir: Path, half: str, twelve_mp: bool = False, seed: int = SEED,
               count: int = COUNT) -> Iterator[Composite]:
    """The composites of one half ("tune" or "held"), at their own size or at 12 MP."""
    rng = np.random.default_rng(seed)
    manifest = list(csv.DictReader((eval_dir / "manifest.csv").open()))
    order = rng.permutation(len(manifest))[:count]
    picks = [(SAMPLES + TEXTURES)[int(i)] for i in rng.integers(0, len(SAMPLES) + len(TEXTURES), count)]
    seeds = rng.integers(0, 2**31, count)
    for k, (index, pick) in enumerate(zip(order, picks, strict=True)):
        which = "tune" if k < count // 2 else "held"
        if which != half:
            continue
        item = manifest[int(index)]
        local = np.random.default_rng(int(seeds[k]))
        foreground = np.asarray(Image.open(eval_dir / item["image"]).convert("RGB"))
        truth = np.asarray(Image.open(eval_dir / item["mask"]).convert("L"))
        height, width = truth.shape
        back = background(pick, width, height, local)
        colour = (int(local.integers(0, 256)), int(local.integers(0, 256)), int(local.integers(0, 256)))
        if twelve_mp:
            size = twelve_mp_size(width, height)
            foreground, truth, back = upscaled(foreground, size), upscaled(truth, size), upscaled(back, size)
        yield Composite(f"{item['name']}+{pick}", item["source"], which,
                        laid(foreground, truth, back), truth, foreground, colour)
