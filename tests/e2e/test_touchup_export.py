"""The brush keeps the refined edge colours and its undo gives the cutout back byte for byte; a
download that cannot be made says why and can be retried. One browser, tests in order."""
from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait
from skimage import data as samples

from backgrone.core import brush, errors
from support.browser import fetch_bytes
from support.chromium import ChromiumPage

pytestmark = pytest.mark.e2e

ENGINE = "lightweight"
TIMEOUT = 300
SIZE = 256
JOB = "[data-job]"
EXPORT_ERROR = "[data-export-error]"


def photo() -> np.ndarray:
    """The astronaut's head and shoulders: hair and suit edges against a plain backdrop."""
    return np.asarray(Image.fromarray(samples.astronaut()).crop((128, 0, 128 + SIZE, SIZE)))


def download(page: ChromiumPage) -> dict[str, str]:
    found: dict[str, str] = page.execute("""
        const link = document.querySelector('[data-job] a[data-action=download]');
        return {href: link.href, ready: link.dataset.ready, name: link.getAttribute('download'),
                hidden: String(link.hidden)};""")
    return found


def rgba_at(page: ChromiumPage, url: str) -> np.ndarray:
    image = Image.open(io.BytesIO(fetch_bytes(page, url)))
    return np.asarray(image.convert("RGBA")).astype(int)


def next_download(page: ChromiumPage, previous: str) -> tuple[str, np.ndarray]:
    """The first ready download made after `previous`, as RGBA."""
    def made(_: object) -> str | bool:
        link = download(page)
        return link["href"] if link["ready"] == "true" and link["href"] != previous else False
    href: str = WebDriverWait(page.driver, TIMEOUT).until(made)
    return href, rgba_at(page, href)


def click_pixel(page: ChromiumPage, canvas: Any, x: int, y: int) -> None:
    """A pointer click on image pixel (x, y) of the brush canvas (selenium offsets from its centre)."""
    rect = canvas.rect
    scale = rect["width"] / SIZE
    dx = int((x + 0.5) * scale - rect["width"] / 2)
    dy = int((y + 0.5) * scale - rect["height"] / 2)
    ActionChains(page.driver).move_to_element_with_offset(canvas, dx, dy).click().perform()


def shown(page: ChromiumPage, x: int, y: int) -> list[int]:
    """The brush canvas's pixel (x, y): what the user sees."""
    pixel: list[int] = page.execute(
        "return Array.from(document.querySelector('[data-canvas]').getContext('2d')"
        ".getImageData(arguments[0], arguments[1], 1, 1).data);", x, y)
    return pixel


def console_lines(page: ChromiumPage, text: str) -> list[str]:
    """The page's console lines since the last call that contain `text`."""
    return [entry["message"] for entry in page.driver.get_log("browser") if text in entry["message"]]


