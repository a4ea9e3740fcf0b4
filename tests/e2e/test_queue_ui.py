"""The queue, the result view, downloads and the brush, driven as a user would in Chromium.

One browser for the module; the tests run in order and build on each other's queue (the zip
test zips what the earlier tests made). The Lightweight engine and 256x256 crops keep every
inference cheap; what is checked is the interface, not the model.
"""
from __future__ import annotations

import io
import zipfile
from typing import Any

import numpy as np
import pytest
from PIL import Image
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from support.browser import fetch_bytes, wait_for_jobs, wait_until
from support.chromium import ChromiumPage
from support.queue_page import (
    ENGINE, TIMEOUT, dispatch, encoded, flat_spot, image_at, job_element, jobs, photos, press,
    set_value, wait_links_ready, wait_state,
)

pytestmark = pytest.mark.e2e

@pytest.fixture(scope="module")
def ui(page: ChromiumPage) -> ChromiumPage:
    radio = WebDriverWait(page.driver, 60).until(
        lambda d: d.find_element(By.CSS_SELECTOR, f'input[name=engine][value="{ENGINE}"]'))
    page.execute("arguments[0].click()", radio)
    assert radio.is_selected()
    return page


# Keeps the page's thread busy for arguments[0] ms in a task of its own (a timer's, as heavy work
# on the page would be; a WebDriver script is not reported as a long task): one long task.
BLOCK_MAIN_THREAD = """const ms = arguments[0];
setTimeout(() => { const end = performance.now() + ms; while (performance.now() < end) {} }, 0);"""
BLOCKED_MS = 150


def test_five_files_dropped_at_once_give_five_pngs(ui: ChromiumPage) -> None:
    pictures = photos()
    files = [(name, encoded(image, name)) for name, image in pictures.items()]
    ui.execute("""
        window.spoken = [];
        const live = document.querySelector('[aria-live=polite]');
        new MutationObserver(records => records.forEach(r => r.addedNodes.forEach(
            node => window.spoken.push(node.textContent)))).observe(live, {childList: true});""")
    assert dispatch(ui, "drop", files), "the page did not take the drop"
    # A long task of our own while the first job runs, after the four later files were added
    # (each add starts nothing while a job runs, and the queue must still count as busy).
    wait_until(ui, "return document.querySelectorAll('[data-job]')[0]?.dataset.state === 'running';",
               TIMEOUT)
    ui.execute(BLOCK_MAIN_THREAD, BLOCKED_MS)
    settled = wait_for_jobs(ui, 5, TIMEOUT)
    spoken = ui.execute("return window.spoken")
    assert "5 images added to the queue" in spoken
    for name in pictures:
        assert name + ": Finding the subject" in spoken and name + " done" in spoken, "\n".join(spoken)
    assert [j["state"] for j in settled] == ["done"] * 5, [j["alert"] for j in settled]
    assert [j["name"] for j in settled] == list(pictures)
    for job, (name, picture) in zip(settled, pictures.items(), strict=True):
        assert job["download"] == name.rsplit(".", 1)[0] + "-nobg.png"
        png = image_at(ui, job["href"])
        assert png.format == "PNG" and png.mode == "RGBA" and png.size == picture.size
        alpha = np.asarray(png)[:, :, 3]
        assert (alpha == 0).any() and (alpha == 255).any(), name
    summary = ui.driver.find_element(By.CSS_SELECTOR, "[data-queue-summary]").text
    assert summary == "5 of 5 done"
    tasks = ui.execute("return window.backgrone.longTasks()")
    assert tasks["supported"] and tasks["busyMs"] > 0
    durations = tasks["durations"]
    assert tasks["count"] == len(durations) >= 1 and max(durations) >= BLOCKED_MS, tasks
    assert all(duration >= 50 for duration in durations)  # what a long task is
    assert tasks["longestMs"] == max(durations) and abs(tasks["totalMs"] - sum(durations)) < 1e-6
    print("long tasks while 5 jobs ran:", tasks["count"], "longest", round(tasks["longestMs"]), "ms")


