"""Big photos in bands (worker/strips.py) in Chromium: with the canvas limit lowered through the
page's test hook, a small photo takes the path of a photo too large for one canvas (bands of
rows, the PNG written as a stream) and its cutout is the one-canvas path's, pixel for pixel."""
from __future__ import annotations

import io
import zlib
from collections.abc import Iterator

import numpy as np
import pytest

from support import photos
from support.browser import Page, png_from, remove_background

pytestmark = pytest.mark.e2e

# The app's own values (worker/strips.py): one canvas up to Safari's limit, 4 MB bands.
ONE_CANVAS_PIXELS = 16777216
BAND_PIXELS = 1048576
SET_LIMIT = "window.backgrone.setCanvasLimit(args[0], args[1]); return true;"


@pytest.fixture(scope="module")
def photo_png() -> bytes:
    """The coffee photo with an alpha channel of its own (a transparent corner and a ramp), so
    that premultiplied alpha in a canvas is part of what the two paths must agree on."""
    rgba = np.asarray(photos.coffee().convert("RGBA")).copy()
    rgba[:80, :120, 3] = 0
    rgba[300:, :, 3] = np.linspace(255, 20, rgba.shape[1]).astype(np.uint8)[None]
    buffer = io.BytesIO()
    from PIL import Image

    Image.fromarray(rgba).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture()
def limits(page: Page) -> Iterator[Page]:
    yield page
    page.run_async(SET_LIMIT, ONE_CANVAS_PIXELS, BAND_PIXELS)


def chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    found = []
    position = 8
    while position < len(data):
        length = int.from_bytes(data[position:position + 4], "big")
        found.append((data[position + 4:position + 8], data[position + 8:position + 8 + length]))
        position += 12 + length
    return found


@pytest.mark.parametrize("refine", [True, False])
def test_stream_path_gives_the_one_canvas_pixels(limits: Page, photo_png: bytes,
                                                 refine: bool) -> None:
    options = {"engine": "lightweight", "refine": refine}
    limits.run_async(SET_LIMIT, ONE_CANVAS_PIXELS, BAND_PIXELS)
    one = remove_background(limits, photo_png, "image/png", "cup.png", options)
    # 600 x 400 = 240,000 pixels: over a limit of 100,000, in bands of 37 rows (the last short).
    limits.run_async(SET_LIMIT, 100000, 600 * 37)
    streamed = remove_background(limits, photo_png, "image/png", "cup.png", options)
    assert streamed["png"] != one["png"]  # another encoder wrote it
    kinds = [kind for kind, _ in chunks(streamed["png"])]
    assert kinds[0] == b"IHDR" and kinds[-1] == b"IEND" and b"IDAT" in kinds
    # Every scanline carries the stream writer's own filter (Sub), not the browser's choice.
    raw = zlib.decompress(b"".join(body for kind, body in chunks(streamed["png"]) if kind == b"IDAT"))
    assert len(raw) == 400 * (1 + 4 * 600) and all(raw[row * 2401] == 1 for row in range(400))
    a = np.asarray(png_from(one["png"]).convert("RGBA"))
    b = np.asarray(png_from(streamed["png"]).convert("RGBA"))
    assert a.shape == b.shape == (400, 600, 4)
    assert np.array_equal(a, b)
    alpha = a[..., 3]
    assert (alpha == 0).any() and (alpha == 255).any() and ((alpha > 0) & (alpha < 255)).sum() > 1000
    for stage in ("postprocess", "encode"):
        assert streamed["timings"][stage] > 0, stage
