"""Full-size work in bands of rows (worker/strips.py's arithmetic, under CPython): the PNG
writer of core/png against zlib and Pillow, and banded refinement and alpha against the
whole photo at once, bit for bit."""
from __future__ import annotations

import io
import zlib
from array import array

import numpy as np
import pytest
from PIL import Image

from backgrone.core import png, refine
from backgrone.core.mask import apply_alpha, apply_alpha_rows
from backgrone.core.refine_planes import PLANES, Planes


def photo(width: int, height: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    rgba = rng.integers(0, 256, (height, width, 4), dtype=np.uint8)
    rgba[:, : width // 2, :3] //= 3  # an edge for the fit to find
    rgba[1::2, :, 3] = 255
    return rgba


def mask(side: int, seed: int) -> bytearray:
    rng = np.random.default_rng(seed)
    values = rng.integers(0, 256, (side, side)).astype(np.uint8)
    values[: side // 3] = 255
    values[-(side // 4):] = 0
    return bytearray(values.tobytes())


def stream_png(rgba: np.ndarray, band: int) -> bytes:
    """A PNG as worker/strips.py's StreamPng writes it, with zlib in fflate's place: filtered
    bands into one compressor, each piece of output its own IDAT chunk."""
    height, width = rgba.shape[:2]
    out = bytearray(png.header(width, height))
    compressor = zlib.compressobj(6)

    def idat(data: bytes) -> None:
        if data:
            out.extend(png.chunk_head("IDAT", len(data)))
            out.extend(data)
            out.extend(png.chunk_crc("IDAT", data, len(data)))

    for top in range(0, height, band):
        rows = min(band, height - top)
        lines = bytearray(png.filtered_length(width, rows))
        png.filter_rows(rgba[top:top + rows].tobytes(), width, rows, lines)
        idat(compressor.compress(bytes(lines)))
    idat(compressor.flush())
    out.extend(png.trailer())
    return bytes(out)


def test_crc32_is_zlibs() -> None:
    data = bytes(range(256)) * 3 + b"IDAT\xff\x00"
    assert png.crc32(0, data, 0, len(data)) == zlib.crc32(data)
    # Continued over pieces, as chunk_crc does with a chunk's type and then its data.
    assert png.crc32(png.crc32(0, data, 0, 100), data, 100, len(data)) == zlib.crc32(data)
    assert png.crc32(0, b"", 0, 0) == 0


@pytest.mark.parametrize(("width", "height", "band"), [(37, 23, 5), (1, 9, 2), (64, 3, 64), (5, 1, 1)])
def test_stream_png_decodes_to_the_pixels(width: int, height: int, band: int) -> None:
    rgba = photo(width, height, width + height)
    data = stream_png(rgba, band)
    image = Image.open(io.BytesIO(data))
    assert (image.format, image.mode, image.size) == ("PNG", "RGBA", (width, height))
    assert np.array_equal(np.asarray(image), rgba)
    # Every chunk's CRC is right (Pillow checks them only when asked to).
    position = 8
    while position < len(data):
        length = int.from_bytes(data[position:position + 4], "big")
        body = data[position + 4:position + 8 + length]
        assert int.from_bytes(data[position + 8 + length:position + 12 + length], "big") == zlib.crc32(body)
        position += 12 + length
    assert position == len(data) and data[-8:-4] == b"IEND"


def run_banded(rgba: np.ndarray, alpha8: bytearray, side: int, work_side: int, band: int) -> bytes:
    """core/refine a band of rows at a time, as the worker runs it."""
    height, width = rgba.shape[:2]
    plan = refine.RefinePlan(width, height, side, work_side)
    planes = Planes([array("f", bytes(4 * plan.count)) for _ in range(PLANES)])
    line = array("d", bytes(8 * plan.line_length))
    for top in range(0, height, band):
        rows = min(band, height - top)
        refine.add_guide_rows(rgba[top:top + rows].tobytes(), top, rows, plan, planes, line)
    refine.fit(alpha8, plan, planes, line)
    out = bytearray()
    for top in range(0, height, band):
        rows = min(band, height - top)
        pixels = bytearray(rgba[top:top + rows].tobytes())
        refine.write_rows(pixels, top, rows, plan, planes, line)
        out.extend(pixels)
    return bytes(out)


@pytest.mark.parametrize(("width", "height", "side", "work_side", "band"), [
    (40, 30, 16, 12, 7),      # step 4: bands cut through rows of blocks
    (23, 17, 9, 1024, 1),     # step 1, one row a band
    (31, 45, 8, 7, 13),       # step 7, a short last band
    (90, 70, 24, 1024, 70),   # one band: the whole photo
])
def test_banded_refinement_is_the_whole_photos(width: int, height: int, side: int, work_side: int,
                                               band: int) -> None:
    rgba = photo(width, height, width * height)
    alpha8 = mask(side, side)
    plan = refine.RefinePlan(width, height, side, work_side)
    whole = bytearray(rgba.tobytes())
    refine.refine(alpha8, whole, plan, [array("f", bytes(4 * plan.count)) for _ in range(PLANES)],
                  array("d", bytes(8 * plan.line_length)))
    assert run_banded(rgba, alpha8, side, work_side, band) == bytes(whole)
    assert bytes(whole) != rgba.tobytes()  # refinement changed something to compare


def test_banded_alpha_is_the_whole_photos() -> None:
    width, height, side = 29, 31, 9
    rgba = photo(width, height, 5)
    alpha8 = mask(side, 3)
    whole = bytearray(rgba.tobytes())
    line = array("d", bytes(8 * width))
    apply_alpha(alpha8, side, side, whole, width, height, line)
    banded = bytearray()
    for top in range(0, height, 4):
        rows = min(4, height - top)
        pixels = bytearray(rgba[top:top + rows].tobytes())
        apply_alpha_rows(alpha8, side, side, pixels, width, height, top, rows, line)
        banded.extend(pixels)
    assert bytes(banded) == bytes(whole)


def test_a_canvas_trip_through_its_table_changes_colour_only() -> None:
    """png.through_table: each colour byte looked up by (its alpha, its value); alpha kept."""
    table = [0] * 65536
    for alpha in range(256):
        for value in range(256):
            # Premultiplied to 8 bits and back, as a canvas might round it.
            stored = round(value * alpha / 255)
            table[alpha * 256 + value] = min(255, round(stored * 255 / alpha)) if alpha else 0
    rgba = bytearray([200, 100, 7, 255, 200, 100, 7, 3, 9, 9, 9, 0])
    png.through_table(rgba, 3, table)
    assert list(rgba) == [200, 100, 7, 255, 170, 85, 0, 3, 0, 0, 0, 0]


@pytest.mark.parametrize("band", [1, 5, 64])
def test_alpha_rows_make_the_greyscale_mask_png(band: int) -> None:
    rgba = photo(37, 23, 4)
    height, width = rgba.shape[:2]
    out = bytearray(png.header(width, height, png.GREY))
    compressor = zlib.compressobj(6)
    body = bytearray()
    for top in range(0, height, band):
        rows = min(band, height - top)
        lines = bytearray(png.grey_length(width, rows))
        png.filter_alpha_rows(rgba[top:top + rows].tobytes(), width, rows, lines)
        body.extend(compressor.compress(bytes(lines)))
    body.extend(compressor.flush())
    out.extend(png.chunk_head("IDAT", len(body)))
    out.extend(body)
    out.extend(png.chunk_crc("IDAT", body, len(body)))
    out.extend(png.trailer())
    image = Image.open(io.BytesIO(bytes(out)))
    assert image.mode == "L" and image.size == (width, height)
    assert np.array_equal(np.asarray(image), rgba[:, :, 3])