def test_paste_adds_a_job_and_a_non_image_fails_with_a_clear_message(ui: ChromiumPage) -> None:
    before = len(jobs(ui))
    assert dispatch(ui, "paste", [("notes.txt", b"not a picture at all")])
    settled = wait_for_jobs(ui, before + 1, TIMEOUT)[before:]
    assert settled[0]["name"] == "notes.txt"
    assert settled[0]["state"] == "failed"
    assert "not an image" in settled[0]["alert"]


def test_cancel_queued_and_running_jobs_then_retry_them(ui: ChromiumPage) -> None:
    pictures = photos()
    names = ["astronaut.png", "coffee.jpg", "cat.webp"]
    before = len(jobs(ui))
    dispatch(ui, "drop", [(n, encoded(pictures[n], n)) for n in names])
    WebDriverWait(ui.driver, 30).until(lambda _: len(jobs(ui)) == before + 3)
    first, second, third = (j["id"] for j in jobs(ui)[before:])
    press(ui, second, "cancel")  # still queued
    assert job_element(ui, second).get_attribute("data-state") == "cancelled"
    wait_state(ui, first, "running")
    press(ui, first, "cancel")  # running: the worker is ended and a fresh one started
    wait_state(ui, first, "cancelled")
    wait_state(ui, third, "done")
    states = {j["id"]: j for j in jobs(ui)}
    assert states[first]["state"] == states[second]["state"] == "cancelled"
    assert states[first]["alert"] == "" and states[first]["href"] == ""
    press(ui, second, "retry")
    press(ui, first, "retry")
    wait_state(ui, first, "done")
    wait_state(ui, second, "done")
    for job_id in (first, second):
        job = {j["id"]: j for j in jobs(ui)}[job_id]
        assert job["download"].endswith("-nobg.png")
        assert image_at(ui, job["href"]).size == (256, 256)
    # The failed job can be retried too, and removed.
    failed = [j for j in jobs(ui) if j["state"] == "failed"][0]["id"]
    press(ui, failed, "retry")
    wait_state(ui, failed, "failed")
    press(ui, failed, "remove")
    assert not ui.driver.find_elements(By.CSS_SELECTOR, f'[data-job="{failed}"]')
    # Focus stays in the queue for keyboard users.
    assert ui.execute("return document.activeElement.closest('[data-queue]') !== null")


def test_zip_holds_every_result_under_its_name(ui: ChromiumPage) -> None:
    done = [j for j in jobs(ui) if j["state"] == "done"]
    assert len(done) == 8
    button = ui.driver.find_element(By.CSS_SELECTOR, "[data-download-all]")
    ui.execute("arguments[0].focus()", button)
    button.send_keys(Keys.ENTER)
    link = WebDriverWait(ui.driver, TIMEOUT).until(
        lambda d: d.find_element(By.CSS_SELECTOR, "[data-zip-link]").get_attribute("href") or False)
    zip_link = ui.driver.find_element(By.CSS_SELECTOR, "[data-zip-link]")
    assert zip_link.get_attribute("download") == "backgrone-cutouts.zip"
    archive = zipfile.ZipFile(io.BytesIO(fetch_bytes(ui, link)))
    expected = [j["download"] for j in done]
    # Three photos were processed twice: the second copies are numbered, never overwritten.
    assert sorted(expected) == sorted(
        ["astronaut-nobg.png", "coffee-nobg.png", "cat-nobg.png", "rocket-nobg.png", "portrait-nobg.png",
         "cat-nobg.png", "astronaut-nobg.png", "coffee-nobg.png"])
    names = archive.namelist()
    assert len(names) == 8 and len(set(names)) == 8
    numbered = sorted(set(names) - set(expected))
    assert numbered == ["astronaut-nobg-2.png", "cat-nobg-2.png", "coffee-nobg-2.png"]
    assert archive.testzip() is None
    for job, name in zip(done, names, strict=True):
        assert name.startswith(job["download"].removesuffix(".png"))
        assert archive.read(name) == fetch_bytes(ui, job["href"]), name


