"""core/bilinear.py in numpy: the taps are the core's own, the arithmetic is the core's, in the
same order and in float64, so the result is the same bytes (tests/unit/test_bilinear.py).

The tests' native reference (support/reference.alpha) and the bench (bench/quality.py and the
refinement's port bench/quality_refine.py) upscale through here, never through another resize.
"""
from __future__ import annotations

import numpy as np

from backgrone.core import bilinear as core

F64 = np.float64


def taps(axis: core.Axis) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return np.array(axis.lo, dtype=np.intp), np.array(axis.hi, dtype=np.intp), np.array(axis.frac, dtype=F64)


def sampled(src: np.ndarray, cols: core.Axis, rows: core.Axis) -> np.ndarray:
    """core.sample_grid: src (2-D) blended across, in the upper and the lower row, then down."""
    cl, ch, cf = taps(cols)
    rl, rh, rf = taps(rows)
    m = src.astype(F64)
    top, bottom = m[rl], m[rh]
    upper = top[:, cl] + (top[:, ch] - top[:, cl]) * cf
    lower = bottom[:, cl] + (bottom[:, ch] - bottom[:, cl]) * cf
    out: np.ndarray = upper + (lower - upper) * rf[:, None]
    return out


def blended(plane: np.ndarray, cols: core.Axis, rows: core.Axis) -> np.ndarray:
    """core.blend_rows, then across as core/refine.write_rows does it: down first."""
    cl, ch, cf = taps(cols)
    rl, rh, rf = taps(rows)
    p = plane.astype(F64)
    upper = p[rl]
    down = upper + (p[rh] - upper) * rf[:, None]
    out: np.ndarray = down[:, cl] + (down[:, ch] - down[:, cl]) * cf
    return out


def upscaled(mask: np.ndarray, width: int, height: int) -> np.ndarray:
    """The mask (2-D) resized to height x width (core.resize_axis), as floats."""
    return sampled(mask, core.resize_axis(mask.shape[1], width), core.resize_axis(mask.shape[0], height))


def apply_alpha(mask: np.ndarray, own_alpha: np.ndarray) -> np.ndarray:
    """core/mask.apply_alpha: the upscaled mask times the photo's own alpha (height x width
    uint8), rounded half up."""
    height, width = own_alpha.shape
    value = upscaled(mask, width, height)
    out: np.ndarray = np.floor(value * own_alpha / 255.0 + 0.5).astype(np.uint8)
    return out


def alpha(mask: np.ndarray, width: int, height: int) -> np.ndarray:
    """The plain cutout's alpha (height x width uint8) of an opaque photo."""
    return apply_alpha(mask, np.full((height, width), 255, dtype=np.uint8))
