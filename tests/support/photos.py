"""Real photos that ship with scikit-image, written as files a user would pick."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image
from skimage import data


def astronaut() -> Image.Image:
    """512x512: a person in front of a cluttered background."""
    return Image.fromarray(data.astronaut())


def coffee() -> Image.Image:
    """600x400: a cup on a table."""
    return Image.fromarray(data.coffee())


def save(image: Image.Image, folder: Path, name: str, **options: object) -> Path:
    path = folder / name
    image.save(path, **options)
    return path


def as_array(image: Image.Image) -> np.ndarray:
    return np.asarray(image)
