"""Framing, the mask and the other output options of removeBackground in Chromium, against the
cutout the same call returns; the framed PNG streamed in bands equals the one-canvas one; the
zip takes the framing chosen in the Output settings. Lightweight engine, small photos."""
from __future__ import annotations

import base64
import io
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from backgrone.core import framing, errors
from support import photos
from support.chromium import ChromiumPage
from support.browser import remove_background, run_async, wait_for_jobs

pytestmark = pytest.mark.e2e

ENGINE = "lightweight"

@pytest.fixture(scope="module")
def photo_bytes() -> bytes:
    buffer = io.BytesIO()
    photos.coffee().resize((240, 160), Image.LANCZOS).save(buffer, "PNG")
    return buffer.getvalue()


def remove(page: ChromiumPage, photo: bytes, **options: Any) -> tuple[np.ndarray, Image.Image, str]:
    """(the cutout's RGBA, the download as an image, its MIME type)."""
    found = remove_background(page, photo, "image/png", "cup.png", {"engine": ENGINE, **options})
    cutout = np.asarray(Image.open(io.BytesIO(found["png"])).convert("RGBA")).astype(int)
    image = Image.open(io.BytesIO(found["file"]))
    image.info["bytes"] = len(found["file"])
    return cutout, image, found["fileType"]


def box_of(alpha: np.ndarray) -> list[int]:
    ys, xs = np.nonzero(alpha)
    return [int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1]


def rejection(page: ChromiumPage, photo: bytes, options: dict[str, Any]) -> str:
    with pytest.raises(AssertionError) as caught:
        remove_background(page, photo, "image/png", "cup.png", {"engine": ENGINE, **options})
    return str(caught.value)


def test_defaults_are_the_cutout_itself(page: ChromiumPage, photo_bytes: bytes) -> None:
    cutout, file, mime = remove(page, photo_bytes)
    assert mime == "image/png" and file.format == "PNG" and file.size == (240, 160)
    assert np.array_equal(np.asarray(file.convert("RGBA")), cutout)


def test_crop_to_the_subject_with_a_margin(page: ChromiumPage, photo_bytes: bytes) -> None:
    cutout, file, _ = remove(page, photo_bytes, crop="subject", margin=0.1)
    box = box_of(cutout[:, :, 3])
    grow = framing.round_half_up(0.1 * max(box[2] - box[0], box[3] - box[1]))
    assert file.size == (box[2] - box[0] + 2 * grow, box[3] - box[1] + 2 * grow)
    # Drawn 1:1: the cutout's pixels shifted by the frame, transparent beyond the photo.
    frame = np.zeros((file.size[1], file.size[0], 4), int)
    left, top = box[0] - grow, box[1] - grow
    for y in range(file.size[1]):
        sy = y + top
        if 0 <= sy < 160:
            for_x = slice(max(0, -left), min(file.size[0], 240 - left))
            frame[y, for_x] = cutout[sy, for_x.start + left:for_x.stop + left]
    ours = np.asarray(file.convert("RGBA")).astype(int)
    assert np.array_equal(ours[:, :, 3], frame[:, :, 3])
    opaque = frame[:, :, 3] == 255
    assert opaque.sum() > 100 and np.array_equal(ours[opaque], frame[opaque])