def test_colour_background_as_jpeg_is_opaque_with_that_colour(ui: ChromiumPage) -> None:
    first = [j for j in jobs(ui) if j["state"] == "done" and j["name"] == "rocket.png"][0]
    alpha = np.asarray(image_at(ui, first["href"]))[:, :, 3]
    x, y = flat_spot(alpha, 0)
    Select(ui.driver.find_element(By.CSS_SELECTOR, "select[data-format]")).select_by_value("jpeg")
    ui.driver.find_element(By.CSS_SELECTOR, "input[name=background][value=color]").click()
    set_value(ui, "[data-bg-color]", "#00c040")
    done = wait_links_ready(ui, ".jpg")
    job = [j for j in done if j["id"] == first["id"]][0]
    assert job["download"] == first["download"].replace(".png", ".jpg")
    jpeg = image_at(ui, job["href"])
    assert jpeg.format == "JPEG" and jpeg.mode == "RGB" and jpeg.size == (256, 256)
    pixel = np.asarray(jpeg)[y, x].astype(int)
    assert np.abs(pixel - [0x00, 0xC0, 0x40]).max() <= 6, pixel
    # Back to the default: the worker's own lossless PNG again.
    Select(ui.driver.find_element(By.CSS_SELECTOR, "select[data-format]")).select_by_value("png")
    ui.driver.find_element(By.CSS_SELECTOR, "input[name=background][value=transparent]").click()
    done = wait_links_ready(ui, ".png")
    assert [j["href"] for j in done if j["id"] == first["id"]] == [first["href"]]


def webp_chunks(data: bytes) -> list[str]:
    """The RIFF chunk names of a WebP file: VP8L is the lossless bitstream, VP8 the lossy one."""
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    names, offset = [], 12
    while offset + 8 <= len(data):
        size = int.from_bytes(data[offset + 4:offset + 8], "little")
        names.append(data[offset:offset + 4].decode("latin-1"))
        offset += 8 + size + (size & 1)
    return names


def test_webp_lossless_keeps_every_pixel_and_lossy_is_smaller(ui: ChromiumPage) -> None:
    first = [j for j in jobs(ui) if j["state"] == "done"][0]
    png = np.asarray(image_at(ui, first["href"]))
    Select(ui.driver.find_element(By.CSS_SELECTOR, "select[data-format]")).select_by_value("webp")
    lossless_box = ui.driver.find_element(By.CSS_SELECTOR, "[data-lossless]")
    assert lossless_box.is_displayed() and lossless_box.is_selected()
    assert not ui.driver.find_element(By.CSS_SELECTOR, "[data-quality]").is_displayed()
    job = [j for j in wait_links_ready(ui, ".webp") if j["id"] == first["id"]][0]
    lossless_bytes = fetch_bytes(ui, job["href"])
    assert "VP8L" in webp_chunks(lossless_bytes)
    webp = np.asarray(Image.open(io.BytesIO(lossless_bytes)).convert("RGBA"))
    assert np.array_equal(webp[:, :, 3], png[:, :, 3])
    opaque = png[:, :, 3] == 255
    assert np.array_equal(webp[opaque], png[opaque])
    lossless_box.click()
    set_value(ui, "[data-quality]", "40")
    job = [j for j in wait_links_ready(ui, ".webp") if j["id"] == first["id"]][0]
    lossy_bytes = fetch_bytes(ui, job["href"])
    assert "VP8L" not in webp_chunks(lossy_bytes) and len(lossy_bytes) < len(lossless_bytes)
    lossless_box.click()
    Select(ui.driver.find_element(By.CSS_SELECTOR, "select[data-format]")).select_by_value("png")
    wait_links_ready(ui, ".png")


