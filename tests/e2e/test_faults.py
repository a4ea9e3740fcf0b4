"""Faults: storage full, a network that drops, a crashing worker, an engine switch mid-job, and
a long queue. Each test serves the site on its own origin, so each starts with empty storage."""
from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from selenium import webdriver
from selenium.webdriver.support.ui import WebDriverWait

from backgrone.core import errors
from support import photos, reference
from support.browser import fetch_bytes, png_from, remove_background, run_async, wait_for_jobs
from support.server import ROOT, Server

pytestmark = pytest.mark.e2e

MANIFEST = json.loads((ROOT / "public" / "models" / "manifest.json").read_text())
CHUNKS = MANIFEST["engines"]["lightweight"]["chunks"]


@pytest.fixture()
def origin(site: Path, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Server]:
    """A fresh origin for one test; `@pytest.mark.parametrize('origin', [drops], indirect=True)`
    cuts the first responses for those paths off midway."""
    drops = getattr(request, "param", ())
    running = Server(tmp_path / "requests.log", drops=drops)
    yield running
    running.stop()


def open_app(driver: webdriver.Chrome, server: Server) -> None:
    driver.get(server.url)
    run_async(driver, "await window.backgrone.ready;")


def photo(size: int = 200) -> tuple[Image.Image, bytes]:
    image = photos.astronaut().resize((size, size))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return image, buffer.getvalue()


def chunk_requests(server: Server, chunk: dict[str, object]) -> int:
    return sum(1 for line in server.requests() if str(chunk["file"]) in line)


def test_storage_full_runs_from_memory_and_says_so(browser: webdriver.Chrome, origin: Server) -> None:
    browser.execute_cdp_cmd("Storage.overrideQuotaForOrigin", {"origin": origin.origin, "quotaSize": 8 << 20})
    open_app(browser, origin)
    image, data = photo()
    result = remove_background(browser, data, "image/png", "a.png", {"engine": "lightweight"})
    assert png_from(result["png"]).size == image.size
    notice = browser.find_element("css selector", "[data-engine-notice]").text
    assert errors.CATALOGUE[errors.STORAGE_FULL] in notice
    listing = {e["id"]: e for e in run_async(browser, "return await window.backgrone.engines();")}
    assert not listing["lightweight"]["cached"]
    # Still usable this session: the next photo runs without downloading again.
    origin.clear_log()
    remove_background(browser, data, "image/png", "b.png", {"engine": "lightweight"})
    assert not [line for line in origin.requests() if "/models/" in line]


@pytest.mark.parametrize("origin", [(CHUNKS[3]["file"] + ":2",)], indirect=True)
def test_a_dropped_connection_is_retried(browser: webdriver.Chrome, origin: Server) -> None:
    open_app(browser, origin)
    remove_background(browser, photo()[1], "image/png", "a.png", {"engine": "lightweight"})
    assert chunk_requests(origin, CHUNKS[3]) == 3  # cut off twice, then whole
    assert all(chunk_requests(origin, chunk) == 1 for i, chunk in enumerate(CHUNKS) if i != 3)


@pytest.mark.parametrize("origin", [(CHUNKS[5]["file"] + ":4",)], indirect=True)
def test_a_failed_download_keeps_its_verified_chunks(browser: webdriver.Chrome, origin: Server) -> None:
    open_app(browser, origin)
    with pytest.raises(AssertionError, match="could not be downloaded"):
        remove_background(browser, photo()[1], "image/png", "a.png", {"engine": "lightweight"})
    assert chunk_requests(origin, CHUNKS[5]) == 4
    origin.clear_log()
    # The connection is back: only the missing chunk is fetched.
    remove_background(browser, photo()[1], "image/png", "a.png", {"engine": "lightweight"})
    fetched = [line for line in origin.requests() if "/models/" in line]
    assert fetched == ["GET /models/" + str(CHUNKS[5]["file"])]


def test_a_crashed_worker_fails_its_job_and_the_next_runs(browser: webdriver.Chrome, origin: Server,
                                                          tmp_path: Path) -> None:
    open_app(browser, origin)
    WebDriverWait(browser, 30).until(lambda d: d.find_elements("css selector", "#engine-lightweight"))
    browser.find_element("css selector", "#engine-lightweight").click()
    first = photos.save(photos.astronaut().resize((160, 160)), tmp_path, "first.png")
    second = photos.save(photos.coffee().resize((160, 120)), tmp_path, "second.png")
    browser.find_element("css selector", "input[type=file]").send_keys(f"{first}\n{second}")
    WebDriverWait(browser, 60).until(
        lambda d: d.find_elements("css selector", "[data-job][data-state=running]"))
    run_async(browser, "window.backgrone.crashWorker();")
    jobs = wait_for_jobs(browser, 2)
    assert [job["state"] for job in jobs] == ["failed", "done"]
    assert errors.CATALOGUE[errors.WORKER_CRASHED] in jobs[0]["alert"]
    assert png_from(fetch_bytes(browser, jobs[1]["href"])).size == (160, 120)


def test_switching_engine_while_a_job_runs(browser: webdriver.Chrome, origin: Server, tmp_path: Path) -> None:
    open_app(browser, origin)
    WebDriverWait(browser, 30).until(lambda d: d.find_elements("css selector", "#engine-lightweight"))
    browser.find_element("css selector", "#engine-lightweight").click()
    refine = browser.find_element("css selector", "input[data-refine]")
    if refine.is_selected():
        refine.click()  # compared with native: off
    image = photos.astronaut().resize((240, 240))
    path = photos.save(image, tmp_path, "astronaut.png")
    picker = browser.find_element("css selector", "input[type=file]")
    picker.send_keys(str(path))
    WebDriverWait(browser, 60).until(
        lambda d: d.find_elements("css selector", "[data-job][data-state=running]"))
    browser.find_element("css selector", "#engine-precision").click()
    picker.send_keys(str(path))
    jobs = wait_for_jobs(browser, 2)
    assert [job["state"] for job in jobs] == ["done", "done"]
    # Each job ran the engine chosen when it was added.
    for job, engine in zip(jobs, ("lightweight", "precision"), strict=True):
        ours = np.asarray(png_from(fetch_bytes(browser, job["href"])))[:, :, 3]
        iou, mad = reference.agreement(ours, reference.alpha(image, engine))
        assert iou >= reference.MIN_IOU and mad <= reference.MAX_MAD, engine


def test_fifty_files_all_finish_and_release_their_memory(browser: webdriver.Chrome, origin: Server,
                                                         tmp_path: Path) -> None:
    open_app(browser, origin)
    WebDriverWait(browser, 30).until(lambda d: d.find_elements("css selector", "#engine-lightweight"))
    browser.find_element("css selector", "#engine-lightweight").click()
    base = photos.coffee().resize((96, 64))
    paths = [str(photos.save(base.rotate(7 * i), tmp_path, f"item-{i:02d}.png")) for i in range(50)]
    browser.find_element("css selector", "input[type=file]").send_keys("\n".join(paths))
    jobs = wait_for_jobs(browser, 50, timeout=1800)
    assert [job["state"] for job in jobs] == ["done"] * 50
    assert len({job["href"] for job in jobs}) == 50
    # Removing the results gives their memory back: their blob URLs stop resolving.
    for button in browser.find_elements("css selector", "[data-job] [data-action=remove]"):
        browser.execute_script("arguments[0].click();", button)
    assert not browser.find_elements("css selector", "[data-job]")
    with pytest.raises(AssertionError):
        fetch_bytes(browser, jobs[0]["href"])
