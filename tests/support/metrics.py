"""How close a cutout is to the truth: the one definition of each measure, used by the tests
(tests/e2e: the page against native onnxruntime) and the bench (bench/quality*.py, quantize.py).

Alphas are 8-bit (0..255). IoU and boundary F threshold both alphas at 1/2 (>= 128). MAE is
on the soft values, in 0..1. Boundary F is the F1 of boundary pixels (skimage
find_boundaries, mode "inner") matched within ceil(0.005 * diagonal) pixels (Euclidean), as in
the eval set's baseline_native.txt. The edge colour error lays the cutout and the truth over
the same new flat colour and compares them where either alpha is fractional.
"""
from __future__ import annotations

import numpy as np
from scipy import ndimage  # type: ignore[import-untyped]
from skimage.segmentation import find_boundaries

# How far (pixels) the edge band of the colour measure reaches beyond the fractional pixels:
# a hard predicted edge a pixel or two off a hard true one is still inside it.
EDGE_GROW = 3


def iou(alpha: np.ndarray, truth: np.ndarray) -> float:
    ours = alpha >= 128
    theirs = truth >= 128
    union = np.logical_or(ours, theirs).sum()
    return float(np.logical_and(ours, theirs).sum() / union) if union else 1.0


def mae(alpha: np.ndarray, truth: np.ndarray) -> float:
    return float(np.abs(alpha.astype(np.float64) - truth.astype(np.float64)).mean() / 255.0)


def boundary_f(alpha: np.ndarray, truth: np.ndarray) -> float:
    height, width = truth.shape
    tolerance = int(np.ceil(0.005 * np.hypot(width, height)))
    edge_ours = find_boundaries(alpha >= 128, mode="inner")  # type: ignore[no-untyped-call]
    edge_theirs = find_boundaries(truth >= 128, mode="inner")  # type: ignore[no-untyped-call]
    if not edge_ours.any() or not edge_theirs.any():
        return 1.0 if edge_ours.any() == edge_theirs.any() else 0.0
    to_theirs = ndimage.distance_transform_edt(~edge_theirs)
    to_ours = ndimage.distance_transform_edt(~edge_ours)
    precision = float((to_theirs[edge_ours] <= tolerance).mean())
    recall = float((to_ours[edge_theirs] <= tolerance).mean())
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def scores(alpha: np.ndarray, truth: np.ndarray) -> dict[str, float]:
    """IoU, MAE and boundary F of an 8-bit alpha against an 8-bit truth."""
    return {"iou": iou(alpha, truth), "mae": mae(alpha, truth), "bf": boundary_f(alpha, truth)}


def edge_band(alphas: list[np.ndarray], truth: np.ndarray, grow: int = EDGE_GROW) -> np.ndarray:
    """Where the true alpha or any of the predicted ones is fractional, grown by `grow` pixels.
    Cutouts compared with one another are measured over the same band (the union of theirs):
    a band of each cutout's own would favour a blurred alpha, whose wide soft ramp spreads the
    same error over more pixels."""
    fractional = (truth > 0) & (truth < 255)
    for alpha in alphas:
        fractional |= (alpha > 0) & (alpha < 255)
    if grow <= 0:
        return fractional
    far = ndimage.distance_transform_edt(~fractional)
    band: np.ndarray = far <= grow
    return band


def over(rgb: np.ndarray, alpha: np.ndarray, colour: tuple[int, int, int]) -> np.ndarray:
    """rgb (H x W x 3) with its alpha (H x W, 0..255) laid over a flat colour, float 0..255."""
    a = alpha.astype(np.float64)[..., None] / 255.0
    laid: np.ndarray = a * rgb.astype(np.float64) + (1.0 - a) * np.array(colour, dtype=np.float64)
    return laid


def edge_colour_error(cutout: np.ndarray, truth: np.ndarray, foreground: np.ndarray,
                      colour: tuple[int, int, int], band: np.ndarray | None = None) -> float:
    """Mean absolute error (levels 0..255, over the three channels) in the edge band (by
    default the cutout's own, see edge_band) between the cutout (H x W x 4) over `colour` and
    the truth alpha with the true foreground colour (H x W x 3) over it. Background tint left
    in the edge and alpha errors both count."""
    if band is None:
        band = edge_band([cutout[..., 3]], truth)
    if not band.any():
        return 0.0
    ours = over(cutout[..., :3], cutout[..., 3], colour)[band]
    theirs = over(foreground, truth, colour)[band]
    return float(np.abs(ours - theirs).mean())