def test_size_bottom_white_stands_the_subject_on_the_floor(page: ChromiumPage,
                                                           photo_bytes: bytes) -> None:
    options = {"crop": "subject", "margin": 0.05, "size": [300, 300], "position": "bottom"}
    cutout, file, _ = remove(page, photo_bytes, background="white", **options)
    _, mask, _ = remove(page, photo_bytes, output="mask", **options)
    assert file.size == (300, 300) and mask.size == (300, 300) and mask.mode == "L"
    rgba = np.asarray(file.convert("RGBA")).astype(int)
    assert (rgba[:, :, 3] == 255).all()
    box = box_of(cutout[:, :, 3])
    frame = framing.frame(240, 160, box, framing.CROP_SUBJECT, 0.05, [300, 300], framing.POSITION_BOTTOM)
    scale = frame.rect[2] / 240
    grow = framing.round_half_up(0.05 * max(box[2] - box[0], box[3] - box[1]))
    placed = box_of(np.asarray(mask) > 0)
    # The subject's lowest pixel one margin above the bottom edge, centred across (resampling
    # may spread the edge by a pixel).
    assert abs(placed[3] - (300 - grow * scale)) <= 1.5, placed
    assert abs((placed[0] + placed[2]) / 2 - 150) <= 1.5, placed
    # Away from the subject (2 px beyond the mask, where resampling cannot reach) the
    # download is the white background.
    empty = np.asarray(mask) == 0
    for dy in range(-2, 3):
        for dx in range(-2, 3):
            empty = empty & np.roll(np.roll(np.asarray(mask) == 0, dy, 0), dx, 1)
    assert empty.sum() > 1000 and (rgba[empty][:, :3] == 255).all()


def test_mask_alone_at_the_photo_size(page: ChromiumPage, photo_bytes: bytes) -> None:
    cutout, mask, mime = remove(page, photo_bytes, output="mask", background="black", format="jpeg")
    # The mask ignores background and format: an 8-bit greyscale PNG of the alpha.
    assert mime == "image/png" and mask.format == "PNG" and mask.mode == "L"
    assert mask.size == (240, 160)
    assert np.array_equal(np.asarray(mask).astype(int), cutout[:, :, 3])


def test_formats_quality_and_backgrounds(page: ChromiumPage, photo_bytes: bytes) -> None:
    cutout, jpeg, mime = remove(page, photo_bytes, format="jpeg", quality=0.5, background="#00ff00")
    assert mime == "image/jpeg" and jpeg.format == "JPEG" and jpeg.size == (240, 160)
    clear = cutout[:, :, 3] == 0
    assert clear.sum() > 500
    green = np.asarray(jpeg.convert("RGB")).astype(int)[clear]
    assert np.median(green[:, 1]) > 240 and np.median(green[:, 0]) < 15
    _, best, _ = remove(page, photo_bytes, format="jpeg", quality=1.0, background="#00ff00")
    assert best.info["bytes"] > jpeg.info["bytes"]
    _, webp, mime = remove(page, photo_bytes, format="webp")
    assert mime == "image/webp" and webp.format == "WEBP" and webp.mode == "RGBA"
    _, blurred, _ = remove(page, photo_bytes, background="blur", crop="subject", margin=0)
    assert (np.asarray(blurred.convert("RGBA"))[:, :, 3] == 255).all()


@pytest.mark.parametrize("options,words", [
    ({"crop": "square"}, "crop"), ({"crop": "subject", "margin": 3}, "margin"),
    ({"size": [0, 100]}, "size"), ({"size": 400}, "size"), ({"position": "top"}, "position"),
    ({"output": "outline"}, "output"), ({"format": "gif"}, "gif"), ({"background": "#12"}, "#12"),
])
def test_bad_options_reject_with_the_catalogue_words(page: ChromiumPage, photo_bytes: bytes,
                                                     options: dict[str, Any], words: str) -> None:
    text = rejection(page, photo_bytes, options)
    assert errors.CATALOGUE[errors.BAD_OUTPUT_OPTION] in text and words in text, text


def test_framed_png_in_bands_equals_one_canvas(page: ChromiumPage, photo_bytes: bytes) -> None:
    options = {"crop": "subject", "margin": 0.2, "background": "#123456"}
    _, whole, _ = remove(page, photo_bytes, **options)
    run_async(page, "window.backgrone.setCanvasLimit(1000, 2000);")
    try:
        _, banded, _ = remove(page, photo_bytes, **options)
    finally:
        run_async(page, "window.backgrone.setCanvasLimit(16777216, 1048576);")
    assert banded.size == whole.size and banded.size[0] * banded.size[1] > 1000
    assert np.array_equal(np.asarray(banded.convert("RGBA")), np.asarray(whole.convert("RGBA")))