def test_picked_background_image_fills_the_transparent_parts(ui: ChromiumPage, tmp_path: Any) -> None:
    rocket = [j for j in jobs(ui) if j["state"] == "done" and j["name"] == "rocket.png"][0]
    alpha = np.asarray(image_at(ui, rocket["href"]))[:, :, 3]
    x, y = flat_spot(alpha, 0)
    scenery = tmp_path / "sky.png"
    Image.new("RGB", (120, 60), (30, 90, 200)).save(scenery)
    ui.driver.find_element(By.CSS_SELECTOR, "[data-bg-file]").send_keys(str(scenery))
    assert ui.driver.find_element(By.CSS_SELECTOR, "input[name=background][value=image]").is_selected()
    assert "sky.png" in ui.driver.find_element(By.CSS_SELECTOR, "[data-bg-name]").text
    job = [j for j in wait_links_ready(ui, ".png") if j["id"] == rocket["id"]][0]
    composed = np.asarray(image_at(ui, job["href"]).convert("RGBA"))
    assert (composed[:, :, 3] == 255).all()
    assert tuple(composed[y, x, :3]) == (30, 90, 200)
    ui.driver.find_element(By.CSS_SELECTOR, "input[name=background][value=transparent]").click()
    done = wait_links_ready(ui, ".png")
    assert [j["href"] for j in done if j["id"] == rocket["id"]] == [rocket["href"]]


def open_viewer(ui: ChromiumPage, job_id: str) -> Any:
    press(ui, job_id, "view")
    viewer = ui.driver.find_element(By.CSS_SELECTOR, "[data-viewer]")
    WebDriverWait(ui.driver, 30).until(lambda d: viewer.is_displayed())
    return viewer


def test_result_view_compare_slider_and_zoom_work_from_the_keyboard(ui: ChromiumPage) -> None:
    first = [j for j in jobs(ui) if j["state"] == "done"][0]
    viewer = open_viewer(ui, first["id"])
    assert ui.driver.switch_to.active_element.get_attribute("data-viewer-title") is not None
    divider = viewer.find_element(By.CSS_SELECTOR, "[data-divider]")
    assert divider.get_attribute("aria-valuenow") == "50"
    divider.send_keys(Keys.ARROW_LEFT, Keys.ARROW_LEFT)
    assert divider.get_attribute("aria-valuenow") == "46"
    divider.send_keys(Keys.END)
    assert divider.get_attribute("aria-valuenow") == "100"
    clip = ui.execute("return document.querySelector('[data-before]').style.clipPath")
    assert clip == "inset(0px 0% 0px 0px)" or clip == "inset(0 0% 0 0)", clip
    # Dragging the divider with the mouse moves it as well.
    compare = viewer.find_element(By.CSS_SELECTOR, "[data-compare]")
    width = compare.rect["width"]
    ActionChains(ui.driver).move_to_element(divider).click_and_hold().move_to_element_with_offset(
        compare, int(-width / 4), 0).release().perform()
    assert 20 <= int(divider.get_attribute("aria-valuenow")) <= 30
    actual = viewer.find_element(By.CSS_SELECTOR, '[data-zoom="actual"]')
    actual.send_keys(Keys.ENTER)
    assert actual.get_attribute("aria-pressed") == "true"
    assert compare.rect["width"] == 256 and compare.rect["height"] == 256
    fit = viewer.find_element(By.CSS_SELECTOR, '[data-zoom="fit"]')
    fit.send_keys(Keys.ENTER)
    assert fit.get_attribute("aria-pressed") == "true"
    # Escape closes the view and gives focus back to the job.
    ui.driver.switch_to.active_element.send_keys(Keys.ESCAPE)
    assert not viewer.is_displayed()
    assert ui.driver.switch_to.active_element.get_attribute("data-action") == "view"


def canvas_point(canvas: Any, x: int, y: int) -> tuple[int, int]:
    """Offset from the canvas centre (selenium's origin) of image pixel (x, y)."""
    rect = canvas.rect
    scale = rect["width"] / 256
    return int((x + 0.5) * scale - rect["width"] / 2), int((y + 0.5) * scale - rect["height"] / 2)


def next_download(ui: ChromiumPage, job_id: str, previous: str) -> tuple[str, np.ndarray]:
    """Wait for the job's download made after `previous` (a new URL, marked ready); its RGBA."""
    def made(_: object) -> str | bool:
        job = [j for j in jobs(ui) if j["id"] == job_id][0]
        return job["href"] if job["ready"] == "true" and job["href"] != previous else False
    href: str = WebDriverWait(ui.driver, TIMEOUT).until(made)
    return href, np.asarray(image_at(ui, href))


