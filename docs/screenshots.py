"""Screenshots of the first screen for the README: a phone (390 x 844) and a desktop
(1280 x 800), light and dark, after one photo was added (Lightweight engine) with the
"Square for shops" framing on; and the Output settings with it, scrolled into view.

Run: .venv/bin/python docs/screenshots.py  (after a build; writes docs/screenshots/*.png)
"""
from __future__ import annotations

import io
import sys
import tempfile
from pathlib import Path

from PIL import Image
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from skimage import data as samples

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from support.browser import run_async  # noqa: E402
from support.chromium import start_chromium  # noqa: E402
from support.server import Server  # noqa: E402

SIZES = {"phone": (390, 844, True), "desktop": (1280, 800, False)}
OUT = ROOT / "docs" / "screenshots"


def emulate(driver, width: int, height: int, mobile: bool, scheme: str) -> None:  # type: ignore[no-untyped-def]
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {
        "features": [{"name": "prefers-color-scheme", "value": scheme}]})


def save(driver, name: str, colours: int = 128) -> None:  # type: ignore[no-untyped-def]
    """A palette PNG: a few tens of KB each."""
    shot = Image.open(io.BytesIO(driver.get_screenshot_as_png())).convert("RGB")
    shot.quantize(colours, dither=Image.Dither.NONE).save(OUT / name, optimize=True)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    photo = Path(tempfile.mkdtemp()) / "astronaut.jpg"
    Image.fromarray(samples.astronaut()).crop((96, 0, 416, 400)).save(photo, quality=92)
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(Path(tmp) / "requests.log")
        driver = start_chromium()
        try:
            for size, (width, height, mobile) in SIZES.items():
                for scheme in ("light", "dark"):
                    emulate(driver, width, height, mobile, scheme)
                    driver.get(server.url)
                    run_async(driver, "await window.backgrone.ready;")
                    radio = WebDriverWait(driver, 60).until(
                        lambda d: d.find_element(By.CSS_SELECTOR, "input[name=engine][value=lightweight]"))
                    driver.execute_script("arguments[0].click()", radio)
                    if scheme == "light":
                        save(driver, f"{size}-empty.png")
                    driver.execute_script("""
                        const select = document.querySelector('[data-framing]');
                        select.value = 'shop';
                        select.dispatchEvent(new Event('change', {bubbles: true}));""")
                    driver.find_element(By.CSS_SELECTOR, "[data-images]").send_keys(str(photo))
                    WebDriverWait(driver, 300).until(lambda d: d.find_element(
                        By.CSS_SELECTOR, "[data-job]").get_attribute("data-state") == "done")
                    WebDriverWait(driver, 30).until(lambda d: d.execute_script(
                        "return document.querySelector('[data-viewer]').dataset.mode === 'result'"
                        " && document.querySelector('[data-before]').complete"))
                    WebDriverWait(driver, 120).until(lambda d: d.execute_script(
                        "const drag = document.querySelector('[data-stage-drag]');"
                        "return !drag.hidden && drag.complete && drag.naturalWidth > 0;"))
                    save(driver, f"{size}-{scheme}.png")
                    if scheme == "light":
                        driver.execute_script("""
                            document.querySelector('[data-settings]').open = true;
                            document.querySelector('[data-output]').scrollIntoView();""")
                        save(driver, f"{size}-output.png")
        finally:
            driver.quit()
            server.stop()


if __name__ == "__main__":
    main()
