"""Corrective clicks through window.backgrone.removeBackground in real Chromium: the photo cut
out before is corrected without a new inference, a keep click brings back the region it lands
in, a stroke paints, no hints give the automatic cutout again, and every result says its
confidence. Lightweight: the engine does not matter here."""
from __future__ import annotations

import io

import numpy as np
import pytest
from selenium import webdriver

from support import photos
from support.browser import png_from, remove_background

pytestmark = pytest.mark.e2e

ENGINE = {"engine": "lightweight", "refine": False}


def alpha_of(result: dict[str, object]) -> np.ndarray:
    data = result["png"]
    assert isinstance(data, bytes)
    return np.asarray(png_from(data))[:, :, 3]


def test_hints_correct_the_cutout_without_a_new_inference(page: webdriver.Chrome) -> None:
    photo = photos.astronaut().resize((384, 384))
    buffer = io.BytesIO()
    photo.save(buffer, "PNG")
    data = buffer.getvalue()
    first = remove_background(page, data, "image/png", "astronaut.png", ENGINE)
    assert "inference" in first["timings"] and "reused" not in first["timings"]
    assert 0.0 <= first["confidence"] <= 1.0
    automatic = alpha_of(first)
    # A keep click on the background, far from the subject's edge: the region it lands in.
    background = np.argwhere(automatic == 0)
    y, x = (int(v) for v in background[len(background) // 2])
    clicked = remove_background(page, data, "image/png", "astronaut.png",
                                {**ENGINE, "hints": [{"x": x, "y": y, "keep": True}]})
    assert "inference" not in clicked["timings"] and clicked["timings"]["reused"] == 1
    assert clicked["timings"]["correct"] > 0
    corrected = alpha_of(clicked)
    assert corrected[y, x] == 255
    gained = (corrected > automatic).sum()
    # A region grown from the click, not one dab and not the whole photo.
    assert 200 < gained < 0.9 * (automatic == 0).sum()
    assert not (corrected < automatic).any()  # a keep click takes nothing away
    # Undo: the same photo with no hints is the automatic cutout again, still reused.
    again = remove_background(page, data, "image/png", "astronaut.png", ENGINE)
    assert "inference" not in again["timings"]
    assert np.array_equal(alpha_of(again), automatic)
    # A remove stroke through the subject, on the same path.
    subject = np.argwhere(automatic == 255)
    sy, sx = (int(v) for v in subject[len(subject) // 2])
    stroked = remove_background(page, data, "image/png", "astronaut.png",
                                {**ENGINE, "strokes": [{"points": [[sx, sy], [sx + 10, sy]], "keep": False,
                                                        "radius": 6}]})
    painted = alpha_of(stroked)
    assert painted[sy, sx] == 0 and painted[sy, sx + 10] == 0
    assert 50 < (painted < automatic).sum() < 2000
