"""The result first (issue 14), in Chromium at 1280x800 and at a phone's 390x844: the stage
shows a photo as soon as it is added and its cutout in the first screen, no horizontal
scrolling, 44 px touch targets with labels beside their controls, axe-clean in both themes; the
blurred-photo background equals its NumPy reference; "Save all to a folder" writes through the
File System Access API into a real directory handle (the origin-private file system's, handed
to the same save code as the picker's through window.backgrone.saveAllTo).

One browser for the module, one 256x256 photo, the Lightweight engine; the tests run in order.
"""
from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from skimage import data as samples

from backgrone.core import backdrop
from support.backdrop_reference import blurred_background
from support.browser import fetch_bytes, ready
from support.chromium import ChromiumPage
from support.queue_page import ENGINE, TIMEOUT, image_at, jobs, wait_links_ready

pytestmark = pytest.mark.e2e

DESKTOP = (1280, 800, False)
PHONE = (390, 844, True)
SIZE = 256


def photo() -> np.ndarray:
    return np.asarray(Image.fromarray(samples.astronaut()).crop((128, 0, 128 + SIZE, SIZE)))


def emulate(page: ChromiumPage, size: tuple[int, int, bool], scheme: str = "light") -> None:
    width, height, mobile = size
    page.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})
    page.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [
        {"name": "prefers-color-scheme", "value": scheme},
        {"name": "prefers-reduced-motion", "value": "reduce"}]})


def fresh(page: ChromiumPage, size: tuple[int, int, bool]) -> None:
    """The page loaded anew at this size (an empty queue), the Lightweight engine chosen."""
    emulate(page, size)
    page.get(page.driver.current_url)
    ready(page)
    radio = WebDriverWait(page.driver, 60).until(
        lambda d: d.find_element(By.CSS_SELECTOR, f'input[name=engine][value="{ENGINE}"]'))
    page.execute("arguments[0].click()", radio)


def add_photo(page: ChromiumPage, path: Path) -> None:
    page.driver.find_element(By.CSS_SELECTOR, "[data-images]").send_keys(str(path))


def placement(page: ChromiumPage, selector: str) -> dict[str, Any]:
    """Where the element is in the viewport, how far the page is scrolled, and its overflow."""
    found: dict[str, Any] = page.execute("""
        const box = document.querySelector(arguments[0]).getBoundingClientRect();
        const root = document.documentElement;
        return {top: box.top, left: box.left, bottom: box.bottom, right: box.right, width: box.width,
                height: box.height, innerWidth: innerWidth, innerHeight: innerHeight, scrollY: scrollY,
                overflow: root.scrollWidth - root.clientWidth};""", selector)
    return found


def assert_in_first_screen(page: ChromiumPage, selector: str) -> None:
    box = placement(page, selector)
    assert box["scrollY"] == 0 and box["overflow"] <= 0, box
    assert box["width"] > 100 and box["height"] > 100, box
    assert box["top"] >= 0 and box["left"] >= 0, box
    assert box["bottom"] <= box["innerHeight"] and box["right"] <= box["innerWidth"], box


@pytest.fixture(scope="module")
def picture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("photos") / "astronaut.png"
    Image.fromarray(photo()).save(path)
    return path


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["1280x800", "390x844"])
def test_the_stage_shows_the_photo_at_once_and_its_cutout_in_the_first_screen(
        page: ChromiumPage, picture: Path, size: tuple[int, int, bool]) -> None:
    fresh(page, size)
    layout = page.driver.find_element(By.CSS_SELECTOR, "[data-layout]")
    assert layout.get_attribute("data-has-jobs") == "false"
    add_photo(page, picture)
    # At once: the original on the stage, with the job's progress, before any result.
    viewer = page.driver.find_element(By.CSS_SELECTOR, "[data-viewer]")
    assert viewer.is_displayed() and viewer.get_attribute("data-mode") == "pending"
    assert page.driver.find_element(By.CSS_SELECTOR, "[data-stage-progress]").is_displayed()
    WebDriverWait(page.driver, 30).until(lambda d: d.execute_script(
        "const img = document.querySelector('[data-before]'); return img.complete && img.naturalWidth > 0"))
    assert_in_first_screen(page, "[data-before]")
    assert page.driver.find_element(By.CSS_SELECTOR, "[data-layout]").get_attribute("data-has-jobs") == "true"
    # Then the cutout, without anyone asking, focus left where it was.
    WebDriverWait(page.driver, TIMEOUT).until(lambda d: viewer.get_attribute("data-mode") == "result")
    assert [j["state"] for j in jobs(page)] == ["done"]
    assert_in_first_screen(page, "[data-canvas]")
    download = page.driver.find_element(By.CSS_SELECTOR, "[data-stage-download]")
    touch_up = page.driver.find_element(By.CSS_SELECTOR, "[data-brush-toggle]")
    assert download.is_displayed() and touch_up.is_displayed()
    assert "primary" in (download.get_attribute("class") or "")
    box = placement(page, "[data-stage-download]")
    assert 0 <= box["top"] and box["bottom"] <= box["innerHeight"]
    assert page.execute("return document.activeElement === document.body")


