"""Corrective clicks in real Chromium. Through window.backgrone.removeBackground: the photo cut
out before is corrected without a new inference, a keep click brings back the region it lands
in, a stroke paints, no hints give the automatic cutout again, and every result says its
confidence. Through the stage's Fix tool: a click changes the download, Undo restores it.
Lightweight: the engine does not matter here."""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from selenium import webdriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from backgrone.core.confidence import CHECK_BELOW
from support import photos
from support.browser import Page, fetch_bytes, png_from, remove_background

pytestmark = pytest.mark.e2e

ENGINE = {"engine": "lightweight", "refine": False}


def alpha_of(result: dict[str, object]) -> np.ndarray:
    data = result["png"]
    assert isinstance(data, bytes)
    return np.asarray(png_from(data))[:, :, 3]


def test_hints_correct_the_cutout_without_a_new_inference(page: Page) -> None:
    photo = photos.astronaut().resize((384, 384))
    buffer = io.BytesIO()
    photo.save(buffer, "PNG")
    data = buffer.getvalue()
    first = remove_background(page, data, "image/png", "astronaut.png", ENGINE)
    assert "inference" in first["timings"] and "reused" not in first["timings"]
    assert 0.0 <= first["confidence"] <= 1.0
    # The queue's card says "check this one" exactly when the confidence is low.
    card = page.driver.execute_script("""
        const cards = document.querySelectorAll('[data-job]');
        const card = cards[cards.length - 1];
        return {check: card.dataset.check, status: card.querySelector('.job-status').textContent};""")
    low = first["confidence"] < CHECK_BELOW
    assert card["check"] == ("true" if low else "false")
    assert ("check this one" in card["status"]) == low
    automatic = alpha_of(first)
    # A keep click on the background, far from the subject's edge: the region it lands in.
    background = np.argwhere(automatic == 0)
    y, x = (int(v) for v in background[len(background) // 2])
    clicked = remove_background(page, data, "image/png", "astronaut.png",
                                {**ENGINE, "hints": [{"x": x, "y": y, "keep": True}]})
    assert "inference" not in clicked["timings"] and clicked["timings"]["reused"] == 1
    assert clicked["timings"]["correct"] > 0
    corrected = alpha_of(clicked)
    assert corrected[y, x] == 255
    gained = (corrected > automatic).sum()
    # A region grown from the click, not one dab and not the whole photo.
    assert 200 < gained < 0.9 * (automatic == 0).sum()
    assert not (corrected < automatic).any()  # a keep click takes nothing away
    # Undo: the same photo with no hints is the automatic cutout again, still reused.
    again = remove_background(page, data, "image/png", "astronaut.png", ENGINE)
    assert "inference" not in again["timings"]
    assert np.array_equal(alpha_of(again), automatic)
    # A remove stroke through the subject, on the same path.
    subject = np.argwhere(automatic == 255)
    sy, sx = (int(v) for v in subject[len(subject) // 2])
    stroked = remove_background(page, data, "image/png", "astronaut.png",
                                {**ENGINE, "strokes": [{"points": [[sx, sy], [sx + 10, sy]], "keep": False,
                                                        "radius": 6}]})
    painted = alpha_of(stroked)
    assert painted[sy, sx] == 0 and painted[sy, sx + 10] == 0
    assert 50 < (painted < automatic).sum() < 2000



def last_download(driver: webdriver.Chrome) -> dict[str, str]:
    found: dict[str, str] = driver.execute_script("""
        const cards = document.querySelectorAll('[data-job]');
        const card = cards[cards.length - 1];
        const link = card.querySelector('a[data-action=download]');
        return {href: link.href, ready: link.dataset.ready, state: card.dataset.state};""")
    return found


def next_alpha(page: Page, previous: str) -> tuple[str, np.ndarray]:
    """The last card's next ready download after `previous`, its alpha."""
    def made(d: webdriver.Chrome) -> str | bool:
        link = last_download(d)
        ready = link["ready"] == "true" and link["state"] == "done" and link["href"] != previous
        return link["href"] if ready else False
    href: str = WebDriverWait(page.driver, 300).until(made)
    return href, np.asarray(png_from(fetch_bytes(page, href)))[:, :, 3]


def test_fix_on_the_stage_changes_the_download_and_undo_restores_it(
        page: Page, tmp_path: Path) -> None:
    radio = WebDriverWait(page.driver, 60).until(
        lambda d: d.find_element(By.CSS_SELECTOR, 'input[name=engine][value="lightweight"]'))
    page.driver.execute_script("arguments[0].click()", radio)
    path = tmp_path / "coffee.png"
    photos.coffee().resize((320, 240)).save(path)
    before = len(page.driver.find_elements(By.CSS_SELECTOR, "[data-job]"))
    page.driver.find_element(By.CSS_SELECTOR, "[data-images]").send_keys(str(path))
    WebDriverWait(page.driver, 300).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, "[data-job]")) > before)
    href, automatic = next_alpha(page, "")
    cards = page.driver.find_elements(By.CSS_SELECTOR, "[data-job]")
    view = cards[-1].find_element(By.CSS_SELECTOR, "[data-action=view]")
    page.driver.execute_script("arguments[0].focus()", view)
    view.send_keys(Keys.ENTER)
    viewer = page.driver.find_element(By.CSS_SELECTOR, "[data-viewer]")
    WebDriverWait(page.driver, 30).until(lambda d: viewer.is_displayed())
    viewer.find_element(By.CSS_SELECTOR, "[data-fix-toggle]").send_keys(Keys.ENTER)
    assert viewer.find_element(By.CSS_SELECTOR, "[data-fix-controls]").is_displayed()
    # A keep click on the background, away from the subject's edge.
    background = np.argwhere(automatic == 0)
    y, x = (int(v) for v in background[len(background) // 2])
    canvas = viewer.find_element(By.CSS_SELECTOR, "[data-canvas]")
    rect = canvas.rect
    scale = rect["width"] / automatic.shape[1]
    ActionChains(page.driver).move_to_element_with_offset(
        canvas, int((x + 0.5) * scale - rect["width"] / 2), int((y + 0.5) * scale - rect["height"] / 2)
    ).click().perform()
    href, fixed = next_alpha(page, href)
    assert (fixed > automatic).sum() > 100 and abs(int(fixed[y, x]) - 255) <= 1
    assert len(viewer.find_elements(By.CSS_SELECTOR, ".fix-dot")) == 1
    undo = viewer.find_element(By.CSS_SELECTOR, "[data-fix-undo]")
    WebDriverWait(page.driver, 30).until(lambda d: undo.is_enabled())
    undo.send_keys(Keys.ENTER)
    href, undone = next_alpha(page, href)
    assert np.array_equal(undone, automatic)
    assert len(viewer.find_elements(By.CSS_SELECTOR, ".fix-dot")) == 0


def test_fix_by_keyboard_and_its_undo(page: Page) -> None:
    """The coffee photo of the test before on the stage, Fix on: arrow keys move the point onto
    the background, Enter keeps what is there, Ctrl+Z takes it back."""
    href, automatic = next_alpha(page, "")
    height, width = automatic.shape
    # The point's walk as the page does it (steps of 0.02 from the middle), to the place nearest
    # the mouse click of the test before whose neighbourhood is background too.
    background = np.argwhere(automatic == 0)
    ty, tx = (int(v) for v in background[len(background) // 2])
    walk: list[tuple[int, int, int, int, int]] = []
    for ny in range(-20, 21):
        for nx in range(-20, 21):
            fx, fy = 0.5, 0.5
            for _ in range(abs(nx)):
                fx = min(1.0, max(0.0, fx + (0.02 if nx > 0 else -0.02)))
            for _ in range(abs(ny)):
                fy = min(1.0, max(0.0, fy + (0.02 if ny > 0 else -0.02)))
            x, y = int(np.floor(fx * (width - 1))), int(np.floor(fy * (height - 1)))
            inside = 8 <= x < width - 8 and 8 <= y < height - 8
            if inside and (automatic[y - 8:y + 8, x - 8:x + 8] == 0).all():
                walk.append(((x - tx) ** 2 + (y - ty) ** 2, nx, ny, x, y))
    _, nx, ny, x, y = min(walk)
    canvas = page.driver.find_element(By.CSS_SELECTOR, "[data-canvas]")
    page.driver.execute_script("arguments[0].focus()", canvas)
    keys = ([Keys.ARROW_RIGHT if nx > 0 else Keys.ARROW_LEFT] * abs(nx)
            + [Keys.ARROW_DOWN if ny > 0 else Keys.ARROW_UP] * abs(ny))
    ActionChains(page.driver).send_keys(*keys).send_keys(Keys.ENTER).perform()
    href, fixed = next_alpha(page, href)
    # The point's pixel gained (it may sit on the grown region's upscaled rim), and a region did.
    assert fixed[y, x] > automatic[y, x] and fixed[y - 2:y + 3, x - 2:x + 3].max() >= 254
    assert (fixed > automatic).sum() > 100
    ActionChains(page.driver).key_down(Keys.CONTROL).send_keys("z").key_up(Keys.CONTROL).perform()
    href, undone = next_alpha(page, href)
    assert np.array_equal(undone, automatic)
    page.click("[data-fix-toggle]")


@pytest.mark.parametrize("size", [(1280, 800, False), (390, 844, True)], ids=["1280x800", "390x844"])
def test_the_whole_photo_stays_in_view_with_touch_up_or_fix_open(
        page: Page, size: tuple[int, int, bool]) -> None:
    """The photo of the test before on the stage; each tool opened in turn."""
    width, height, mobile = size
    page.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})
    try:
        viewer = page.driver.find_element(By.CSS_SELECTOR, "[data-viewer]")
        assert viewer.is_displayed()
        for tool, controls in (("[data-brush-toggle]", "[data-brush-controls]"),
                               ("[data-fix-toggle]", "[data-fix-controls]")):
            button = viewer.find_element(By.CSS_SELECTOR, tool)
            page.driver.execute_script("arguments[0].click()", button)
            WebDriverWait(page.driver, 30).until(
                lambda d, shown=controls: d.find_element(By.CSS_SELECTOR, shown).is_displayed())
            box = page.driver.execute_script("""
                const r = document.querySelector('[data-canvas]').getBoundingClientRect();
                return {top: r.top, bottom: r.bottom, left: r.left, right: r.right,
                        width: innerWidth, height: innerHeight};""")
            assert box["top"] >= 0 and box["left"] >= 0, (tool, box)
            assert box["bottom"] <= box["height"] and box["right"] <= box["width"], (tool, box)
            assert box["bottom"] - box["top"] > 100, (tool, box)  # and not shrunk to nothing
            page.driver.execute_script("arguments[0].click()", button)
    finally:
        page.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
