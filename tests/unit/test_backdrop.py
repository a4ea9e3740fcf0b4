"""core/backdrop: the blurred-photo background equals its NumPy reference, keeps the subject's
colours out of the background, and is computed small."""
from __future__ import annotations

from array import array

import numpy as np
import pytest

from backgrone.core import backdrop
from support.backdrop_reference import blurred_background as reference


def run(photo: np.ndarray, cutout_alpha: np.ndarray, radius: int) -> np.ndarray:
    height, width = cutout_alpha.shape
    cutout = np.zeros((height, width, 4), np.uint8)
    cutout[:, :, 3] = cutout_alpha
    planes = [array("d", bytes(8 * width * height)) for _ in range(5)]
    out = bytearray(4 * width * height)
    backdrop.blurred_background(bytearray(photo.tobytes()), bytearray(cutout.tobytes()), width, height,
                                radius, planes, out)
    return np.frombuffer(bytes(out), np.uint8).reshape(height, width, 4)


@pytest.mark.parametrize("radius", [1, 4, backdrop.MAX_RADIUS])
def test_equals_the_numpy_reference_and_is_opaque(radius: int) -> None:
    rng = np.random.default_rng(radius)
    photo = rng.integers(0, 256, (41, 57, 4), dtype=np.uint8)
    alpha = rng.integers(0, 256, (41, 57), dtype=np.uint8)
    alpha[5:30, 10:40] = 255
    got = run(photo, alpha, radius)
    assert np.array_equal(got[:, :, :3], reference(photo, alpha, radius))
    assert (got[:, :, 3] == 255).all()


def test_the_subject_does_not_bleed_into_the_background() -> None:
    """A red subject on a blue background: the blurred background stays blue right up to the
    subject, where a plain blur would turn purple."""
    photo = np.zeros((40, 40, 4), np.uint8)
    photo[:, :, 2] = 200
    alpha = np.zeros((40, 40), np.uint8)
    alpha[10:30, 10:30] = 255
    photo[10:30, 10:30] = [220, 0, 0, 255]
    got = run(photo, alpha, 6)
    ring = (alpha == 0)
    assert (got[ring][:, 0] <= 2).all() and (got[ring][:, 2] >= 198).all()
    # Deep inside the subject the background is filled from around it too.
    assert got[20, 20, 2] > got[20, 20, 0]


def test_work_size_and_radius() -> None:
    assert backdrop.work_size(256, 200) == [256, 200]
    assert backdrop.work_size(4000, 3000) == [512, 384]
    assert backdrop.work_size(10, 5000) == [1, 512]
    assert backdrop.blur_radius(256, 256) == 6
    assert backdrop.blur_radius(512, 384) == 13
    assert backdrop.blur_radius(10, 10) == 1
    assert backdrop.blur_radius(100000, 10) == backdrop.MAX_RADIUS
