"""The vertical slice in real Chromium: a photo in, a lossless PNG cutout out, agreeing with
native onnxruntime on the same model and preprocessing, with no request leaving the origin."""
from __future__ import annotations

import io
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from support import photos, reference
from support.browser import Page, fetch_bytes, png_from, remove_background, wait_for_jobs
from support.chromium import NetLog
from support.server import Server

pytestmark = pytest.mark.e2e

def test_file_picker_gives_a_png_cutout(page: Page, tmp_path: Path) -> None:
    photo = photos.astronaut()
    path = photos.save(photo, tmp_path, "astronaut.jpg", quality=95)
    # The native reference is the model's own mask: compare with edge refinement off.
    if page.execute("return document.querySelector('input[data-refine]').checked;"):
        page.click("input[data-refine]")
    page.upload("input[type=file]", [path])
    jobs = wait_for_jobs(page, 1)
    assert jobs[0]["state"] == "done", jobs[0]["alert"]
    assert jobs[0]["download"] == "astronaut-nobg.png"
    png = png_from(fetch_bytes(page, jobs[0]["href"]))
    reference.assert_agrees(png, reference.alpha(Image.open(path), "precision"), "precision")


def test_api_returns_png_and_stage_timings(page: Page) -> None:
    photo = photos.coffee()
    buffer = io.BytesIO()
    photo.save(buffer, "PNG")
    result = remove_background(page, buffer.getvalue(), "image/png", "coffee.png",
                               {"engine": "precision", "refine": False})
    assert (result["width"], result["height"]) == photo.size
    assert result["type"] == "image/png"
    for stage in ("decode", "preprocess", "inference", "postprocess", "encode", "total"):
        assert result["timings"][stage] > 0, stage
    assert result["timings"]["total"] >= result["timings"]["inference"]
    png = png_from(result["png"])
    reference.assert_agrees(png, reference.alpha(photo, "precision"), "precision")
    # Lossless: wherever the cutout is opaque, the colours are the photo's own.
    rgba = np.asarray(png)
    opaque = rgba[:, :, 3] == 255
    assert np.array_equal(rgba[:, :, :3][opaque], np.asarray(photo)[opaque])


def test_unreadable_file_fails_alone(page: Page, tmp_path: Path) -> None:
    fake = tmp_path / "notes.jpg"
    fake.write_text("these are not the pixels you are looking for")
    real = photos.save(photos.astronaut().resize((256, 256)), tmp_path, "small.png")
    before = page.execute("return document.querySelectorAll('[data-job]').length;")
    page.upload("input[type=file]", [fake, real])
    jobs = wait_for_jobs(page, before + 2)[before:]
    assert [job["state"] for job in jobs] == ["failed", "done"]
    assert "not an image" in jobs[0]["alert"]


def test_every_request_stays_on_the_origin(page: Page, server: Server, net_log: NetLog) -> None:
    """Runs after the photos above: Chromium's net log holds all the page and its worker sent."""
    deadline = time.monotonic() + 15
    sent = net_log.page_requests(server.origin)
    while not any("/models/precision/" in r["url"] for r in sent):
        assert time.monotonic() < deadline, "the worker's model requests are missing from the log"
        time.sleep(0.5)
        sent = net_log.page_requests(server.origin)
    for request in sent:
        assert request["url"].startswith(server.origin + "/"), request["url"]
        # Nothing is uploaded: only GETs, and no request carries a body.
        assert request["method"] == "GET", request
        assert "upload_id" not in request, request
