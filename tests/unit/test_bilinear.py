"""core/bilinear under CPython, on real photos and masks made from a real silhouette: its taps
and samples are what the formulas before it (geometry.bilinear_axis, refine_grid.mask_axis and
full_axis, mask.apply_alpha_rows, refine_grid.mask_samples) gave, and its numpy twin
(tests/support/bilinear.py, the tests' reference and the bench's) gives the same bytes."""
from __future__ import annotations

from array import array

import numpy as np
import pytest
from PIL import Image
from skimage import data

from backgrone.core import bilinear, refine
from backgrone.core.mask import apply_alpha, apply_alpha_rows
from support import bilinear as twin

# (source, destination) lengths: up, down, equal, to and from one pixel, the app's mask side.
PAIRS = [(1024, 4000), (1024, 600), (1024, 427), (9, 23), (23, 9), (7, 7), (1, 5), (5, 1), (1024, 1024)]
Taps = tuple[list[int], list[int], list[float]]


def old_taps(pos: np.ndarray, last: int) -> Taps:
    """Axis.add_tap's clamping, as it was, for many positions at once."""
    pos = np.maximum(pos, 0.0)
    base = np.minimum(np.floor(pos), last)
    nxt = np.minimum(base + 1, last)
    return base.astype(int).tolist(), nxt.astype(int).tolist(), (pos - base).tolist()


def old_bilinear_axis(src: int, dst: int) -> Taps:
    return old_taps((np.arange(dst) + 0.5) * (src / dst) - 0.5, src - 1)


def old_mask_axis(mask_len: int, full_len: int, step: int, work_len: int) -> Taps:
    start = np.arange(work_len) * step
    end = np.minimum(start + step, full_len)
    return old_taps(((start + end) / 2) * (mask_len / full_len) - 0.5, mask_len - 1)


def old_full_axis(work_len: int, full_len: int, step: int) -> Taps:
    """Its position was clamped at the top too: there frac was 0 rather than pos - last."""
    pos = np.clip((np.arange(full_len) + 0.5) / step - 0.5, 0.0, work_len - 1)
    return old_taps(pos, work_len - 1)


def as_tuple(axis: bilinear.Axis) -> Taps:
    return axis.lo, axis.hi, axis.frac


@pytest.mark.parametrize(("src", "dst"), PAIRS)
def test_resize_and_block_axes_are_the_old_ones(src: int, dst: int) -> None:
    assert as_tuple(bilinear.resize_axis(src, dst)) == old_bilinear_axis(src, dst)
    for step in (1, 2, 3, 4, 7):
        blocks = (dst + step - 1) // step
        assert as_tuple(bilinear.block_axis(src, dst, step, blocks)) == old_mask_axis(src, dst, step, blocks)


@pytest.mark.parametrize(("src", "dst"), PAIRS)
def test_pixel_axis_is_the_old_full_axis_where_the_weight_counts(src: int, dst: int) -> None:
    for step in (1, 2, 3, 4, 7):
        blocks = (dst + step - 1) // step
        lo, hi, frac = as_tuple(bilinear.pixel_axis(blocks, dst, step))
        old_lo, old_hi, old_frac = old_full_axis(blocks, dst, step)
        assert lo == old_lo and hi == old_hi
        # Past the last block's centre both taps are the last block: a + (a - a) * f is a for
        # any f, so only the weights where the taps differ can change a value.
        assert [f for f, a, b in zip(frac, lo, hi, strict=True) if a != b] == \
            [f for f, a, b in zip(old_frac, lo, hi, strict=True) if a != b]
        assert all(0.0 <= f for f in frac)


def test_tap_runs_end_where_the_taps_change() -> None:
    axis = bilinear.pixel_axis(3, 10, 4)  # blocks of 4 pixels: runs where both taps stay the same
    ends = bilinear.tap_runs(axis)
    for i, end in enumerate(ends):
        assert all((axis.lo[k], axis.hi[k]) == (axis.lo[i], axis.hi[i]) for k in range(i, end + 1))
        assert end == len(ends) - 1 or (axis.lo[end + 1], axis.hi[end + 1]) != (axis.lo[i], axis.hi[i])
    assert ends[0] < ends[-1] == 9


def silhouette(side: int) -> np.ndarray:
    """scikit-image's horse (a real silhouette) as a side x side mask with soft edges, the way
    a model's mask looks: 255 on the horse, 0 off it, a ramp of a few pixels between."""
    horse = np.where(data.horse(), 0, 255).astype(np.uint8)
    return np.asarray(Image.fromarray(horse).resize((side, side), Image.Resampling.BOX))


