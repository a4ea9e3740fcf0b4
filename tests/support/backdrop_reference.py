"""NumPy reference of the "Blurred photo" background (core/backdrop), written from its
definition (cumulative sums, not running ones), for the unit and the browser tests."""
from __future__ import annotations

import numpy as np


def box(values: np.ndarray, radius: int, axis: int) -> np.ndarray:
    """Sum of the 2 * radius + 1 neighbours along `axis`, edges repeated."""
    pad = [(radius + 1, radius) if ax == axis else (0, 0) for ax in range(values.ndim)]
    sums = np.cumsum(np.pad(values, pad, mode="edge"), axis=axis)
    n = values.shape[axis]
    return np.take(sums, np.arange(2 * radius + 1, 2 * radius + 1 + n), axis=axis) - np.take(
        sums, np.arange(n), axis=axis)


def blurred_background(photo: np.ndarray, alpha: np.ndarray, radius: int, passes: int = 3) -> np.ndarray:
    """RGB uint8: the photo (H x W x 3+) blurred with weights 256 - alpha (H x W)."""
    weight = 256 - alpha.astype(np.int64)
    planes = [photo[:, :, c].astype(np.int64) * weight for c in range(3)] + [weight]
    blurred = []
    for plane in planes:
        for _ in range(passes):
            plane = box(plane, radius, 1)
        for _ in range(passes):
            plane = box(plane, radius, 0)
        blurred.append(plane)
    total = blurred[3]
    return np.stack([(2 * blurred[c] + total) // (2 * total) for c in range(3)], axis=2).astype(np.uint8)
