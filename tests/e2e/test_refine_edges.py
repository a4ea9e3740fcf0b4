"""Edge refinement in Chromium: the API's refine option, off by default, on on request; the two
cutouts agree away from the subject's edge and differ along it; the page offers the toggle."""
from __future__ import annotations

import io

import numpy as np
import pytest
from scipy import ndimage

from support import photos, reference
from support.browser import Page, png_from, remove_background

pytestmark = pytest.mark.e2e


def cutout(page: Page, data: bytes, options: dict[str, object]) -> np.ndarray:
    result = remove_background(page, data, "image/png", "coffee.png", options)
    for stage in ("postprocess", "total"):
        assert result["timings"][stage] > 0, stage
    png = png_from(result["png"])
    assert png.mode == "RGBA"
    return np.asarray(png)


def test_refine_true_and_false_both_work_and_differ_at_the_edge(page: Page) -> None:
    photo = photos.coffee()
    buffer = io.BytesIO()
    photo.save(buffer, "PNG")
    data = buffer.getvalue()
    plain = cutout(page, data, {"engine": "lightweight", "refine": False})
    refined = cutout(page, data, {"engine": "lightweight", "refine": True})
    default = cutout(page, data, {"engine": "lightweight"})
    assert plain.shape == refined.shape == (photo.height, photo.width, 4)
    # Off is the plain pipeline: it agrees with native onnxruntime's bilinear mask.
    iou, mad = reference.agreement(plain[..., 3], reference.alpha(photo, "lightweight"))
    assert iou >= reference.MIN_IOU and mad <= reference.MAX_MAD
    # Off is the default (protocol.REFINE_DEFAULT, issue 16); on is a cutout too.
    assert np.array_equal(default, plain)
    alpha = refined[..., 3].astype(int)
    assert (alpha == 0).mean() > 0.05 and (alpha == 255).mean() > 0.05
    # They differ, and where they differ is the subject's edge: within a few mask pixels
    # (at this size the filter's radius is 2 px) of the plain cutout's partly transparent band.
    changed = np.abs(alpha - plain[..., 3].astype(int)) >= 16
    assert changed.sum() > 100
    band = (plain[..., 3] > 0) & (plain[..., 3] < 255)
    near_edge = ndimage.binary_dilation(band, iterations=6)
    assert changed[near_edge].sum() >= 0.95 * changed.sum()
    # Far from any edge nothing moved.
    assert np.array_equal(alpha[~near_edge], plain[..., 3][~near_edge].astype(int))
    # Opaque pixels keep the photo's colours; some partly transparent ones were recoloured.
    rgb = np.asarray(photo)
    opaque = refined[..., 3] == 255
    assert np.array_equal(refined[..., :3][opaque], rgb[opaque])
    soft = (refined[..., 3] >= 64) & (refined[..., 3] < 255)
    assert (np.abs(refined[..., :3][soft].astype(int) - rgb[soft]).max(axis=1) > 8).sum() > 20


def test_page_offers_the_toggle_unchecked(page: Page) -> None:
    box = "input[type=checkbox][data-refine]"
    assert page.execute("return document.querySelector(arguments[0]).checked === false;", box)
    label = page.execute("return document.querySelector(arguments[0]).closest('label').textContent", box)
    assert "Refine edges" in label
