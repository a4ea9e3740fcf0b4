"""Issue 4 in real Chromium: on a plain static host under a sub-path, the service worker makes
the page cross-origin isolated (threads), keeps the app working offline after one visit, and
offers a newly deployed build, which loads when the user accepts."""
from __future__ import annotations

import base64
import io
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from backgrone.core.threads import threads_note
from support import photos
from support.browser import (
    fetch_bytes, page_state, png_from, ready, reload, remove_background, shown, wait_until,
    wait_until_isolated,
)
from support.chromium import ChromiumPage
from support.offline import copy_site, redeploy, set_offline
from support.server import Server

pytestmark = pytest.mark.e2e

PREFIX = "/tools/backgrone/"
ENGINE = {"engine": "lightweight"}
PROMPT = "[data-update]"


@pytest.fixture(scope="module")
def plain_host(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The built site under a sub-path, without COOP/COEP: what most static hosts give."""
    running = Server(tmp_path_factory.mktemp("plain") / "requests.log", prefix=PREFIX, isolate=False)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def first_visit(browser: ChromiumPage, plain_host: Server) -> ChromiumPage:
    browser.get(plain_host.url)
    wait_until_isolated(browser)
    ready(browser)
    return browser


def encoded(image: Image.Image, fmt: str) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


def assert_cutout(png_bytes: bytes, source: Image.Image) -> None:
    png = png_from(png_bytes)
    assert png.mode == "RGBA" and png.size == source.size
    alpha = np.asarray(png)[:, :, 3]
    assert (alpha == 0).mean() > 0.05 and (alpha == 255).mean() > 0.05


def test_service_worker_isolates_a_plain_host(first_visit: ChromiumPage, plain_host: Server) -> None:
    with urllib.request.urlopen(plain_host.url) as response:
        assert response.headers["Cross-Origin-Opener-Policy"] is None
        assert response.headers["Cross-Origin-Embedder-Policy"] is None
    page = first_visit
    state = page_state(page)
    assert state["isolated"] and state["controlled"]
    # Exactly one reload got there, and its mark keeps it from ever happening again in this tab.
    assert state["navigation"] == "reload"
    assert page.execute("return sessionStorage.getItem('backgrone:isolating-reload')") == "1"
    scope = page.run_async("return (await navigator.serviceWorker.getRegistration()).scope;")
    assert scope == plain_host.url
    status = page.execute("return window.backgrone.status();")
    print(f"with the service worker on a plain host: {status}")
    assert status["isolated"] is True
    assert status["threads"] >= 2
    page.execute("window.sameDocument = true;")


def test_installable_from_the_sub_path(first_visit: ChromiumPage, plain_host: Server) -> None:
    page = first_visit
    assert page.driver.execute_cdp_cmd("Page.getInstallabilityErrors", {})["installabilityErrors"] == []
    app = page.driver.execute_cdp_cmd("Page.getAppManifest", {})
    assert app["errors"] == []
    manifest = app["manifest"]
    assert manifest["startUrl"] == manifest["scope"] == plain_host.url
    assert "standalone" in manifest["display"].lower()
    assert manifest["themeColor"] == "rgba(36,86,199,1)"
    for icon in manifest["icons"]:
        assert icon["url"].startswith(plain_host.url)
        side = int(icon["sizes"].split("x")[0])
        assert png_from(fetch_bytes(page, icon["url"])).size == (side, side)
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}


def test_second_photo_works_offline(first_visit: ChromiumPage, plain_host: Server) -> None:
    page = first_visit
    online = photos.astronaut()
    first = remove_background(page, encoded(online, "JPEG"), "image/jpeg", "astronaut.jpg", ENGINE)
    assert_cutout(first["png"], online)
    # ORT has started: the status now holds the thread count read back from it.
    told = page.execute("return window.backgrone.status();")
    cores = page.execute("return navigator.hardwareConcurrency;")
    print(f"threads after the first session: {told}, hardwareConcurrency {cores}")
    assert told["started"] and told["sharedMemory"]
    assert told["threads"] == min(cores, 4)  # 2 on a 2-core machine
    note = page.text("[data-threads]")
    assert note == threads_note(told["threads"], True, True)
    # No second reload happened while the first photo was processed.
    assert page.execute("return window.sameDocument === true;")

    plain_host.stop()
    set_offline(page, True)
    try:
        began = time.monotonic()
        reload(page)
        ready(page)
        state = page_state(page)
        assert state["isolated"] and state["controlled"]
        assert page.execute("return window.backgrone.status().threads;") >= 2
        offline = photos.coffee()
        second = remove_background(page, encoded(offline, "PNG"), "image/png", "coffee.png", ENGINE)
        print(f"offline: reload to PNG {time.monotonic() - began:.1f} s, timings {second['timings']}")
        assert_cutout(second["png"], offline)
        assert not page.run_async("return navigator.onLine;")
    finally:
        set_offline(page, False)


def test_new_build_prompts_and_reloads_into_it(browser: ChromiumPage, site: Path,
                                               tmp_path: Path) -> None:
    deployed = copy_site(site, tmp_path / "site")
    host = Server(tmp_path / "requests.log", root=deployed, prefix=PREFIX, isolate=False)
    try:
        browser.get(host.url)
        wait_until_isolated(browser)
        before = browser.run_async("return await caches.keys();")
        assert len(before) == 1

        # Deploy a changed build: a new page, and the service worker the build makes for it.
        index = deployed / "index.html"
        index.write_text(index.read_text().replace(
            "</head>", '<meta name="deployed" content="second"></head>'))
        version = redeploy(deployed)
        assert not before[0].endswith(version)
        deployed_meta = "return document.querySelector('meta[name=deployed]') !== null;"

        # The next visit is served by the old build, while the browser fetches the new one.
        reload(browser)
        wait_until(browser, "return document.querySelector(arguments[0])?.getClientRects().length > 0;",
                   120, PROMPT)
        assert shown(browser, PROMPT)
        assert "new version" in browser.text(PROMPT)
        assert not browser.execute(deployed_meta)

        browser.click(PROMPT + " button")
        wait_until(browser, deployed_meta, 60)
        state = wait_until_isolated(browser)
        assert state["navigation"] == "reload"
        assert not shown(browser, PROMPT)
        # The old version's cache is gone; only the new one's is left.
        after = browser.run_async("return await caches.keys();")
        assert len(after) == 1 and after[0].endswith(" " + version)
    finally:
        host.stop()


# Holds the page's service worker registration until the test opens the gate: the browser's own
# register() runs, only later, so that a photo can be queued before the worker takes control.
REGISTER_GATE = """
const register = ServiceWorkerContainer.prototype.register;
const gate = new Promise(resolve => { window.openRegisterGate = resolve; });
ServiceWorkerContainer.prototype.register = function (...args) {
  return gate.then(() => register.apply(this, args));
};
"""

QUEUE_PHOTO = """
const [base64, type, name, options] = args;
const bytes = Uint8Array.from(atob(base64), c => c.charCodeAt(0));
window.queuedJob = window.backgrone.removeBackground(new File([bytes], name, {type}), options);
window.queuedJob.catch(() => {});
return document.querySelectorAll('[data-job]').length;
"""

# Our handler was added at start-up, so it has run when this later listener hears the event.
OPEN_GATE_AND_AWAIT_CONTROL = """
const changed = new Promise(resolve =>
  navigator.serviceWorker.addEventListener('controllerchange', resolve, {once: true}));
window.openRegisterGate();
await changed;
return sessionStorage.getItem('backgrone:isolating-reload');
"""


def ungate(browser: ChromiumPage, gate: dict[str, str]) -> None:
    if gate:
        identifier = gate.pop("identifier")
        browser.driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": identifier})


def test_no_isolating_reload_while_a_photo_is_queued(browser: ChromiumPage, tmp_path: Path) -> None:
    """The first visit's service worker takes control while a photo is in the queue: the page
    stays as it is (not isolated) and finishes the photo; the next visit is isolated."""
    host = Server(tmp_path / "requests.log", prefix=PREFIX, isolate=False)
    gate = browser.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": REGISTER_GATE})
    try:
        browser.get(host.url)
        ready(browser)
        state = page_state(browser)
        assert not state["isolated"] and not state["controlled"]
        browser.execute("window.sameDocument = true;")
        source = photos.coffee()
        queued = browser.run_async(QUEUE_PHOTO, base64.b64encode(encoded(source, "PNG")).decode(),
                           "image/png", "coffee.png", ENGINE)
        assert queued == 1
        mark = browser.run_async(OPEN_GATE_AND_AWAIT_CONTROL)
        assert mark is None  # the reload was not even attempted
        png_url = browser.run_async("return URL.createObjectURL((await window.queuedJob).png);")
        assert_cutout(fetch_bytes(browser, png_url), source)
        assert browser.execute("return window.sameDocument === true;")
        state = page_state(browser)
        assert state["controlled"] and not state["isolated"] and state["navigation"] == "navigate"
        ungate(browser, gate)
        # The user's next visit comes through the service worker, isolated, with threads.
        reload(browser)
        wait_until_isolated(browser)
        ready(browser)
        assert browser.execute("return window.backgrone.status().threads;") >= 2
    finally:
        ungate(browser, gate)
        host.stop()
