"""The ways in and out besides the picker and Download, in Chromium: Copy read back from the
clipboard, the drag handle's DownloadURL, photos shared to the app through the service worker's
share_target (no request reaches the host), and the empty page's sample photos."""
from __future__ import annotations

import base64
import io
from typing import Any

import numpy as np
import pytest
from PIL import Image
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from backgrone.sw import contract
from support import photos
from support.browser import fetch_bytes, run_async, wait_for_jobs
from support.hand_off import HAND_OFF_SUPPORT
from support.chromium import ChromiumPage
from support.server import Server

pytestmark = pytest.mark.e2e

ENGINE = "lightweight"
TIMEOUT = 240


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def small(image: Image.Image) -> Image.Image:
    return image.resize((image.width // 3, image.height // 3), Image.LANCZOS)


@pytest.fixture(scope="module")
def app(page: ChromiumPage, server: Server) -> ChromiumPage:
    """The page controlled by its service worker, the Lightweight engine chosen, clipboard
    access granted as a user would."""
    page.driver.execute_cdp_cmd("Browser.grantPermissions", {
        "origin": server.origin, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})
    run_async(page, "await navigator.serviceWorker.ready;")
    if not page.execute("return !!navigator.serviceWorker.controller"):
        page.driver.refresh()
        run_async(page, "await window.backgrone.ready;")
    assert page.execute("return !!navigator.serviceWorker.controller")
    choose_engine(page)
    return page


def choose_engine(page: ChromiumPage) -> None:
    page.execute("document.querySelector('[data-settings]').open = true")
    radio = WebDriverWait(page.driver, 60).until(
        lambda d: d.find_element(By.CSS_SELECTOR, f'input[name=engine][value="{ENGINE}"]'))
    page.execute("arguments[0].click()", radio)


def stage_ready(page: ChromiumPage) -> str:
    """The drag handle's URL once the stage's download is ready."""
    url: str = WebDriverWait(page.driver, TIMEOUT).until(lambda d: d.execute_script(
        "const drag = document.querySelector('[data-stage-drag]');"
        "return !drag.hidden && drag.src.startsWith('blob:') && drag.src;"))
    return url


def test_sample_photo_goes_into_the_queue_with_one_tap(app: ChromiumPage) -> None:
    assert app.driver.find_element(By.CSS_SELECTOR, "[data-samples]").is_displayed()
    app.driver.find_element(By.CSS_SELECTOR, "[data-sample='samples/coffee.jpg']").click()
    jobs = wait_for_jobs(app, 1)
    assert jobs[0]["state"] == "done" and jobs[0]["name"] == "coffee.jpg", jobs
    # The sample is the shipped file, byte for byte, and the queue hides the samples now.
    shipped = fetch_bytes(app, "samples/coffee.jpg")
    assert Image.open(io.BytesIO(shipped)).size == (600, 400)
    assert not app.driver.find_element(By.CSS_SELECTOR, "[data-samples]").is_displayed()


def test_copy_puts_the_download_on_the_clipboard_as_png(app: ChromiumPage) -> None:
    # A JPEG download on white, cropped: the clipboard gets the same picture as a PNG.
    Select(app.driver.find_element(By.CSS_SELECTOR, "[data-framing]")).select_by_value("subject")
    Select(app.driver.find_element(By.CSS_SELECTOR, "[data-format]")).select_by_value("jpeg")
    url = stage_ready(app)
    download = Image.open(io.BytesIO(fetch_bytes(app, url)))
    assert download.format == "JPEG"
    copy = app.driver.find_element(By.CSS_SELECTOR, "[data-stage-copy]")
    assert copy.get_attribute("data-supported") == "true"
    copy.click()
    WebDriverWait(app.driver, TIMEOUT).until(lambda d: copy.get_attribute("data-copied"))
    found: dict[str, Any] = run_async(app, """
        const items = await navigator.clipboard.read();
        const blob = await items[0].getType('image/png');
        const data = new Uint8Array(await blob.arrayBuffer());
        let text = '';
        for (let i = 0; i < data.length; i += 32768) {
          text += String.fromCharCode(...data.subarray(i, i + 32768));
        }
        return {types: items[0].types, png: btoa(text)};""")
    assert "image/png" in found["types"]
    pasted = Image.open(io.BytesIO(base64.b64decode(found["png"])))
    assert pasted.format == "PNG" and pasted.size == download.size
    # The picture itself: the JPEG's colours within its compression error, opaque (JPEG's
    # "Transparent" is the colour), and cropped like it.
    ours = np.asarray(pasted.convert("RGBA")).astype(int)
    assert (ours[:, :, 3] == 255).all()
    error = np.abs(ours[:, :, :3] - np.asarray(download.convert("RGB")).astype(int)).mean()
    assert error < 4, error
    Select(app.driver.find_element(By.CSS_SELECTOR, "[data-format]")).select_by_value("png")
    Select(app.driver.find_element(By.CSS_SELECTOR, "[data-framing]")).select_by_value("original")


def test_share_and_launch_queue_offered_as_the_browser_allows(app: ChromiumPage) -> None:
    support = app.execute(HAND_OFF_SUPPORT)
    print("chromium hand-off support:", support)
    assert support["imageClipboard"] and support["copyButton"] == "true"
    assert support["shareButton"] is support["shareFiles"]


def test_drag_out_gives_the_download(app: ChromiumPage) -> None:
    url = stage_ready(app)
    dragged: dict[str, str] = app.execute("""
        const drag = document.querySelector('[data-stage-drag]');
        const transfer = new DataTransfer();
        const start = new DragEvent('dragstart', {dataTransfer: transfer, bubbles: true, cancelable: true});
        drag.dispatchEvent(start);
        return {download: transfer.getData('DownloadURL'), uri: transfer.getData('text/uri-list')};""")
    assert dragged["download"] == "image/png:coffee-nobg.png:" + url
    assert dragged["uri"] == url
    assert fetch_bytes(app, url) == fetch_bytes(app, app.driver.find_element(
        By.CSS_SELECTOR, "[data-job] a[data-action=download]").get_attribute("href"))


def test_photos_shared_to_the_app_land_in_the_queue(app: ChromiumPage, server: Server) -> None:
    server.clear_log()
    shared = [png_bytes(small(photos.astronaut())), png_bytes(small(photos.coffee()))]
    # What the system sends a share_target: a multipart POST, here through the page's own
    # service worker (a navigation POST from the OS takes the same path).
    answer: dict[str, Any] = run_async(app, """
        const [first, second, field] = args;
        const bytes = text => Uint8Array.from(atob(text), c => c.charCodeAt(0));
        const form = new FormData();
        form.append('title', 'from the gallery');
        form.append(field, new File([bytes(first)], 'shared one.png', {type: 'image/png'}));
        form.append(field, new File([bytes(second)], 'shared-two.png', {type: 'image/png'}));
        const response = await fetch('share-target', {method: 'POST', body: form});
        return {url: response.url, redirected: response.redirected, status: response.status};""",
        base64.b64encode(shared[0]).decode(), base64.b64encode(shared[1]).decode(), contract.SHARE_FIELD)
    assert answer["redirected"] and answer["status"] == 200, answer
    assert "?" + contract.SHARED_QUERY + "=" in answer["url"]
    # The host never saw the POST: the service worker answered it.
    assert not any("POST" in line or contract.SHARE_ACTION in line for line in server.requests())
    # Kept on the device until the page takes them: two files under the share cache.
    kept = "const cache = await caches.open(args[0]); return (await cache.keys()).length;"
    assert run_async(app, kept, contract.shared_cache_name(server.url)) == 2
    app.get(answer["url"])
    run_async(app, "await window.backgrone.ready;")
    assert run_async(app, "return await window.backgrone.arrived();") == 2
    choose_engine(app)
    jobs = wait_for_jobs(app, 2)
    assert [job["name"] for job in jobs] == ["shared one.png", "shared-two.png"], jobs
    assert all(job["state"] == "done" for job in jobs), jobs
    assert contract.SHARED_QUERY not in app.driver.current_url
    # Taken once: the kept copies are gone, so a reload adds nothing.
    assert not run_async(app, "return await caches.has(args[0]);", contract.shared_cache_name(server.url))