def visible_targets(page: ChromiumPage) -> list[dict[str, Any]]:
    """Every control a finger can reach and the box it is reached through: a radio or checkbox
    through its label."""
    found: list[dict[str, Any]] = page.execute("""
        const out = [];
        const seen = new Set();
        for (const el of document.querySelectorAll(
            'button, a[href], summary, select, input, [role=slider], label')) {
          if (el.matches('input[type=file], .visually-hidden, .visually-hidden *')) continue;
          let target = el;
          if (el.matches('input[type=radio], input[type=checkbox]')) target = el.labels[0] || el;
          else if (el.tagName === 'LABEL'
                   && !el.querySelector('input[type=radio], input[type=checkbox]')) continue;
          if (seen.has(target)) continue;
          seen.add(target);
          const box = target.getBoundingClientRect();
          if (!target.checkVisibility() || box.width === 0) continue;
          out.push({what: target.outerHTML.slice(0, 90), width: box.width, height: box.height,
                    right: box.right});
        }
        return out;""")
    return found


def test_phone_touch_targets_labels_and_brush(page: ChromiumPage) -> None:
    """390x844, the photo of the last test on the stage, the settings open, the brush on."""
    emulate(page, PHONE)
    page.driver.find_element(By.CSS_SELECTOR, "[data-settings] > summary").click()
    assert page.driver.find_element(By.CSS_SELECTOR, "[data-settings]").get_attribute("open") is not None
    page.driver.find_element(By.CSS_SELECTOR, "[data-brush-toggle]").click()
    controls = page.driver.find_element(By.CSS_SELECTOR, "[data-brush-controls]")
    WebDriverWait(page.driver, TIMEOUT).until(lambda d: controls.get_attribute("data-ready") == "true")
    targets = visible_targets(page)
    assert len(targets) > 30
    small = [t for t in targets if t["width"] < 44 or t["height"] < 44]
    assert small == [], small
    assert max(t["right"] for t in targets) <= 390
    assert placement(page, "[data-layout]")["overflow"] <= 0
    # Each radio and checkbox sits on the line of its label, the label after it.
    misplaced = page.execute("""
        return Array.from(document.querySelectorAll('input[type=radio], input[type=checkbox]'))
          .filter(input => input.checkVisibility())
          .map(input => {
            const own = input.getBoundingClientRect();
            const label = input.labels[0];
            const box = label.getBoundingClientRect();
            const middle = (own.top + own.bottom) / 2;
            const after = label.contains(input) || own.right <= box.left + 1;
            const beside = middle >= box.top && middle <= box.bottom && after;
            return beside ? null : label.textContent.trim().slice(0, 40);
          }).filter(Boolean);""")
    assert misplaced == []
    # A finger painting on the cutout does not scroll the page, nor does one on the divider.
    actions = page.execute("""
        return ['[data-canvas]', '[data-divider]'].map(
          s => getComputedStyle(document.querySelector(s)).touchAction);""")
    assert actions == ["none", "none"]
    page.driver.find_element(By.CSS_SELECTOR, "[data-brush-toggle]").click()


def test_axe_finds_no_serious_or_critical_violations_at_both_sizes_and_themes(page: ChromiumPage,
                                                                              axe: str) -> None:
    page.execute(axe)
    for size in (DESKTOP, PHONE):
        for scheme in ("light", "dark"):
            emulate(page, size, scheme)
            results = page.run_async("return await axe.run(document, {resultTypes: ['violations']});")
            bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
                   for v in results["violations"] if v["impact"] in ("serious", "critical")]
            assert bad == [], (size, scheme)
    emulate(page, DESKTOP)


