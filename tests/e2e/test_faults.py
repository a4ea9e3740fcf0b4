"""Faults: storage full, a network that drops, a crashing worker, an engine switch mid-job, and
a long queue. Each test serves the site on its own origin, so each starts with empty storage."""
from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from backgrone.core import errors
from support import photos, reference
from support.browser import (
    NOTICE, Page, fetch_bytes, png_from, ready, remove_background, wait_for, wait_for_jobs,
)
from support.chromium import ChromiumPage
from support.server import Server

pytestmark = pytest.mark.e2e



@pytest.fixture(scope="module")
def chunks(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """The Lightweight model's chunks, as the build staged them."""
    found: list[dict[str, Any]] = manifest["engines"]["lightweight"]["chunks"]
    return found


@pytest.fixture()
def origin(site: Path, chunks: list[dict[str, Any]], tmp_path: Path,
           request: pytest.FixtureRequest) -> Iterator[Server]:
    """A fresh origin for one test; `@pytest.mark.parametrize('origin', [(index, count)],
    indirect=True)` cuts the first `count` responses for Lightweight chunk `index` off midway."""
    drops = [f"{chunks[index]['file']}:{count}" for index, count in getattr(request, "param", ())]
    running = Server(tmp_path / "requests.log", drops=tuple(drops))
    yield running
    running.stop()


def open_app(page: Page, server: Server) -> None:
    page.get(server.url)
    ready(page)


def choose_lightweight(page: Page) -> None:
    wait_for(page, "#engine-lightweight", 30)
    page.click("#engine-lightweight")


def photo(size: int = 200) -> tuple[Image.Image, bytes]:
    image = photos.astronaut().resize((size, size))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return image, buffer.getvalue()


def chunk_requests(server: Server, chunk: dict[str, object]) -> int:
    return sum(1 for line in server.requests() if str(chunk["file"]) in line)


def test_storage_full_runs_from_memory_and_says_so(browser: ChromiumPage, origin: Server) -> None:
    browser.driver.execute_cdp_cmd("Storage.overrideQuotaForOrigin",
                                   {"origin": origin.origin, "quotaSize": 8 << 20})
    open_app(browser, origin)
    image, data = photo()
    result = remove_background(browser, data, "image/png", "a.png", {"engine": "lightweight"})
    assert png_from(result["png"]).size == image.size
    notice = browser.text(NOTICE)
    assert errors.CATALOGUE[errors.STORAGE_FULL] in notice
    listing = {e["id"]: e for e in browser.run_async("return await window.backgrone.engines();")}
    assert not listing["lightweight"]["cached"]
    # Still usable this session: the next photo runs without downloading again.
    origin.clear_log()
    remove_background(browser, data, "image/png", "b.png", {"engine": "lightweight"})
    assert not [line for line in origin.requests() if "/models/" in line]


@pytest.mark.parametrize("origin", [((3, 2),)], indirect=True)
def test_a_dropped_connection_is_retried(browser: Page, origin: Server, chunks: list[dict[str, Any]]) -> None:
    open_app(browser, origin)
    remove_background(browser, photo()[1], "image/png", "a.png", {"engine": "lightweight"})
    assert chunk_requests(origin, chunks[3]) == 3  # cut off twice, then whole
    assert all(chunk_requests(origin, chunk) == 1 for i, chunk in enumerate(chunks) if i != 3)


@pytest.mark.parametrize("origin", [((5, 4),)], indirect=True)
def test_a_failed_download_keeps_its_verified_chunks(browser: Page, origin: Server,
                                                     chunks: list[dict[str, Any]]) -> None:
    open_app(browser, origin)
    with pytest.raises(AssertionError, match="could not be downloaded"):
        remove_background(browser, photo()[1], "image/png", "a.png", {"engine": "lightweight"})
    assert chunk_requests(origin, chunks[5]) == 4
    origin.clear_log()
    # The connection is back: only the missing chunk is fetched.
    remove_background(browser, photo()[1], "image/png", "a.png", {"engine": "lightweight"})
    fetched = [line for line in origin.requests() if "/models/" in line]
    assert fetched == ["GET /models/" + str(chunks[5]["file"])]


def test_a_crashed_worker_fails_its_job_and_the_next_runs(browser: Page, origin: Server,
                                                          tmp_path: Path) -> None:
    open_app(browser, origin)
    choose_lightweight(browser)
    first = photos.save(photos.astronaut().resize((160, 160)), tmp_path, "first.png")
    second = photos.save(photos.coffee().resize((160, 120)), tmp_path, "second.png")
    browser.upload("input[type=file]", [first, second])
    wait_for(browser, "[data-job][data-state=running]")
    browser.run_async("window.backgrone.crashWorker();")
    jobs = wait_for_jobs(browser, 2)
    assert [job["state"] for job in jobs] == ["failed", "done"]
    assert errors.CATALOGUE[errors.WORKER_CRASHED] in jobs[0]["alert"]
    assert png_from(fetch_bytes(browser, jobs[1]["href"])).size == (160, 120)


def test_switching_engine_while_a_job_runs(browser: Page, origin: Server, tmp_path: Path) -> None:
    open_app(browser, origin)
    choose_lightweight(browser)
    if browser.execute("return document.querySelector('input[data-refine]').checked;"):
        browser.click("input[data-refine]")  # compared with native: off
    image = photos.astronaut().resize((240, 240))
    path = photos.save(image, tmp_path, "astronaut.png")
    browser.upload("input[type=file]", [path])
    wait_for(browser, "[data-job][data-state=running]")
    browser.click("#engine-precision")
    browser.upload("input[type=file]", [path])
    jobs = wait_for_jobs(browser, 2)
    assert [job["state"] for job in jobs] == ["done", "done"]
    # Each job ran the engine chosen when it was added.
    for job, engine in zip(jobs, ("lightweight", "precision"), strict=True):
        png = png_from(fetch_bytes(browser, job["href"]))
        reference.assert_agrees(png, reference.alpha(image, engine), engine)


@pytest.mark.slow
def test_fifty_files_all_finish_and_release_their_memory(browser: Page, origin: Server,
                                                         tmp_path: Path) -> None:
    open_app(browser, origin)
    choose_lightweight(browser)
    base = photos.coffee().resize((96, 64))
    paths = [photos.save(base.rotate(7 * i), tmp_path, f"item-{i:02d}.png") for i in range(50)]
    browser.upload("input[type=file]", paths)
    jobs = wait_for_jobs(browser, 50, timeout=1800)
    assert [job["state"] for job in jobs] == ["done"] * 50
    assert len({job["href"] for job in jobs}) == 50
    # Removing the results gives their memory back: their blob URLs stop resolving.
    browser.execute("document.querySelectorAll('[data-job] [data-action=remove]')"
                    ".forEach(button => button.click());")
    assert browser.execute("return document.querySelectorAll('[data-job]').length;") == 0
    with pytest.raises(AssertionError):
        fetch_bytes(browser, jobs[0]["href"])