def with_own_alpha(rgb: np.ndarray) -> np.ndarray:
    """The photo with an alpha of its own: a transparent corner and a ramp along the bottom."""
    height, width = rgb.shape[:2]
    rgba = np.concatenate([rgb, np.full((height, width, 1), 255, np.uint8)], axis=2)
    rgba[: height // 5, : width // 5, 3] = 0
    rgba[3 * height // 4:, :, 3] = np.linspace(255, 20, width).astype(np.uint8)[None]
    return rgba


def old_sampled(mask: np.ndarray, cols: Taps, rows: Taps) -> np.ndarray:
    """The old loops' arithmetic for every pixel: across in the upper and lower row, then down."""
    cl, ch, cf = (np.array(v) for v in cols)
    rl, rh, rf = (np.array(v) for v in rows)
    m = mask.astype(np.float64)
    upper = m[rl][:, cl] + (m[rl][:, ch] - m[rl][:, cl]) * cf
    lower = m[rh][:, cl] + (m[rh][:, ch] - m[rh][:, cl]) * cf
    out: np.ndarray = upper + (lower - upper) * rf[:, None]
    return out


PHOTOS = {"coffee": data.coffee, "chelsea": data.chelsea, "rocket": data.rocket}


@pytest.mark.parametrize(("name", "side", "band"), [
    ("coffee", 64, 37),     # up by 9 and 6 (a small mask), bands of 37 rows
    ("chelsea", 1024, 13),  # down from the app's mask side
    ("rocket", 301, 640),   # a tall photo, one band
])
def test_plain_upscale_is_the_old_one_and_the_twins(name: str, side: int, band: int) -> None:
    rgba = with_own_alpha(PHOTOS[name]())
    height, width = rgba.shape[:2]
    mask = silhouette(side)
    alpha8 = bytearray(mask.tobytes())
    line = array("d", bytes(8 * width))
    banded = bytearray()
    for top in range(0, height, band):
        rows = min(band, height - top)
        pixels = bytearray(rgba[top:top + rows].tobytes())
        apply_alpha_rows(alpha8, side, side, pixels, width, height, top, rows, line)
        banded.extend(pixels)
    ours = np.frombuffer(bytes(banded), np.uint8).reshape(height, width, 4)
    assert np.array_equal(ours[..., :3], rgba[..., :3])
    old = old_sampled(mask, old_bilinear_axis(side, width), old_bilinear_axis(side, height))
    before = np.floor(old * rgba[..., 3] / 255.0 + 0.5).astype(np.uint8)
    assert np.array_equal(ours[..., 3], before)
    assert np.array_equal(ours[..., 3], twin.apply_alpha(mask, rgba[..., 3]))
    # Something to compare: transparent, opaque and partly transparent pixels all there.
    alpha = ours[..., 3]
    assert (alpha == 0).mean() > 0.1 and (alpha == 255).mean() > 0.1 and ((alpha > 0) & (alpha < 255)).any()


def test_whole_photo_is_the_twins_on_an_opaque_photo() -> None:
    rgb = data.astronaut()
    height, width = rgb.shape[:2]
    mask = silhouette(97)
    pixels = bytearray(np.concatenate([rgb, np.full((height, width, 1), 255, np.uint8)], axis=2).tobytes())
    apply_alpha(bytearray(mask.tobytes()), 97, 97, pixels, width, height, array("d", bytes(8 * width)))
    ours = np.frombuffer(bytes(pixels), np.uint8).reshape(height, width, 4)[..., 3]
    assert np.array_equal(ours, twin.alpha(mask, width, height))


@pytest.mark.parametrize(("width", "height", "side", "work_side"), [
    (1500, 1000, 256, 512),    # step 3, the last block cut short
    (4000, 3000, 1024, 200),   # a 12 MP photo's block centres, step 20
    (427, 640, 1024, 1024),    # step 1: every pixel
])
def test_mask_on_the_working_grid_is_the_old_one_and_the_twins(width: int, height: int, side: int,
                                                               work_side: int) -> None:
    plan = refine.RefinePlan(width, height, side, work_side)
    mask = silhouette(side)
    cols = bilinear.block_axis(side, width, plan.step, plan.work_width)
    rows = bilinear.block_axis(side, height, plan.step, plan.work_height)
    out = array("f", bytes(4 * plan.count))
    bilinear.sample_grid(bytearray(mask.tobytes()), side, cols, rows, out)
    ours = np.frombuffer(bytes(out), np.float32).reshape(plan.work_height, plan.work_width)
    old = old_sampled(mask, old_mask_axis(side, width, plan.step, plan.work_width),
                      old_mask_axis(side, height, plan.step, plan.work_height)).astype(np.float32)
    assert np.array_equal(ours, old)
    assert np.array_equal(ours, twin.sampled(mask, cols, rows).astype(np.float32))
    assert ((ours > 0) & (ours < 255)).any() and (ours == 0).any() and (ours == 255).any()


def test_blend_rows_is_the_twins_blend_down() -> None:
    """The refined path's rows blended down (then across, in write_rows) against the twin's."""
    rng = np.random.default_rng(19)
    w, h, width, height, step = 30, 20, 117, 80, 4
    planes = [rng.normal(0.0, 40.0, (h, w)).astype(np.float32) for _ in range(3)]
    cols = bilinear.pixel_axis(w, width, step)
    rows = bilinear.pixel_axis(h, height, step)
    line = array("d", bytes(8 * 3 * w))
    sources = [array("f", plane.tobytes()) for plane in planes]
    expected = [twin.blended(plane, cols, rows) for plane in planes]
    for y in range(height):
        bilinear.blend_rows(sources, 0, rows.lo[y] * w, rows.hi[y] * w, rows.frac[y], w, line)
        down = np.frombuffer(bytes(line), np.float64).reshape(3, w)
        across = down[:, cols.lo] + (down[:, cols.hi] - down[:, cols.lo]) * np.array(cols.frac)
        assert np.array_equal(across, np.stack([e[y] for e in expected]))
