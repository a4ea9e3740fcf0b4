"""tests/support/metrics.py, the one definition of IoU, MAE, boundary F and the edge colour
error that the tests and the bench share, on masks whose answers are known by hand."""
from __future__ import annotations

import numpy as np
import pytest

from support import metrics


def square(size: int, lo: int, hi: int) -> np.ndarray:
    mask = np.zeros((size, size), np.uint8)
    mask[lo:hi, lo:hi] = 255
    return mask


def test_iou_and_mae_of_overlapping_squares() -> None:
    truth = square(100, 10, 50)  # 40 x 40
    ours = square(100, 30, 70)  # 40 x 40, overlapping 20 x 20
    assert metrics.iou(ours, truth) == pytest.approx(400 / (1600 + 1600 - 400))
    assert metrics.mae(ours, truth) == pytest.approx(2 * (1600 - 400) / 10000)
    # Thresholded at 1/2: 127 is background, 128 foreground; MAE counts the soft values.
    soft = np.where(truth > 0, 128, 127).astype(np.uint8)
    assert metrics.iou(soft, truth) == 1.0
    assert metrics.mae(soft, truth) == pytest.approx((127 * 1600 + 127 * 8400) / 255 / 10000)
    assert metrics.iou(np.zeros((4, 4), np.uint8), np.zeros((4, 4), np.uint8)) == 1.0


def test_boundary_f_tolerance_is_half_a_percent_of_the_diagonal() -> None:
    truth = square(200, 50, 150)  # diagonal 283: tolerance ceil(1.41) = 2 pixels
    assert metrics.boundary_f(truth, truth) == 1.0
    # 2 px inside: all of ours matched; of the truth's 396 boundary pixels, the three at each
    # corner are farther than 2 px (the corner itself sqrt(8)) from ours.
    recall = 384 / 396
    assert metrics.boundary_f(square(200, 52, 148), truth) == pytest.approx(2 * recall / (1 + recall))
    assert metrics.boundary_f(square(200, 53, 147), truth) == 0.0  # 3 px inside: none matched
    assert metrics.boundary_f(np.zeros_like(truth), truth) == 0.0
    assert metrics.boundary_f(np.zeros_like(truth), np.zeros_like(truth)) == 1.0
    scores = metrics.scores(square(200, 52, 148), truth)
    assert set(scores) == {"iou", "mae", "bf"} and scores["bf"] > 0.98


def test_edge_colour_error_counts_tint_and_alpha_in_the_band_only() -> None:
    size = 40
    truth = np.zeros((size, size), np.uint8)
    truth[:, :20] = 255
    truth[:, 20] = 128  # one fractional column
    foreground = np.zeros((size, size, 3), np.uint8)
    foreground[...] = (200, 50, 50)
    new = (0, 0, 255)
    # The true cutout, with the true colour: no error.
    exact = np.concatenate([foreground, truth[..., None]], axis=2)
    assert metrics.edge_colour_error(exact, truth, foreground, new) == 0.0
    band = metrics.edge_band([truth], truth)
    assert band[:, 17:24].all() and not band[:, :17].any() and not band[:, 24:].any()
    # A green tint left in the fractional column: the error is its share of the band.
    tinted = exact.copy()
    tinted[:, 20, :3] = (100, 150, 50)
    a = 128 / 255
    expected = a * (100 + 100 + 0) / 3 / 7  # |difference| per channel, over 7 columns of band
    assert metrics.edge_colour_error(tinted, truth, foreground, new) == pytest.approx(expected)
    # An alpha error far from any edge is outside the band; one in it counts.
    far = exact.copy()
    far[:, 0, 3] = 0
    assert metrics.edge_colour_error(far, truth, foreground, new) == 0.0
    near = exact.copy()
    near[:, 18, 3] = 0
    assert metrics.edge_colour_error(near, truth, foreground, new) > 0.0
    # Over a common band, a cutout with a wider soft band is not diluted: the same error, the
    # same mean.
    wide = exact.copy()
    wide[:, 30, 3] = 254  # a fractional pixel far from the edge, without error to speak of
    common = metrics.edge_band([tinted[..., 3], wide[..., 3]], truth)
    assert common[:, 27:34].all()
    alone = metrics.edge_colour_error(tinted, truth, foreground, new)
    assert metrics.edge_colour_error(tinted, truth, foreground, new, common) == pytest.approx(alone * 7 / 14)
