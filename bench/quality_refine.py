"""core/refine.py in numpy, operation for operation, so that the quality bench can refine 60
photos in seconds. tests/unit/test_refine.py proves it gives the same bytes as core/refine.py.
Its bilinear sampling is core/bilinear's numpy twin, tests/support/bilinear.py.

Every float32 store of the core (a Float32Array plane) is a float32 cast here, and every
running sum runs in the same order (np.cumsum is sequential; the column sums slide row by row).
"""
from __future__ import annotations

import numpy as np

from backgrone.core import refine as core
from backgrone.core.bilinear import block_axis, pixel_axis
from support import bilinear

F32 = np.float32
F64 = np.float64


def guide_planes(rgb: np.ndarray, plan: core.RefinePlan) -> list[np.ndarray]:
    """rgb: height x width x 3 uint8 -> three work_height x work_width float32 planes."""
    s = plan.step
    h, w = plan.work_height, plan.work_width
    padded = np.zeros((h * s, w * s, 3), dtype=F64)
    padded[:plan.height, :plan.width] = rgb
    sums = padded.reshape(h, s, w, s, 3).sum(axis=(1, 3))  # integers: exact in any order
    if s > 1:
        rows = np.minimum(plan.height - np.arange(h) * s, s)
        cols = np.minimum(plan.width - np.arange(w) * s, s)
        sums = sums.astype(F32).astype(F64) / (rows[:, None] * cols[None, :])[..., None]
    return [sums[..., c].astype(F32) for c in range(3)]


def mask_plane(alpha8: np.ndarray, plan: core.RefinePlan) -> np.ndarray:
    side = plan.mask_side
    cols = block_axis(side, plan.width, plan.step, plan.work_width)
    rows = block_axis(side, plan.height, plan.step, plan.work_height)
    out: np.ndarray = bilinear.sampled(alpha8.reshape(side, side), cols, rows).astype(F32)
    return out


def to_pixels(planes: list[np.ndarray], plan: core.RefinePlan) -> list[np.ndarray]:
    """Working planes interpolated to every pixel (float64), as write_rows does."""
    cols = pixel_axis(plan.work_width, plan.width, plan.step)
    rows = pixel_axis(plan.work_height, plan.height, plan.step)
    return [bilinear.blended(plane, cols, rows) for plane in planes]


def box_mean(src: np.ndarray, other: np.ndarray | None, radius: int) -> np.ndarray:
    h, w = src.shape
    v = src.astype(F64) if other is None else src.astype(F64) * other.astype(F64)
    prefix = np.concatenate([np.zeros((h, 1)), np.cumsum(v, axis=1)], axis=1)
    x = np.arange(w)
    lo = np.maximum(x - radius, 0)
    hi = np.minimum(x + radius + 1, w)
    temp = (prefix[:, hi] - prefix[:, lo]).astype(F32).astype(F64)
    cols_in = hi - lo
    line = np.zeros(w)
    for y in range(min(radius, h - 1) + 1):
        line = line + temp[y]
    out = np.empty((h, w), dtype=F32)
    for y in range(h):
        rows_in = min(y + radius + 1, h) - max(y - radius, 0)
        out[y] = line / (rows_in * cols_in)
        if y + radius + 1 < h:
            line = line + temp[y + radius + 1]
        if y - radius >= 0:
            line = line - temp[y - radius]
    return out


def guided_coefficients(guide: list[np.ndarray], mask: np.ndarray, plan: core.RefinePlan) -> list[np.ndarray]:
    r = plan.radius
    red, green, blue = guide
    mr, mg, mb, mp = (box_mean(p, None, r).astype(F64) for p in (red, green, blue, mask))
    products = [box_mean(a, b, r).astype(F64) for a, b in (
        (red, red), (red, green), (red, blue), (green, green), (green, blue), (blue, blue),
        (red, mask), (green, mask), (blue, mask))]
    eps = core.EPSILON * 255.0 * 255.0
    rr = products[0] - mr * mr + eps
    rg = products[1] - mr * mg
    rb = products[2] - mr * mb
    gg = products[3] - mg * mg + eps
    gb = products[4] - mg * mb
    bb = products[5] - mb * mb + eps
    cr = products[6] - mr * mp
    cg = products[7] - mg * mp
    cb = products[8] - mb * mp
    inv_rr = gg * bb - gb * gb
    inv_rg = gb * rb - rg * bb
    inv_rb = rg * gb - gg * rb
    inv_gg = rr * bb - rb * rb
    inv_gb = rb * rg - rr * gb
    inv_bb = rr * gg - rg * rg
    det = rr * inv_rr + rg * inv_rg + rb * inv_rb
    a_r = (inv_rr * cr + inv_rg * cg + inv_rb * cb) / det
    a_g = (inv_rg * cr + inv_gg * cg + inv_gb * cb) / det
    a_b = (inv_rb * cr + inv_gb * cg + inv_bb * cb) / det
    b = mp - a_r * mr - a_g * mg - a_b * mb  # from the float64 coefficients, as the core does
    return [box_mean(p.astype(F32), None, r) for p in (a_r, a_g, a_b, b)]