@pytest.fixture(scope="module")
def result(page: ChromiumPage, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One photo through the picker with the Lightweight engine, edges refined (the toggle on)."""
    radio = WebDriverWait(page.driver, 60).until(
        lambda d: d.find_element(By.CSS_SELECTOR, f'input[name=engine][value="{ENGINE}"]'))
    page.execute("arguments[0].click()", radio)
    refine = page.driver.find_element(By.CSS_SELECTOR, "[data-refine]")
    if not refine.is_selected():
        refine.click()
    assert refine.is_selected()
    path = tmp_path_factory.mktemp("photos") / "astronaut.png"
    source = photo()
    Image.fromarray(source).save(path)
    page.driver.find_element(By.CSS_SELECTOR, "[data-images]").send_keys(str(path))
    WebDriverWait(page.driver, TIMEOUT).until(
        lambda d: d.find_element(By.CSS_SELECTOR, JOB).get_attribute("data-state") == "done")
    link = download(page)
    return {"href": link["href"], "cutout": rgba_at(page, link["href"]), "photo": source.astype(int)}


def test_brush_keeps_refined_edge_colours_and_undo_gives_the_cutout_back(
        page: ChromiumPage, result: dict[str, Any]) -> None:
    cutout = result["cutout"]
    source = result["photo"]
    alpha = cutout[:, :, 3]
    # Decontaminated edge pixels: partly transparent, with a colour refinement moved away from
    # the photo's, stored finely enough (alpha >= MIN_COLOUR_ALPHA) for the brush to keep it.
    recoloured = np.abs(cutout[:, :, :3] - source).max(axis=2) > 8
    edge = (alpha >= brush.MIN_COLOUR_ALPHA) & (alpha < 255) & recoloured
    assert edge.sum() > 50, edge.sum()
    ys, xs = np.nonzero(edge)

    # A restore dab (radius 6, hard) centred on an edge pixel with transparent pixels in reach.
    yy, xx = np.mgrid[0:SIZE, 0:SIZE]

    def reach(cx: int, cy: int) -> np.ndarray:
        return (xx + 0.5 - (cx + 0.5)) ** 2 + (yy + 0.5 - (cy + 0.5)) ** 2 < 5.5 ** 2

    centre = next((x, y) for x, y in zip(xs, ys, strict=True)
                  if 8 <= x < SIZE - 8 and 8 <= y < SIZE - 8
                  and (alpha[reach(x, y)] == 0).sum() >= 3 and edge[reach(x, y)].sum() >= 3)
    # An erase dab on a wholly opaque spot, far from that one.
    opaque = next((x, y) for y in range(16, SIZE - 16, 4) for x in range(16, SIZE - 16, 4)
                  if (alpha[y - 8:y + 8, x - 8:x + 8] == 255).all()
                  and abs(x - centre[0]) + abs(y - centre[1]) > 40)

    press_view = page.driver.find_element(By.CSS_SELECTOR, f"{JOB} [data-action=view]")
    page.execute("arguments[0].focus()", press_view)
    press_view.send_keys(Keys.ENTER)
    viewer = page.driver.find_element(By.CSS_SELECTOR, "[data-viewer]")
    WebDriverWait(page.driver, 30).until(lambda d: viewer.is_displayed())
    viewer.find_element(By.CSS_SELECTOR, "[data-brush-toggle]").send_keys(Keys.ENTER)
    controls = viewer.find_element(By.CSS_SELECTOR, "[data-brush-controls]")
    WebDriverWait(page.driver, TIMEOUT).until(lambda d: controls.get_attribute("data-ready") == "true")
    page.execute("""
        for (const [selector, value] of [['[data-brush-size]', '12'], ['[data-brush-hardness]', '100']]) {
          const control = document.querySelector(selector);
          control.value = value;
          control.dispatchEvent(new Event('input', {bubbles: true}));
        }""")
    canvas = viewer.find_element(By.CSS_SELECTOR, "[data-canvas]")
    page.execute("arguments[0].scrollIntoView({block: 'center'})", canvas)
    assert canvas.rect["width"] == SIZE  # fit zoom shows a 256 px result at 100 %

    click_pixel(page, canvas, *opaque)
    href, erased = next_download(page, result["href"])
    assert erased[opaque[1], opaque[0], 3] == 0
    untouched = erased[:, :, 3] == alpha
    assert (~untouched).sum() < 200 and untouched[edge].all()
    # Every pixel the stroke did not reach keeps its bytes: the edge keeps its refined colours,
    # not the photo's (what recomposing from the photo gave before).
    assert np.array_equal(erased[untouched & (alpha > 0)], cutout[untouched & (alpha > 0)])

    viewer.find_element(By.CSS_SELECTOR, "input[name=brush-mode][value=restore]").click()
    click_pixel(page, canvas, *centre)
    href, restored = next_download(page, href)
    raised = (restored[:, :, 3] == 255) & (alpha < 255)
    assert raised[reach(*centre)].sum() >= 6
    # Restored edge pixels show the refined colour, restored transparent ones the photo's.
    from_edge = raised & (alpha >= brush.MIN_COLOUR_ALPHA)
    from_nothing = raised & (alpha == 0)
    assert from_edge.sum() >= 3 and from_nothing.sum() >= 3
    assert np.abs(restored[from_edge][:, :3] - cutout[from_edge][:, :3]).max() <= 1
    assert (np.abs(restored[from_edge & edge][:, :3] - source[from_edge & edge]).max(axis=1) > 6).all()
    assert np.array_equal(restored[from_nothing][:, :3], source[from_nothing])
    # And so does the canvas the user paints on.
    for mask in (from_edge & edge, from_nothing):
        y, x = np.argwhere(mask)[0]
        assert shown(page, int(x), int(y)) == list(restored[y, x]), (x, y)
    untouched = (restored[:, :, 3] == erased[:, :, 3]) & ~reach(*centre)
    assert np.array_equal(restored[untouched], erased[untouched])

    # Undo both strokes: the cutout again, every byte of every pixel.
    undo = viewer.find_element(By.CSS_SELECTOR, "[data-undo]")
    undo.click()
    href, once = next_download(page, href)
    assert np.array_equal(once, erased)
    undo.click()
    href, twice = next_download(page, href)
    assert np.array_equal(twice, cutout)
    # Redo from the keyboard brings both strokes back exactly.
    canvas.send_keys(Keys.CONTROL, "y")
    href, again = next_download(page, href)
    assert np.array_equal(again, erased)
    canvas.send_keys(Keys.CONTROL, "y")
    href, again = next_download(page, href)
    assert np.array_equal(again, restored)
    viewer.find_element(By.CSS_SELECTOR, "[data-viewer-close]").click()


def wait_export_error(page: ChromiumPage) -> str:
    alert = WebDriverWait(page.driver, TIMEOUT).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, f"{JOB} {EXPORT_ERROR}") or False)[0]
    assert alert.get_attribute("role") == "alert"
    text: str = alert.text
    return text


def test_a_download_that_cannot_be_made_says_why_and_retries(
        page: ChromiumPage, result: dict[str, Any], tmp_path: Path) -> None:
    console_lines(page, "")  # start the console from here
    # A damaged file picked as the background image: the export worker cannot decode it.
    broken = tmp_path / "backdrop.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    page.driver.find_element(By.CSS_SELECTOR, "[data-bg-file]").send_keys(str(broken))
    text = wait_export_error(page)
    assert errors.CATALOGUE[errors.BACKGROUND_UNREADABLE] in text
    link = download(page)
    assert link["ready"] == "false" and link["hidden"] == "true"
    assert len(console_lines(page, "export failed")) == 1
    # Retry really runs the export again (and fails again, for the same reason).
    retry = page.driver.find_element(By.CSS_SELECTOR, f"{EXPORT_ERROR} [data-action=retry-export]")
    page.execute("arguments[0].focus()", retry)
    retry.send_keys(Keys.ENTER)
    WebDriverWait(page.driver, TIMEOUT).until(lambda _: len(console_lines(page, "export failed")) == 1)
    assert errors.CATALOGUE[errors.BACKGROUND_UNREADABLE] in wait_export_error(page)
    # Keyboard focus stays on the retry button, not lost with the replaced alert.
    assert page.driver.switch_to.active_element.get_attribute("data-action") == "retry-export"
    # Another choice clears the error and makes the download.
    page.driver.find_element(By.CSS_SELECTOR, "input[name=background][value=transparent]").click()
    WebDriverWait(page.driver, TIMEOUT).until(lambda _: download(page)["ready"] == "true")
    assert not page.driver.find_elements(By.CSS_SELECTOR, EXPORT_ERROR)
    assert download(page)["hidden"] == "false"

    # The export worker crashes while making a JPEG: the error says so, and a retry (in a
    # fresh worker) makes the JPEG.
    page.execute("window.backgrone.crashExporter();")
    Select(page.driver.find_element(By.CSS_SELECTOR, "select[data-format]")).select_by_value("jpeg")
    text = wait_export_error(page)
    assert errors.CATALOGUE[errors.EXPORTER_CRASHED].split(";")[0] in text
    assert console_lines(page, "export worker crashed")
    page.driver.find_element(By.CSS_SELECTOR, f"{EXPORT_ERROR} [data-action=retry-export]").click()
    WebDriverWait(page.driver, TIMEOUT).until(lambda _: download(page)["ready"] == "true")
    link = download(page)
    assert link["name"] == "astronaut-nobg.jpg"
    assert not page.driver.find_elements(By.CSS_SELECTOR, EXPORT_ERROR)
    jpeg = Image.open(io.BytesIO(fetch_bytes(page, link["href"])))
    assert jpeg.format == "JPEG" and jpeg.size == (SIZE, SIZE)
    # The zip waits for that download and holds it.
    blob_size = page.run_async("return (await window.backgrone.downloadAll()).size;")
    assert blob_size > 0
    Select(page.driver.find_element(By.CSS_SELECTOR, "select[data-format]")).select_by_value("png")
