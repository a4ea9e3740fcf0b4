"""HEIC/HEIF photos (an iPhone's default) in Chromium, Firefox and WebKitGTK, none of which
decodes them itself here (Safari does; WebKitGTK 2.50 refuses them in createImageBitmap and
<img> alike): libheif's WebAssembly build is fetched on the first HEIC photo and never before, the
cutout agrees with the same photo's JPEG, orientation and size are the photo's, a damaged HEIC
fails on its own, and once fetched the decoder works offline (kept by the service worker).

The tests run in order and build on each other's state, as one user's visits do.
"""
from __future__ import annotations

import functools
import io
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from backgrone.core import errors
from support import drivers, heic, metrics, photos
from support.browser import (
    Page, fetch_bytes, png_from, ready, reload, remove_background, wait_for_jobs, wait_until_isolated,
)
from support.server import Server

pytestmark = pytest.mark.e2e

ENGINES = ("chromium", "firefox", "webkit")
OPTIONS = {"engine": "lightweight", "refine": False}
# A HEIC and a JPEG of one photo decode to slightly different pixels (two lossy codecs): the
# masks must still agree this well.
MIN_IOU = 0.97
DECODER = ("/heic/heic.js", "/heic/libheif.wasm")


@pytest.fixture(scope="module", params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture(scope="module")
def host(engine: str, site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = Server(tmp_path_factory.mktemp(engine + "-heic-host") / "requests.log")
    yield running
    if running.process.poll() is None:
        running.stop()


@pytest.fixture(scope="module")
def page(engine: str, host: Server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    with drivers.opened(engine, tmp_path_factory.mktemp(engine + "-heic"), host.url) as browser:
        yield browser


@functools.cache
def photo() -> Image.Image:
    return photos.astronaut()


def decoder_requests(host: Server) -> list[str]:
    return [line for line in host.requests() if any(path in line for path in DECODER)]


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def alpha(png: bytes) -> np.ndarray:
    image = png_from(png)
    assert image.mode == "RGBA"
    return np.asarray(image)[:, :, 3]


def cut_out(page: Page, data: bytes, type_: str, name: str) -> np.ndarray:
    result = remove_background(page, data, type_, name, OPTIONS)
    mask = alpha(result["png"])
    assert (result["width"], result["height"]) == (mask.shape[1], mask.shape[0])
    return mask


@functools.cache
def jpeg_cutout(page: Page) -> np.ndarray:
    return cut_out(page, heic.jpeg_bytes(photo()), "image/jpeg", "astronaut.jpg")


def assert_agrees(ours: np.ndarray, theirs: np.ndarray) -> None:
    assert ours.shape == theirs.shape
    iou = metrics.iou(ours, theirs)
    print(f"HEIC against JPEG: IoU {iou:.4f}")
    assert iou >= MIN_IOU
    # A cutout, not a copy: background gone, subject kept.
    assert (ours == 0).mean() > 0.05 and (ours == 255).mean() > 0.05


def test_a_jpeg_visit_fetches_no_decoder_and_a_huge_heic_is_refused_from_its_header(
        page: Page, host: Server) -> None:
    assert jpeg_cutout(page).shape == (512, 512)
    # 108 MP by its ispe box, and nothing behind the header: refused before any decoder.
    with pytest.raises(AssertionError) as refused:
        remove_background(page, heic.header_only(12000, 9000), "image/heic", "huge.heic", OPTIONS)
    assert errors.CATALOGUE[errors.TOO_LARGE] in str(refused.value)
    assert "12000\u00d79000 = 108" in str(refused.value)
    assert decoder_requests(host) == []


def test_heic_through_the_api_agrees_with_the_jpeg(page: Page, host: Server) -> None:
    ours = cut_out(page, heic.heic_bytes(photo()), "image/heic", "astronaut.heic")
    assert_agrees(ours, jpeg_cutout(page))
    # None of these engines decodes HEIC itself: the decoder was fetched, each file once.
    fetched = decoder_requests(host)
    assert [path for path in DECODER if any(path in line for line in fetched)] == list(DECODER)
    assert len(fetched) == len(DECODER)


def test_file_input_turned_heic_and_a_damaged_one_beside_it(page: Page, tmp_path: Path) -> None:
    wide = photo().resize((384, 256))
    files = {
        # Stored 384x256, shown a quarter turn clockwise (irot): 256x384, like the JPEG.
        "turned.heic": heic.heic_bytes(wide, heic.TURNED),
        "turned.jpg": heic.jpeg_bytes(wide, heic.TURNED),
        "cut.heic": heic.heic_bytes(wide)[:3000],
        "after.png": png_bytes(photos.coffee()),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    # The API's jobs are in the queue too: wait for these on top of them.
    queued = page.execute("return document.querySelectorAll('[data-job]').length;")
    page.upload("input[type=file]", [tmp_path / name for name in files])
    jobs = {job["name"]: job for job in wait_for_jobs(page, queued + len(files), 900)}
    for name in ("turned.heic", "turned.jpg", "after.png"):
        assert jobs[name]["state"] == "done", (name, jobs[name]["alert"])
    assert jobs["cut.heic"]["state"] == "failed"
    assert errors.CATALOGUE[errors.HEIC_DAMAGED] in jobs["cut.heic"]["alert"]
    turned = alpha(fetch_bytes(page, jobs["turned.heic"]["href"]))
    assert turned.shape == (384, 256)
    assert_agrees(turned, alpha(fetch_bytes(page, jobs["turned.jpg"]["href"])))


def test_once_fetched_the_decoder_works_offline(page: Page, host: Server) -> None:
    # A reload puts the page (and its new worker) under the service worker, which keeps the
    # decoder's files on the first HEIC from then on.
    reload(page)
    wait_until_isolated(page)
    ready(page)
    cut_out(page, heic.heic_bytes(photo()), "image/heic", "first.heic")
    host.stop()
    reload(page)
    ready(page)
    ours = cut_out(page, heic.heic_bytes(photo()), "image/heic", "offline.heic")
    assert_agrees(ours, jpeg_cutout(page))
