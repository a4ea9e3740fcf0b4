"""Native onnxruntime masks at the model's 1024x1024 for the quality bench, cached on disk.

The mask is what the worker holds after mask_to_alpha8: 8-bit, model resolution, computed with
tests/support/reference.py (the same model bytes and preprocessing as the page) and cached as
PNG under bench/results/masks/ENGINE/, keyed by the model's and the photo's sha256, so a second
run of bench/quality.py costs no inference. A photo can also be run mirrored (flipped left to
right, the mask flipped back): the second pass of issue 16's two-pass option.
"""
from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "bench" / "results" / "masks"
for folder in (ROOT / "frontend_py", ROOT / "tests"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from support import reference  # noqa: E402


def model_digest(engine_id: str) -> str:
    return hashlib.sha256(reference.model_bytes(engine_id)).hexdigest()[:16]


def mask_of(engine_id: str, rgb: np.ndarray, name: str, digest: str, mirrored: bool = False) -> np.ndarray:
    """The model's mask (uint8, input_size^2) of an H x W x 3 photo; mirrored: of the photo
    flipped left to right, flipped back."""
    photo_digest = hashlib.sha256(np.ascontiguousarray(rgb).tobytes()).hexdigest()[:16]
    suffix = "-mirrored" if mirrored else ""
    cached = CACHE / engine_id / f"{name}-{digest}-{photo_digest}{suffix}.png"
    if cached.exists():
        kept: np.ndarray = np.asarray(Image.open(cached))
        return kept
    image = Image.fromarray(np.ascontiguousarray(rgb[:, ::-1] if mirrored else rgb))
    small = reference.mask(image, engine_id)
    if mirrored:
        small = np.ascontiguousarray(small[:, ::-1])
    cached.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(small).save(cached)
    return small
