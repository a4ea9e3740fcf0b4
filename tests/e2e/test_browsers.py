"""Firefox ESR and WebKitGTK (the Safari engine): the app's promises, written once and run in
each engine through support.drivers, on a plain static host under a sub-path.

One browser and one host per engine for the module; the tests run in order and build on each
other's state, as a user's visits do: the first visit (isolated by the service worker), a cutout
that downloads the model, a reload that opens it from IndexedDB, then a reload with the host
gone and photos through the file input. Two inferences per engine: each costs seconds.
"""
from __future__ import annotations

import functools
import io
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from backgrone.core.threads import threads_note
from support import browser as pages
from support import drivers, photos, reference
from support.browser import Page, fetch_bytes, png_from, ready, remove_background, wait_for_jobs
from support.hand_off import HAND_OFF_SUPPORT
from support.server import Server

pytestmark = pytest.mark.e2e

PREFIX = "/tools/backgrone/"
ENGINE = "lightweight"
# The native reference is the model's own mask: compare with edge refinement off.
OPTIONS = {"engine": ENGINE, "refine": False}


@pytest.fixture(scope="module", params=drivers.ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture(scope="module")
def host(engine: str, site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The built site under a sub-path, without COOP/COEP: what most static hosts give."""
    running = Server(tmp_path_factory.mktemp(engine + "-host") / "requests.log", prefix=PREFIX,
                     isolate=False)
    yield running
    if running.process.poll() is None:
        running.stop()


@pytest.fixture(scope="module")
def page(engine: str, host: Server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    """The first visit: open, isolated by the service worker after its one reload, ready."""
    with drivers.opened(engine, tmp_path_factory.mktemp(engine), host.url, isolated=True) as browser:
        yield browser


@functools.cache
def native_alpha(name: str) -> np.ndarray:
    return reference.alpha(photo(name), ENGINE)


@functools.cache
def photo(name: str) -> Image.Image:
    image: Image.Image = getattr(photos, name)()
    return image


def encoded(image: Image.Image, fmt: str) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


def model_requests(host: Server) -> list[str]:
    return [line for line in host.requests() if "/models/" in line]


def status(page: Page) -> dict[str, Any]:
    value: dict[str, Any] = page.execute("return window.backgrone.status();")
    return value


def test_sub_path_without_headers_ends_isolated(page: Page, host: Server) -> None:
    with urllib.request.urlopen(host.url) as response:
        assert response.headers["Cross-Origin-Opener-Policy"] is None
        assert response.headers["Cross-Origin-Embedder-Policy"] is None
    state = page.execute("""return {isolated: crossOriginIsolated,
        controlled: !!navigator.serviceWorker.controller,
        reloaded: sessionStorage.getItem('backgrone:isolating-reload')};""")
    # Isolated after the one reload the page marks (WebKit records that reload, which swaps
    # the browsing context group, as a 'navigate'), by the service worker of the sub-path.
    assert state == {"isolated": True, "controlled": True, "reloaded": "1"}
    scope = page.run_async("return (await navigator.serviceWorker.getRegistration()).scope;")
    assert scope == host.url


def test_api_cutout_agrees_with_native(page: Page, host: Server, engine: str) -> None:
    result = remove_background(page, encoded(photo("coffee"), "PNG"), "image/png", "coffee.png", OPTIONS)
    assert result["type"] == "image/png"
    print(f"{engine} first cutout, ms:", {k: round(v) for k, v in result["timings"].items()})
    assert model_requests(host), "the first cutout downloads the model"
    reference.assert_agrees(png_from(result["png"]), native_alpha("coffee"), f"{engine} coffee")


def test_threads_are_what_ort_runs(page: Page, engine: str) -> None:
    """Told after the session above opened: the count ORT runs with. Firefox shares memory with
    its workers; WebKitGTK is isolated but hides SharedArrayBuffer, so ORT runs 1 thread."""
    told = status(page)
    cores, shares = page.execute(
        "return [navigator.hardwareConcurrency, typeof SharedArrayBuffer === 'function'];")
    print(f"{engine}: status {told}, hardwareConcurrency {cores}")
    assert told["started"] and told["isolated"]
    assert told["sharedMemory"] is shares
    if engine == "webkit":
        assert not shares and told["threads"] == 1
    else:
        assert shares and told["threads"] == min(cores, 4)
    note = page.execute("return document.querySelector('[data-threads]').textContent;")
    assert note == threads_note(told["threads"], True, shares)
    # ORT was never asked for threads it then refused (Firefox reports the workers' console too).
    assert not [line for line in page.console() if "Falling back to single-threading" in line]


def test_framed_mask_and_hand_off_support(page: Page, engine: str) -> None:
    """The frame and the mask in this engine's canvas and workers, as in Chromium; and Copy
    says why where the engine has no image clipboard."""
    options = {**OPTIONS, "crop": "subject", "margin": 0.1, "size": [200, 200], "position": "bottom",
               "output": "mask"}
    result = remove_background(page, encoded(photo("coffee"), "PNG"), "image/png", "coffee.png", options)
    mask = Image.open(io.BytesIO(result["file"]))
    assert result["fileType"] == "image/png" and mask.mode == "L" and mask.size == (200, 200)
    alpha = np.asarray(png_from(result["png"]))[:, :, 3]
    ys, xs = np.nonzero(alpha)
    width, height = xs.max() + 1 - xs.min(), ys.max() + 1 - ys.min()
    grow = round(0.1 * max(width, height))
    scale = min(200 / (width + 2 * grow), 200 / (height + 2 * grow))
    placed_ys = np.nonzero(np.asarray(mask))[0]
    # Standing one margin above the bottom edge (resampling may spread it by a pixel).
    assert abs(placed_ys.max() + 1 - (200 - grow * scale)) <= 1.5
    support = page.execute(HAND_OFF_SUPPORT)
    print(f"{engine} hand-off support: {support}")
    assert support["copyButton"] == ("true" if support["imageClipboard"] else "false")
    assert support["shareButton"] is support["shareFiles"]
    if not support["imageClipboard"]:
        assert "clipboard" in support["copyTitle"]


def choose_in_ui(page: Page) -> None:
    """Lightweight and no refinement, through the page's own controls, once the picker shows."""
    pages.wait_until(page, "return !!document.querySelector('#engine-lightweight');")
    page.execute("""
        const radio = document.querySelector('#engine-lightweight');
        if (!radio.checked) radio.click();
        const refine = document.querySelector('input[data-refine]');
        if (refine.checked) refine.click();""")


def test_reload_loads_the_model_from_indexeddb(page: Page, host: Server) -> None:
    pages.reload(page)
    ready(page)
    host.clear_log()
    # Choosing a saved engine opens its session ahead of any photo, from IndexedDB.
    choose_in_ui(page)
    pages.wait_until(page, "return window.backgrone.status().started;")
    assert model_requests(host) == []
    saved = page.run_async("return (await window.backgrone.engines()).find(e => e.id === args[0]);",
                           ENGINE)
    assert saved["cached"]


def test_offline_reload_keeps_the_app(page: Page, host: Server) -> None:
    """The host is gone: the service worker serves the shell (isolated still), IndexedDB the model."""
    host.stop()
    pages.reload(page)
    ready(page)
    assert host.process.poll() is not None
    assert page.execute("return crossOriginIsolated && !!navigator.serviceWorker.controller;")


def test_offline_file_input_bad_file_fails_alone_and_next_agrees(page: Page, engine: str,
                                                                 tmp_path: Path) -> None:
    """Still offline (the test above): the file input's photo is processed with the saved model
    and agrees with native onnxruntime; a file that is no image fails on its own."""
    choose_in_ui(page)
    fake = tmp_path / "notes.jpg"
    fake.write_text("these are not the pixels you are looking for")
    real = photos.save(photo("astronaut"), tmp_path, "astronaut.png")
    before = len(page.execute("return document.querySelectorAll('[data-job]');"))
    page.upload("input[data-images]", [fake, real])
    jobs = wait_for_jobs(page, before + 2)[before:]
    assert [job["state"] for job in jobs] == ["failed", "done"], jobs
    assert "not an image" in jobs[0]["alert"]
    assert jobs[1]["download"] == "astronaut-nobg.png"
    reference.assert_agrees(png_from(fetch_bytes(page, jobs[1]["href"])), native_alpha("astronaut"),
                             f"{engine} astronaut")
