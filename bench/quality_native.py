"""Native onnxruntime masks for the eval set, at the model's 1024x1024, cached on disk.

The mask is what the worker holds after mask_to_alpha8: 8-bit, model resolution. It is
computed with tests/support/reference.py (the same model bytes and preprocessing as the
page) and cached as PNG under bench/results/masks/ENGINE/, keyed by the model's and the
photo's sha256, so a second run of bench/quality.py costs no inference.
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

from backgrone.core.engines import OUTPUT_MINMAX, find_engine  # noqa: E402
from support import reference  # noqa: E402


def model_digest(engine_id: str) -> str:
    return hashlib.sha256(reference.model_bytes(engine_id)).hexdigest()[:16]


def mask_1024(engine_id: str, image_path: Path, digest: str) -> np.ndarray:
    """The model's mask for this photo as uint8 at input_size x input_size."""
    photo_digest = hashlib.sha256(image_path.read_bytes()).hexdigest()[:16]
    cached = CACHE / engine_id / f"{image_path.stem}-{digest}-{photo_digest}.png"
    if cached.exists():
        cached_mask: np.ndarray = np.asarray(Image.open(cached))
        return cached_mask
    engine = find_engine(engine_id)
    image = Image.open(image_path)
    feeds = {engine.input_name: reference.input_tensor(image, engine)}
    raw = reference.session(engine_id).run([engine.output_name], feeds)[0][0, 0].astype(np.float64)
    if engine.output_mode == OUTPUT_MINMAX:
        raw = (raw - raw.min()) / max(raw.max() - raw.min(), 1e-12)
    small: np.ndarray = np.clip(np.floor(raw * 255 + 0.5), 0, 255).astype(np.uint8)
    cached.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(small).save(cached)
    return small
