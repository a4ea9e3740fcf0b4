"""core/refine.py under CPython on synthetic photos with known answers, and its numpy port
(bench/quality_refine.py, which the quality bench runs) against it, byte for byte."""
from __future__ import annotations

import importlib.util
from array import array
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from backgrone.core import protocol, refine
from backgrone.core.mask import apply_alpha
from support import metrics

ROOT = Path(__file__).resolve().parents[2]

FOREGROUND = (200, 60, 40)
BACKGROUND = (40, 90, 200)


def numpy_port() -> ModuleType:
    spec = importlib.util.spec_from_file_location("quality_refine", ROOT / "bench" / "quality_refine.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_core(rgba: np.ndarray, mask: np.ndarray, work_side: int = refine.WORK_SIDE) -> np.ndarray:
    """core.refine on an H x W x 4 photo and a square mask; returns the new H x W x 4."""
    height, width = rgba.shape[:2]
    side = int(round(np.sqrt(mask.size)))
    plan = refine.RefinePlan(width, height, side, work_side)
    planes = [array("f", bytes(4 * plan.count)) for _ in range(refine.PLANES)]
    line = array("d", bytes(8 * plan.line_length))
    pixels = bytearray(rgba.astype(np.uint8).tobytes())
    refine.refine(bytearray(mask.astype(np.uint8).tobytes()), pixels, plan, planes, line)
    return np.frombuffer(bytes(pixels), np.uint8).reshape(height, width, 4)


def run_unrefined(rgba: np.ndarray, mask: np.ndarray) -> np.ndarray:
    height, width = rgba.shape[:2]
    side = int(round(np.sqrt(mask.size)))
    pixels = bytearray(rgba.astype(np.uint8).tobytes())
    apply_alpha(bytearray(mask.astype(np.uint8).tobytes()), side, side, pixels, width, height,
                array("d", bytes(8 * width)))
    return np.frombuffer(bytes(pixels), np.uint8).reshape(height, width, 4)


def two_colour_photo(width: int, height: int, edge: int) -> np.ndarray:
    """The subject left of column `edge`, the background right of it, both opaque."""
    photo = np.zeros((height, width, 4), dtype=np.uint8)
    photo[..., 3] = 255
    photo[:, :edge, :3] = FOREGROUND
    photo[:, edge:, :3] = BACKGROUND
    return photo


def blurred_step_mask(side: int, width: int, edge: int, kernel: int) -> np.ndarray:
    """The photo's step in mask coordinates, blurred by a box of `kernel` mask pixels."""
    centres = (np.arange(side) + 0.5) * width / side - 0.5
    step = np.where(centres < edge - 0.5, 255.0, 0.0)
    blurred = np.convolve(np.pad(step, kernel // 2, mode="edge"), np.ones(kernel) / kernel, mode="valid")
    return np.tile(np.floor(blurred + 0.5), (side, 1))


@pytest.mark.parametrize("work_side", [refine.WORK_SIDE, 32])
def test_blurred_step_edge_comes_back_sharp(work_side: int) -> None:
    """A box blur of 7 mask pixels (14 photo pixels) snaps back to the photo's edge, at full
    resolution (step 1) and through the subsampled working grid (step 4)."""
    width, height, side, edge = 128, 96, 64, 53
    photo = two_colour_photo(width, height, edge)
    mask = blurred_step_mask(side, width, edge, 7)
    before = run_unrefined(photo, mask)[..., 3].astype(int)
    after = run_core(photo, mask, work_side)[..., 3].astype(int)
    assert np.count_nonzero((before[40] > 0) & (before[40] < 255)) >= 12  # the blur, unrefined
    for row in after:
        assert (row[:edge - 2] == 255).all() and (row[edge:] == 0).all()
        # At most the two pixels next to the edge stay partly transparent, and only barely.
        assert (row[edge - 2:edge] >= 224).all()


@pytest.mark.parametrize("work_side", [refine.WORK_SIDE, 32])
def test_hard_edge_over_a_contrasting_background_loses_its_tint(work_side: int) -> None:
    """A hard red/blue edge with the model's soft mask, laid over a new green: unrefined, the
    edge band carries the old blue into the new picture; refined, it is (almost) gone."""
    width, height, side, edge = 128, 24, 64, 53
    photo = two_colour_photo(width, height, edge)
    mask = blurred_step_mask(side, width, edge, 7)
    plain = run_unrefined(photo, mask)
    refined = run_core(photo, mask, work_side)
    truth = np.zeros((height, width), np.uint8)
    truth[:, :edge] = 255
    subject = np.empty((height, width, 3), np.uint8)
    subject[...] = FOREGROUND
    new = (40, 200, 60)
    band = metrics.edge_band([plain[..., 3], refined[..., 3]], truth)
    before = metrics.edge_colour_error(plain, truth, subject, new, band)
    after = metrics.edge_colour_error(refined, truth, subject, new, band)
    assert before > 10  # the tint is there to remove: 17.5 levels
    assert after < 0.2 * before
    # Past the edge the new picture is the new colour itself: no blue left there.
    laid = metrics.over(refined[..., :3], refined[..., 3], new)
    assert np.array_equal(laid[:, edge:], np.broadcast_to(np.array(new, float), laid[:, edge:].shape))


def test_soft_ramp_of_alpha_stays_a_ramp() -> None:
    """A subject whose edge is truly soft (a 24-pixel blend in the photo, the mask agreeing):
    the refined alpha is still a monotone ramp centred where the truth is, not a step. The
    contrast gain about 1/2 makes it twice as steep (12 fractional pixels of 24); measured on
    the composites, that gain lowers MAE and the edge colour error (bench/quality.py)."""
    width, height, side = 128, 24, 64
    start, end = 52, 76
    x = np.arange(width)
    alpha = np.clip((end - 0.5 - x) / (end - start), 0.0, 1.0)
    photo = np.zeros((height, width, 4), np.uint8)
    photo[..., 3] = 255
    mixed = alpha[:, None] * np.array(FOREGROUND) + (1 - alpha[:, None]) * np.array(BACKGROUND)
    photo[..., :3] = np.floor(mixed + 0.5).astype(np.uint8)[None]
    centres = (np.arange(side) + 0.5) * width / side - 0.5
    mask_row = np.clip((end - 0.5 - centres) / (end - start), 0.0, 1.0) * 255
    refined = run_core(photo, np.tile(np.floor(mask_row + 0.5), (side, 1)))[..., 3].astype(int)
    for row in refined:
        assert (np.diff(row) <= 0).all()  # monotone
        fractional = np.flatnonzero((row > 0) & (row < 255))
        assert len(fractional) >= 10  # a ramp, not a step
        # Its middle is the truth's middle, within a pixel.
        middle = np.interp(127.5, row[::-1], np.arange(width)[::-1])
        assert abs(middle - (start + end - 1) / 2) <= 1.0


def test_constant_mask_stays_constant() -> None:
    rng = np.random.default_rng(7)
    photo = rng.integers(0, 256, (30, 41, 4), dtype=np.uint8)
    photo[..., 3] = 255
    for value in (0, 77, 200, 255):
        out = run_core(photo, np.full((16, 16), value))
        alpha = out[..., 3]
        assert (alpha == alpha[0, 0]).all(), value
        expected = np.clip(refine.CENTRE + refine.GAIN * (value - refine.CENTRE), 0, 255)
        assert alpha[0, 0] == np.floor(expected + 0.5), value
        if value in (0, 255):
            # Nothing fractional: every colour is the photo's own.
            assert np.array_equal(out[..., :3], photo[..., :3])


def test_photo_alpha_is_kept() -> None:
    """As unrefined: a pixel the photo made transparent stays transparent."""
    photo = two_colour_photo(40, 30, 20)
    photo[:10, :, 3] = 0
    photo[10:20, :, 3] = 100
    out = run_core(photo, np.full((8, 8), 255))
    assert (out[:10, :, 3] == 0).all() and (out[10:20, :, 3] == 100).all() and (out[20:, :, 3] == 255).all()


def test_background_halo_is_removed_from_the_foreground_colour() -> None:
    """Along a soft edge the photo mixes the subject's red with the background's blue; the
    cutout's fractional pixels must carry the subject's colour, not the blend."""
    width, height, side = 120, 40, 60
    ramp_start, ramp_end = 52, 68
    x = np.arange(width)
    alpha = np.clip((ramp_end - x) / (ramp_end - ramp_start), 0.0, 1.0)  # 1 on the left
    photo = np.zeros((height, width, 4), dtype=np.uint8)
    photo[..., 3] = 255
    mixed = alpha[:, None] * np.array(FOREGROUND) + (1 - alpha[:, None]) * np.array(BACKGROUND)
    photo[..., :3] = np.floor(mixed + 0.5).astype(np.uint8)[None]
    centres = (np.arange(side) + 0.5) * width / side - 0.5
    mask_row = np.clip((ramp_end - centres) / (ramp_end - ramp_start), 0.0, 1.0) * 255
    mask = np.tile(np.floor(mask_row + 0.5), (side, 1))
    out = run_core(photo, mask)
    fractional = (out[..., 3] > 0) & (out[..., 3] < 255)
    assert fractional.sum() >= 5 * height  # a soft edge stays soft
    colours = out[..., :3][fractional].astype(float)
    before = photo[..., :3][fractional].astype(float)
    subject = np.array(FOREGROUND, dtype=float)
    error_before = np.linalg.norm(before - subject, axis=1).mean()
    error_after = np.linalg.norm(colours - subject, axis=1).mean()
    assert error_before > 60  # the halo is there to remove
    assert error_after < 0.1 * error_before
    # No blue left in the subject's colour: at most a few levels above the subject's own.
    assert colours[:, 2].max() <= FOREGROUND[2] + 8
    # Opaque pixels keep the photo's colours exactly (lossless; the touch-up recomposes them).
    opaque = out[..., 3] == 255
    assert np.array_equal(out[..., :3][opaque], photo[..., :3][opaque])


def test_plan_sizes() -> None:
    twelve = refine.RefinePlan(4000, 3000, 1024)
    assert (twelve.step, twelve.work_width, twelve.work_height, twelve.radius) == (4, 1000, 750, 4)
    small = refine.RefinePlan(800, 600, 1024)
    assert (small.step, small.work_width, small.radius, small.colour_radius) == (1, 800, 3, 6)
    odd = refine.RefinePlan(1025, 7, 1024)
    assert (odd.step, odd.work_width, odd.work_height, odd.radius) == (2, 513, 4, 2)
    # The working planes stay under 80 MB whatever the photo (the app takes up to 100 MP).
    for width, height in ((10000, 10000), (1024, 1024), (1025, 1025), (20000, 5000)):
        plan = refine.RefinePlan(width, height, 1024)
        assert refine.PLANES * plan.count * 4 < 80_000_000
        assert max(plan.work_width, plan.work_height) <= refine.WORK_SIDE


@pytest.mark.parametrize(("width", "height", "side", "work_side"), [
    (23, 17, 9, refine.WORK_SIDE), (40, 30, 16, 12), (31, 45, 8, 7), (1, 1, 3, refine.WORK_SIDE),
    (5, 30, 4, 4), (64, 48, 32, 16), (90, 70, 24, refine.WORK_SIDE),
])
def test_numpy_port_gives_the_same_bytes(width: int, height: int, side: int, work_side: int) -> None:
    """bench/quality.py scores the refinement through this port: it must be the same function."""
    rng = np.random.default_rng(width * 1000 + height)
    rgb = rng.integers(0, 256, (height, width, 3), dtype=np.uint8)
    rgb[:, : width // 2] //= 3  # an edge for the fit to find
    own_alpha = rng.integers(0, 256, (height, width), dtype=np.uint8)
    own_alpha[::2] = 255
    rgba = np.concatenate([rgb, own_alpha[..., None]], axis=2)
    mask = rng.integers(0, 256, (side, side)).astype(np.uint8)
    mask[: side // 3] = 255  # settled regions, fractional ones and an empty one
    mask[-(side // 4):] = 0
    ours = run_core(rgba, mask, work_side)
    port = numpy_port().refine(mask.reshape(-1), rgba, refine.RefinePlan(width, height, side, work_side))
    assert np.array_equal(ours, port)


def test_process_message_carries_the_refine_option() -> None:
    assert protocol.process(1, "precision", None)["refine"] is protocol.REFINE_DEFAULT is False
    assert protocol.process(2, "lightweight", None, True)["refine"] is True
    assert protocol.process(3, "lightweight", None, False)["refine"] is False