def test_zip_takes_the_shop_framing(page: ChromiumPage, tmp_path: Path) -> None:
    page.execute("document.querySelector('[data-settings]').open = true")
    radio = WebDriverWait(page.driver, 60).until(
        lambda d: d.find_element(By.CSS_SELECTOR, f'input[name=engine][value="{ENGINE}"]'))
    page.execute("arguments[0].click()", radio)
    Select(page.driver.find_element(By.CSS_SELECTOR, "[data-framing]")).select_by_value("shop")
    summary = page.driver.find_element(By.CSS_SELECTOR, "[data-settings-summary]").text
    assert "white, 2000 \u00d7 2000 on the floor" in summary, summary
    assert page.driver.find_element(By.CSS_SELECTOR, "input[name=background][value=white]").is_selected()
    before = len(page.driver.find_elements(By.CSS_SELECTOR, "[data-job]"))
    paths = []
    for name, image in [("cup.jpg", photos.coffee()), ("astronaut.jpg", photos.astronaut())]:
        paths.append(str(photos.save(image.resize((image.width // 3, image.height // 3)), tmp_path, name)))
    page.driver.find_element(By.CSS_SELECTOR, "[data-images]").send_keys("\n".join(paths))
    jobs = wait_for_jobs(page, before + 2)
    assert all(job["state"] == "done" for job in jobs), jobs
    found = run_async(page, """
        const blob = await window.backgrone.downloadAll();
        const data = new Uint8Array(await blob.arrayBuffer());
        let text = '';
        for (let i = 0; i < data.length; i += 32768) {
          text += String.fromCharCode(...data.subarray(i, i + 32768));
        }
        return btoa(text);""")
    archive = zipfile.ZipFile(io.BytesIO(base64.b64decode(found)))
    names = archive.namelist()
    assert "cup-nobg.png" in names and "astronaut-nobg.png" in names, names
    for name in ["cup-nobg.png", "astronaut-nobg.png"]:
        image = Image.open(io.BytesIO(archive.read(name))).convert("RGBA")
        assert image.size == (2000, 2000)
        rgba = np.asarray(image)
        # White all round (the frame's margin), opaque everywhere, a subject in the middle.
        assert (rgba[:, :, 3] == 255).all()
        assert (rgba[0] == 255).all() and (rgba[-1] == 255).all()
        assert (rgba[:, :, :3] < 200).any()
    # The stage's download and the job's link name follow the settings too.
    WebDriverWait(page.driver, 60).until(lambda d: d.execute_script(
        "return [...document.querySelectorAll('[data-job] a[data-action=download]')]"
        ".every(a => a.dataset.ready === 'true')"))


def test_custom_frame_fields_set_the_summary(page: ChromiumPage) -> None:
    page.execute("document.querySelector('[data-settings]').open = true")
    Select(page.driver.find_element(By.CSS_SELECTOR, "[data-framing]")).select_by_value("custom")
    custom = page.driver.find_element(By.CSS_SELECTOR, "[data-frame-custom]")
    assert custom.is_displayed()
    page.execute("""
        const margin = document.querySelector('[data-margin]');
        margin.value = '10';
        margin.dispatchEvent(new Event('input', {bubbles: true}));""")
    Select(page.driver.find_element(By.CSS_SELECTOR, "[data-frame-size]")).select_by_value("1080x1350")
    Select(page.driver.find_element(By.CSS_SELECTOR, "[data-position]")).select_by_value("bottom")
    summary = page.driver.find_element(By.CSS_SELECTOR, "[data-settings-summary]").text
    assert summary.endswith("cropped, margin 10 %, 1080 \u00d7 1350 on the floor"), summary
    assert page.driver.find_element(By.CSS_SELECTOR, "[data-margin-value]").text == "10 %"
    Select(page.driver.find_element(By.CSS_SELECTOR, "[data-framing]")).select_by_value("original")
    assert not custom.is_displayed()
    assert "margin" not in page.driver.find_element(By.CSS_SELECTOR, "[data-settings-summary]").text
