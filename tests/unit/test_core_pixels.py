"""core/ geometry, bilinear taps, tensor and mask under CPython, against independent references."""
from __future__ import annotations

from array import array

import numpy as np
import pytest
from PIL import Image
from skimage import data

from backgrone.core.engines import OUTPUT_CLAMP, OUTPUT_MINMAX, find_engine
from backgrone.core.bilinear import resize_axis
from backgrone.core.geometry import fits
from backgrone.core.mask import apply_alpha, mask_to_alpha8, to_byte
from backgrone.core.tensor import rgba_to_nchw
from support import reference


def test_resize_axis_identity_and_doubling() -> None:
    same = resize_axis(4, 4)
    assert same.lo == [0, 1, 2, 3] and same.frac == [0.0, 0.0, 0.0, 0.0]
    double = resize_axis(2, 4)
    # Half-pixel centres: output 0 clamps to the first pixel, 1 and 2 blend 1/4 and 3/4,
    # and output 3 reads the last pixel twice (lo == hi), whatever its fraction.
    assert double.lo == [0, 0, 0, 1] and double.hi == [1, 1, 1, 1]
    assert double.frac == [0.0, 0.25, 0.75, 0.25]


def test_rgba_to_nchw_planes_and_isnet_normalisation() -> None:
    rgba = bytearray([0, 128, 255, 7, 10, 20, 30, 255])
    out = array("f", bytes(4 * 6))
    precision = find_engine("precision")
    rgba_to_nchw(rgba, 2, precision.mean, precision.std, out)
    expected = [(p - 128) / 256 for p in (0, 10, 128, 20, 255, 30)]
    assert list(out) == pytest.approx(expected, abs=1e-7)


def test_rmbg_normalisation_is_p_over_255_minus_half() -> None:
    out = array("f", bytes(4 * 3))
    balanced = find_engine("balanced")
    rgba_to_nchw(bytearray([255, 0, 51, 0]), 1, balanced.mean, balanced.std, out)
    assert list(out) == pytest.approx([0.5, -0.5, 51 / 255 - 0.5], abs=1e-7)


@pytest.mark.parametrize(("engine_id", "scale", "offset"), [
    # The single scale and offset each engine had before its row held a mean and std per channel.
    ("precision", 1.0 / 256.0, -0.5), ("lightweight", 1.0 / 256.0, -0.5), ("balanced", 1.0 / 255.0, -0.5),
])
def test_mean_std_gives_the_bytes_the_scalar_scale_and_offset_gave(engine_id: str, scale: float,
                                                                     offset: float) -> None:
    # A real photo, every 0..255 value in each channel among its pixels.
    rgba = Image.fromarray(data.astronaut()).convert("RGBA").tobytes()
    count = len(rgba) // 4
    assert all(len(set(rgba[c::4])) == 256 for c in range(3))
    ours = array("f", bytes(4 * 3 * count))
    engine = find_engine(engine_id)
    rgba_to_nchw(rgba, count, engine.mean, engine.std, ours)
    before = array("f", bytes(4 * 3 * count))
    for i in range(count):
        for c in range(3):
            before[c * count + i] = rgba[4 * i + c] * scale + offset
    assert ours.tobytes() == before.tobytes()
    # The native reference (tests/support/reference.py) reads the same row, to the same bytes.
    photo = Image.fromarray(data.astronaut())
    side = engine.input_size
    rgb = np.asarray(photo.convert("RGB").resize((side, side), Image.Resampling.BICUBIC), dtype=np.float64)
    old = (rgb * scale + offset).transpose(2, 0, 1)[None].astype(np.float32)
    assert reference.input_tensor(photo, engine).tobytes() == old.tobytes()


def test_to_byte_rounds_half_up_and_clamps() -> None:
    assert [to_byte(v) for v in (-0.3, 0.0, 0.5 / 255, 0.5, 1.0, 1.7)] == [0, 0, 1, 128, 255, 255]


def test_mask_to_alpha8_modes() -> None:
    raw = array("f", [-0.5, 0.25, 1.5, 0.75])
    clamped = bytearray(4)
    mask_to_alpha8(raw, 4, OUTPUT_CLAMP, clamped)
    assert list(clamped) == [0, 64, 255, 191]
    stretched = bytearray(4)
    mask_to_alpha8(raw, 4, OUTPUT_MINMAX, stretched)
    assert list(stretched) == [0, 96, 255, 159]
    flat = bytearray(4)
    mask_to_alpha8(array("f", [0.3] * 4), 4, OUTPUT_MINMAX, flat)
    assert list(flat) == [255] * 4


def test_apply_alpha_matches_pil_bilinear_upscale() -> None:
    rng = np.random.default_rng(7)
    mask = rng.integers(0, 256, size=(16, 16), dtype=np.uint8)
    width, height = 53, 37
    rgba = bytearray(b"\xff" * (4 * width * height))
    apply_alpha(bytes(mask.tobytes()), 16, 16, rgba, width, height, array("d", bytes(8 * width)))
    ours = np.frombuffer(bytes(rgba), dtype=np.uint8).reshape(height, width, 4)[:, :, 3]
    pil = np.asarray(Image.fromarray(mask).resize((width, height), Image.Resampling.BILINEAR))
    assert np.abs(ours.astype(int) - pil.astype(int)).max() <= 1


def test_apply_alpha_keeps_the_photos_own_transparency() -> None:
    rgba = bytearray([9, 9, 9, 0, 9, 9, 9, 128, 9, 9, 9, 255, 9, 9, 9, 255])
    apply_alpha(bytes([255, 255, 128, 0]), 2, 2, rgba, 2, 2, array("d", bytes(16)))
    assert list(rgba[3::4]) == [0, 128, 128, 0]
    assert list(rgba[0::4]) == [9, 9, 9, 9]


def test_fits_rejects_empty_and_huge() -> None:
    assert fits(4000, 3000) and not fits(0, 10) and not fits(20000, 10000)