def test_blurred_photo_background_matches_the_numpy_reference(page: ChromiumPage) -> None:
    emulate(page, DESKTOP)
    job = jobs(page)[0]
    cutout = np.asarray(image_at(page, job["href"])).astype(int)
    blur = page.driver.find_element(By.CSS_SELECTOR, "input[name=background][value=blur]")
    blur.click()
    assert "blurred background" in page.driver.find_element(By.CSS_SELECTOR, "[data-settings-summary]").text
    # On the stage at once: the backdrop is the worker's blurred photo.
    WebDriverWait(page.driver, TIMEOUT).until(lambda d: d.find_element(
        By.CSS_SELECTOR, "[data-backdrop]").get_attribute("data-blur-ready") == "true")
    shown = page.execute(
        "return document.querySelector('[data-backdrop]').style.backgroundImage")
    assert shown.startswith('url("blob:')
    made = [j for j in wait_links_ready(page, ".png") if j["id"] == job["id"]][0]
    assert made["href"] != job["href"]
    composed = np.asarray(image_at(page, made["href"]).convert("RGBA")).astype(int)
    alpha = cutout[:, :, 3]
    assert (composed[:, :, 3] == 255).all()
    subject = alpha == 255
    assert subject.sum() > 1000 and (alpha == 0).sum() > 1000
    # The subject's pixels are the cutout's, unchanged.
    assert np.array_equal(composed[subject][:, :3], cutout[subject][:, :3])
    # The background's are the reference blur of the photo (at 256 px the work size is the
    # photo's: no scaling between the two).
    assert backdrop.work_size(SIZE, SIZE) == [SIZE, SIZE]
    reference = blurred_background(photo(), alpha.astype(np.uint8), backdrop.blur_radius(SIZE, SIZE))
    background = alpha == 0
    difference = np.abs(composed[background][:, :3] - reference[background].astype(int))
    assert difference.max() <= 1, difference.max()
    # The stage's preview is the same picture.
    preview_url = shown[5:-2]
    preview = np.asarray(image_at(page, preview_url).convert("RGB")).astype(int)
    assert np.abs(preview[background] - reference[background].astype(int)).max() <= 1
    page.driver.find_element(By.CSS_SELECTOR, "input[name=background][value=transparent]").click()
    wait_links_ready(page, ".png")


SAVE_TO_OPFS = """
const [folder, answer] = args;
window.confirm = text => { window.asked = text; return answer; };
window.asked = '';
const root = await navigator.storage.getDirectory();
const directory = await root.getDirectoryHandle(folder, {create: true});
const written = await window.backgrone.saveAllTo(directory);
const files = {};
for await (const [name, handle] of directory.entries()) {
  const bytes = new Uint8Array(await (await handle.getFile()).arrayBuffer());
  let text = '';
  for (let i = 0; i < bytes.length; i += 32768) text += String.fromCharCode(...bytes.subarray(i, i + 32768));
  files[name] = btoa(text);
}
return {written, files, asked: window.asked};
"""


def test_save_all_to_a_folder_writes_each_result_and_overwrites_only_when_asked(
        page: ChromiumPage) -> None:
    button = page.driver.find_element(By.CSS_SELECTOR, "[data-save-folder]")
    assert button.is_displayed()  # Chromium has showDirectoryPicker; the zip stays beside it
    assert page.driver.find_element(By.CSS_SELECTOR, "[data-download-all]").is_displayed()
    job = jobs(page)[0]
    expected = fetch_bytes(page, job["href"])
    first = page.run_async(SAVE_TO_OPFS, "cutouts", True)
    assert first["written"] == ["astronaut-nobg.png"] and first["asked"] == ""
    assert {name: base64.b64decode(body) for name, body in first["files"].items()} == {
        "astronaut-nobg.png": expected}
    # Again into the same folder: the user is asked; "Cancel" keeps the file, the new one is numbered.
    kept = page.run_async(SAVE_TO_OPFS, "cutouts", False)
    assert "astronaut-nobg.png" in kept["asked"] and "Replace" in kept["asked"]
    assert kept["written"] == ["astronaut-nobg-2.png"]
    assert sorted(kept["files"]) == ["astronaut-nobg-2.png", "astronaut-nobg.png"]
    assert base64.b64decode(kept["files"]["astronaut-nobg-2.png"]) == expected
    # "OK" replaces it, adding nothing.
    replaced = page.run_async(SAVE_TO_OPFS, "cutouts", True)
    assert replaced["written"] == ["astronaut-nobg.png"] and replaced["asked"]
    assert sorted(replaced["files"]) == ["astronaut-nobg-2.png", "astronaut-nobg.png"]
    live = page.execute(
        "return Array.from(document.querySelectorAll('[data-live] p')).map(p => p.textContent)")
    assert "Saved 1 image to the folder cutouts" in live, live
