"""Driving the page's queue as a user does (drop, paste, press a card's buttons) and reading
what it shows: the helpers of the queue and output tests."""
from __future__ import annotations

import base64
import io
from typing import Any

import numpy as np
from PIL import Image
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait
from skimage import data as samples

from support.browser import JOB_CARDS, fetch_bytes
from support.chromium import ChromiumPage

ENGINE = "lightweight"
TIMEOUT = 300


def crop(array: np.ndarray, left: int, top: int, size: int = 256) -> Image.Image:
    image = Image.fromarray(array)
    return image.convert("RGB").crop((left, top, left + size, top + size))


def photos() -> dict[str, Image.Image]:
    """Five 256x256 crops of scikit-image's sample photos, each with a clear subject."""
    return {
        "astronaut.png": crop(samples.astronaut(), 128, 0),
        "coffee.jpg": crop(samples.coffee(), 150, 100),
        "cat.webp": Image.fromarray(samples.chelsea()).resize((256, 256)),
        "rocket.png": crop(samples.rocket(), 150, 150),
        "portrait.bmp": crop(samples.astronaut(), 64, 64),
    }


def encoded(image: Image.Image, name: str) -> bytes:
    buffer = io.BytesIO()
    kind = {"png": "PNG", "jpg": "JPEG", "webp": "WEBP", "bmp": "BMP"}[name.rsplit(".", 1)[1]]
    image.save(buffer, kind, **({"quality": 95} if kind == "JPEG" else {}))
    return buffer.getvalue()


MIME = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp", "bmp": "image/bmp",
        "txt": "text/plain"}

DISPATCH = """
const [files, eventType, target] = args;
const transfer = new DataTransfer();
for (const [name, base64, type] of files) {
  const bytes = Uint8Array.from(atob(base64), c => c.charCodeAt(0));
  transfer.items.add(new File([bytes], name, {type}));
}
const where = target ? document.querySelector(target) : document.body;
const event = eventType === 'paste'
  ? new ClipboardEvent('paste', {clipboardData: transfer, bubbles: true, cancelable: true})
  : new DragEvent(eventType, {dataTransfer: transfer, bubbles: true, cancelable: true});
where.dispatchEvent(event);
return event.defaultPrevented;
"""


def dispatch(page: ChromiumPage, event: str, files: list[tuple[str, bytes]], target: str = "") -> bool:
    payload = [[name, base64.b64encode(body).decode(), MIME[name.rsplit(".", 1)[1]]] for name, body in files]
    return bool(page.run_async(DISPATCH, payload, event, target))


def jobs(page: ChromiumPage) -> list[dict[str, str]]:
    cards: list[dict[str, str]] = page.execute(JOB_CARDS)
    return cards


def job_element(page: ChromiumPage, job_id: str) -> Any:
    return page.driver.find_element(By.CSS_SELECTOR, f'[data-job="{job_id}"]')


def press(page: ChromiumPage, job_id: str, action: str) -> None:
    """Click one of a job's buttons the way a keyboard user does: focus it, press Enter."""
    button = job_element(page, job_id).find_element(By.CSS_SELECTOR, f'.job-actions [data-action="{action}"]')
    assert button.is_displayed(), action
    page.execute("arguments[0].focus()", button)
    button.send_keys(Keys.ENTER)


def wait_state(page: ChromiumPage, job_id: str, *states: str) -> None:
    WebDriverWait(page.driver, TIMEOUT).until(
        lambda _: job_element(page, job_id).get_attribute("data-state") in states)


def wait_links_ready(page: ChromiumPage, suffix: str) -> list[dict[str, str]]:
    def ready(_: object) -> list[dict[str, str]] | bool:
        done = [j for j in jobs(page) if j["state"] == "done"]
        if done and all(j["ready"] == "true" and j["download"].endswith(suffix) for j in done):
            return done
        return False
    found: list[dict[str, str]] = WebDriverWait(page.driver, TIMEOUT).until(ready)
    return found


def image_at(page: ChromiumPage, url: str) -> Image.Image:
    image = Image.open(io.BytesIO(fetch_bytes(page, url)))
    image.load()
    return image


def flat_spot(alpha: np.ndarray, value: int, margin: int = 8) -> tuple[int, int]:
    """A pixel whose whole neighbourhood has this alpha, away from the image's edges."""
    height, width = alpha.shape
    for y in range(margin, height - margin, 4):
        for x in range(margin, width - margin, 4):
            if (alpha[y - margin:y + margin, x - margin:x + margin] == value).all():
                return x, y
    raise AssertionError(f"no flat area of alpha {value}")


def set_value(page: ChromiumPage, selector: str, value: str) -> None:
    """Set a form control as the user would and fire the events a user's change fires."""
    page.execute("""
        const control = document.querySelector(arguments[0]);
        control.value = arguments[1];
        control.dispatchEvent(new Event('input', {bubbles: true}));
        control.dispatchEvent(new Event('change', {bubbles: true}));""", selector, value)