def shaped(q: np.ndarray) -> np.ndarray:
    return np.clip(core.CENTRE + core.GAIN * (q - core.CENTRE), 0.0, 255.0)


def colour_planes(guide: list[np.ndarray], coefficients: list[np.ndarray],
                  plan: core.RefinePlan) -> list[np.ndarray]:
    r = plan.colour_radius
    red, green, blue = guide
    a_r, a_g, a_b, b = (c.astype(F64) for c in coefficients)
    q = a_r * red.astype(F64) + a_g * green.astype(F64) + a_b * blue.astype(F64) + b
    alpha = np.where(q <= 0.0, 0.0, np.where(q >= 255.0, 1.0, q / 255.0))
    rest = 1.0 - alpha
    fore4 = (alpha * alpha) * (alpha * alpha)
    back4 = (rest * rest) * (rest * rest)
    fore = (fore4 * fore4).astype(F32)
    back = (back4 * back4).astype(F32)
    weights = [box_mean(fore, None, r).astype(F64), box_mean(back, None, r).astype(F64)]
    sums = [[box_mean(c, w, r).astype(F64) for c in guide] for w in (fore, back)]
    out = []
    with np.errstate(divide="ignore", invalid="ignore"):
        for weight, channel_sums in zip(weights, sums, strict=True):
            for c in range(3):
                own = guide[c].astype(F64)
                out.append(np.where(weight > 0.000001, channel_sums[c] / weight, own).astype(F32))
    return out


def channel_bytes(value: np.ndarray) -> np.ndarray:
    return np.clip(np.floor(value + 0.5), 0, 255)


def refine(alpha8: np.ndarray, rgba: np.ndarray, plan: core.RefinePlan) -> np.ndarray:
    """As core.refine: alpha8 is the mask_side^2 mask (uint8), rgba height x width x 4 uint8.
    Returns the new rgba (uint8)."""
    guide = guide_planes(rgba[..., :3], plan)
    coefficients = guided_coefficients(guide, mask_plane(alpha8, plan), plan)
    values = to_pixels(coefficients + colour_planes(guide, coefficients, plan), plan)
    red, green, blue, own_alpha = (rgba[..., c].astype(F64) for c in range(4))
    q = values[0] * red + values[1] * green + values[2] * blue + values[3]
    level = np.floor(shaped(q) + 0.5)
    out = rgba.copy()
    out[..., 3] = np.floor(level * own_alpha / 255.0 + 0.5).astype(np.uint8)
    mixed = (level > 0) & (level < 255)
    alpha = q / 255.0
    rest = 1.0 - alpha
    with np.errstate(divide="ignore", invalid="ignore"):
        share = alpha / (alpha * alpha + rest * rest)
        for c, own in enumerate((red, green, blue)):
            f, g = values[4 + c], values[7 + c]
            colour = channel_bytes(f + share * (own - alpha * f - rest * g))
            out[..., c] = np.where(mixed, colour, own).astype(np.uint8)
    return out


def refined_cutout(alpha8: np.ndarray, rgb: np.ndarray) -> np.ndarray:
    """The refined cutout (height x width x 4 uint8) of an opaque photo, as the page makes it."""
    height, width = rgb.shape[:2]
    side = alpha8.shape[0]
    rgba = np.concatenate([rgb, np.full((height, width, 1), 255, np.uint8)], axis=2)
    return refine(alpha8.reshape(-1), rgba, core.RefinePlan(width, height, side))


def decontaminated_cutout(alpha8: np.ndarray, rgb: np.ndarray, plain: np.ndarray) -> np.ndarray:
    """The other part alone: the unrefined alpha (`plain`, the page's bilinear upscaling) with
    the colour estimate of the refinement, its coverage being the mask itself (a fit of a = 0,
    b = mask). Measured here only; the page has no such mode."""
    height, width = rgb.shape[:2]
    plan = core.RefinePlan(width, height, alpha8.shape[0])
    guide = guide_planes(rgb, plan)
    mask = mask_plane(alpha8.reshape(-1), plan)
    zero = np.zeros_like(mask)
    coefficients = [zero, zero, zero, mask]
    planes = coefficients + colour_planes(guide, coefficients, plan)
    values = to_pixels(planes[3:], plan)
    out = np.concatenate([rgb, plain[..., None]], axis=2)
    mixed = (plain > 0) & (plain < 255)
    alpha = values[0] / 255.0
    rest = 1.0 - alpha
    with np.errstate(divide="ignore", invalid="ignore"):
        share = alpha / (alpha * alpha + rest * rest)
        for c in range(3):
            own = rgb[..., c].astype(F64)
            f, g = values[1 + c], values[4 + c]
            colour = channel_bytes(f + share * (own - alpha * f - rest * g))
            out[..., c] = np.where(mixed, colour, own).astype(np.uint8)
    return out