def test_brush_erases_pixels_and_undo_restores_them(ui: ChromiumPage) -> None:
    first = [j for j in jobs(ui) if j["state"] == "done"][0]
    original = np.asarray(image_at(ui, first["href"]))
    x, y = flat_spot(original[:, :, 3], 255)
    viewer = open_viewer(ui, first["id"])
    viewer.find_element(By.CSS_SELECTOR, "[data-brush-toggle]").send_keys(Keys.ENTER)
    controls = viewer.find_element(By.CSS_SELECTOR, "[data-brush-controls]")
    WebDriverWait(ui.driver, TIMEOUT).until(lambda d: controls.get_attribute("data-ready") == "true")
    set_value(ui, "[data-brush-size]", "12")
    set_value(ui, "[data-brush-hardness]", "100")
    canvas = viewer.find_element(By.CSS_SELECTOR, "[data-canvas]")
    # Wholly in view: selenium's offsets count from the centre of the visible part.
    ui.execute("arguments[0].scrollIntoView({block: 'center'})", canvas)
    dx, dy = canvas_point(canvas, x, y)
    ActionChains(ui.driver).move_to_element_with_offset(canvas, dx, dy).click().perform()
    href, edited = next_download(ui, first["id"], first["href"])
    assert edited[y, x, 3] == 0, (x, y, np.argwhere(edited[:, :, 3] != original[:, :, 3])[:5])
    changed = edited[:, :, 3] != original[:, :, 3]
    assert 50 < changed.sum() < 400  # about a 12 px wide dot, nothing else
    opaque = (edited[:, :, 3] == 255) & (original[:, :, 3] == 255)
    assert np.array_equal(edited[opaque][:, :3], original[opaque][:, :3])  # the photo's own colours
    # Undo restores every pixel.
    viewer.find_element(By.CSS_SELECTOR, "[data-undo]").click()
    href, restored = next_download(ui, first["id"], href)
    assert np.array_equal(restored[:, :, 3], original[:, :, 3])
    # Redo from the keyboard, then undo again with Ctrl+Z.
    canvas.send_keys(Keys.CONTROL, "y")
    href, redone = next_download(ui, first["id"], href)
    assert redone[y, x, 3] == 0
    canvas.send_keys(Keys.CONTROL, "z")
    href, undone = next_download(ui, first["id"], href)
    assert np.array_equal(undone[:, :, 3], original[:, :, 3])
    # The keyboard brush paints where its cursor is (the pointer left it at x, y): Space there,
    # then a stroke two steps to the right with Space held.
    canvas.send_keys(Keys.SPACE)
    href, spaced = next_download(ui, first["id"], href)
    assert spaced[y, x, 3] == 0
    assert ui.driver.switch_to.active_element == canvas
    ActionChains(ui.driver).key_down(Keys.SPACE).send_keys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT).key_up(
        Keys.SPACE).perform()
    href, stroked = next_download(ui, first["id"], href)
    stroke = stroked[:, :, 3]
    assert stroke[y, x + 6] == 0 and (stroke != original[:, :, 3]).sum() > changed.sum()


def test_axe_finds_no_serious_or_critical_violations(ui: ChromiumPage, axe: str) -> None:
    """With every kind of job on the page and the result view open with the brush on."""
    states = {j["state"] for j in jobs(ui)}
    assert {"done"} <= states
    first = [j for j in jobs(ui) if j["state"] == "done"][0]
    open_viewer(ui, first["id"])
    ui.execute(axe)
    for scheme in ("light", "dark"):
        features = [{"name": "prefers-color-scheme", "value": scheme},
                    {"name": "prefers-reduced-motion", "value": "reduce"}]
        ui.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": features})
        results = ui.run_async("return await axe.run(document, {resultTypes: ['violations']});")
        bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
               for v in results["violations"] if v["impact"] in ("serious", "critical")]
        assert bad == [], scheme
    ui.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
