"""The vertical slice in real Chromium: a photo in, a lossless PNG cutout out, agreeing with
native onnxruntime on the same model and preprocessing, with no request leaving the origin."""
from __future__ import annotations

import io
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from selenium import webdriver

from support import photos, reference
from support.browser import NetLog, fetch_bytes, png_from, remove_background, wait_for_jobs
from support.server import Server

pytestmark = pytest.mark.e2e


def assert_agrees(png: Image.Image, source: Image.Image, engine: str) -> tuple[float, float]:
    assert png.mode == "RGBA"
    assert png.size == source.size
    ours = np.asarray(png)[:, :, 3]
    iou, mad = reference.agreement(ours, reference.alpha(source, engine))
    print(f"{engine}: IoU {iou:.4f}, mean abs diff {mad * 255:.3f}/255")
    assert iou >= reference.MIN_IOU
    assert mad <= reference.MAX_MAD
    # A cutout, not a copy: some background must be gone and some subject kept.
    assert (ours == 0).mean() > 0.05 and (ours == 255).mean() > 0.05
    return iou, mad


def test_file_picker_gives_a_png_cutout(page: webdriver.Chrome, tmp_path: Path) -> None:
    photo = photos.astronaut()
    path = photos.save(photo, tmp_path, "astronaut.jpg", quality=95)
    # The native reference is the model's own mask: compare with edge refinement off.
    refine = page.find_element("css selector", "input[data-refine]")
    if refine.is_selected():
        refine.click()
    page.find_element("css selector", "input[type=file]").send_keys(str(path))
    jobs = wait_for_jobs(page, 1)
    assert jobs[0]["state"] == "done", jobs[0]["alert"]
    assert jobs[0]["download"] == "astronaut-nobg.png"
    png = png_from(fetch_bytes(page, jobs[0]["href"]))
    assert_agrees(png, Image.open(path), "precision")


def test_api_returns_png_and_stage_timings(page: webdriver.Chrome) -> None:
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
    assert_agrees(png, photo, "precision")
    # Lossless: wherever the cutout is opaque, the colours are the photo's own.
    rgba = np.asarray(png)
    opaque = rgba[:, :, 3] == 255
    assert np.array_equal(rgba[:, :, :3][opaque], np.asarray(photo)[opaque])


def test_unreadable_file_fails_alone(page: webdriver.Chrome, tmp_path: Path) -> None:
    fake = tmp_path / "notes.jpg"
    fake.write_text("these are not the pixels you are looking for")
    real = photos.save(photos.astronaut().resize((256, 256)), tmp_path, "small.png")
    before = len(page.find_elements("css selector", "[data-job]"))
    page.find_element("css selector", "input[type=file]").send_keys(f"{fake}\n{real}")
    jobs = wait_for_jobs(page, before + 2)[before:]
    assert [job["state"] for job in jobs] == ["failed", "done"]
    assert "not an image" in jobs[0]["alert"]


def test_every_request_stays_on_the_origin(page: webdriver.Chrome, server: Server, net_log: NetLog) -> None:
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
