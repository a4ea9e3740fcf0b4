"""Full-size pixels a band of rows at a time, so that no canvas or buffer but the decoded
bitmap holds the whole photo: a band canvas the photo is drawn into, and the PNG either from
one output canvas (small photos: the browser's encoder is the fastest) or written as a stream
of bands (core/png, fflate's zlib) above a size one canvas cannot take."""
# __pragma__('skip')
from typing import Any
from backgrone.jsglobals import Blob, OffscreenCanvas, Uint8Array, __new__, __pragma__
# __pragma__('noskip')
import math

from backgrone.core import png
from backgrone.web import context_2d

# A band is this many pixels (4 MB of RGBA; 131 rows of an 8000-pixel-wide photo): small beside
# the decoded bitmap (4 bytes a pixel), large enough that the per-band calls (draw, read, write,
# deflate) cost nothing measurable.
BAND_PIXELS = 1048576
# Above this many pixels the PNG is written as a stream: Safari refuses canvases over 16,777,216
# pixels, and one output canvas (4 bytes a pixel, plus the encoder's copies) is what outgrew a
# phone's memory.
ONE_CANVAS_PIXELS = 16777216
# fflate's level. Measured on a 24 MP cutout (Node, busy 2-core machine): level 2 deflates in
# 7.5 s to 15.9 MB, level 1 as fast to 16.2 MB, level 4 in 9.9 s, level 6 (zlib's default) in
# 14.9 s to 14.6 MB; Chromium's own encoder wrote 16 MB.
DEFLATE_LEVEL = 2


def band_rows(width: int, height: int, band_pixels: int) -> int:
    rows = math.floor(band_pixels / width)
    if rows < 1:
        return 1
    if rows > height:
        return height
    return rows


class Bands:
    """The photo's rows, drawn a band at a time from the decoded bitmap into one band canvas."""

    def __init__(self, bitmap: Any, band_pixels: int) -> None:
        self.bitmap = bitmap
        self.width = bitmap.width
        self.height = bitmap.height
        self.rows = band_rows(self.width, self.height, band_pixels)
        self.canvas = __new__(OffscreenCanvas(self.width, self.rows))
        self.context = context_2d(self.canvas)

    def count(self, top: int) -> int:
        """Rows in the band starting at `top` (the last one may be short)."""
        return self.rows if top + self.rows <= self.height else self.height - top

    def read(self, top: int) -> Any:
        """ImageData of the band starting at `top`, as the whole photo drawn on one canvas
        would give it."""
        rows = self.count(top)
        self.context.clearRect(0, 0, self.width, self.rows)
        # Only the band's rows of the bitmap, copied 1:1 (integer rectangles: no resampling).
        self.context.drawImage(self.bitmap, 0, top, self.width, rows, 0, 0, self.width, rows)
        return self.context.getImageData(0, 0, self.width, rows)

    def stored(self, pixels: Any) -> Any:
        """The band's bytes after a trip through a canvas (premultiplied alpha there): the bytes
        the browser's encoder would see had the band been put on one output canvas."""
        self.context.putImageData(pixels, 0, 0)
        return self.context.getImageData(0, 0, self.width, pixels.height).data


class CanvasPng:
    """The photo's bands put on one output canvas; the browser encodes it."""

    def __init__(self, width: int, height: int) -> None:
        self.canvas = __new__(OffscreenCanvas(width, height))
        self.context = context_2d(self.canvas)

    def usable(self) -> bool:
        """False where the browser will not make a canvas this large."""
        return bool(self.context)

    def add(self, bands: Bands, pixels: Any, top: int) -> None:
        self.context.putImageData(pixels, 0, top)

    async def finish(self) -> Any:
        __pragma__("jsiter")
        options = {"type": "image/png"}
        __pragma__("nojsiter")
        return await self.canvas.convertToBlob(options)


class StreamPng:
    """The PNG written band by band: filtered rows into fflate's zlib stream, each piece of
    compressed output its own IDAT chunk, the parts joined in a Blob at the end. RGBA, or
    (colour_type png.GREY) the bands' alpha alone: the mask."""

    def __init__(self, zlib: Any, width: int, height: int, colour_type: int = png.RGBA) -> None:
        self.width = width
        self.grey = colour_type == png.GREY
        self.parts = [__new__(Uint8Array(png.header(width, height, colour_type)))]
        self.filtered: Any = None
        __pragma__("jsiter")
        options = {"level": DEFLATE_LEVEL}
        __pragma__("nojsiter")
        self.stream = __new__(zlib(options, self.on_data))

    def on_data(self, data: Any, final: bool) -> None:
        if data.length == 0:
            return
        self.parts.append(__new__(Uint8Array(png.chunk_head("IDAT", data.length))))
        self.parts.append(data)
        self.parts.append(__new__(Uint8Array(png.chunk_crc("IDAT", data, data.length))))

    def add(self, bands: Any, pixels: Any, top: int) -> None:
        """`bands`: what stores a band as a canvas would (Bands, or worker/framer's)."""
        rows = pixels.height
        length = png.grey_length(self.width, rows) if self.grey else png.filtered_length(self.width, rows)
        if not self.filtered or self.filtered.length < length:
            self.filtered = __new__(Uint8Array(length))
        lines = self.filtered.subarray(0, length)
        if self.grey:
            # Alpha is stored as it is (premultiplying changes only the colours).
            png.filter_alpha_rows(pixels.data, self.width, rows, lines)
        else:
            png.filter_rows(bands.stored(pixels), self.width, rows, lines)
        # fflate copies what it is given: the buffer is free for the next band on return.
        self.stream.push(lines, False)

    async def finish(self) -> Any:
        self.stream.push(__new__(Uint8Array(0)), True)
        self.parts.append(__new__(Uint8Array(png.trailer())))
        __pragma__("jsiter")
        options = {"type": "image/png"}
        __pragma__("nojsiter")
        return __new__(Blob(self.parts, options))


def png_writer(zlib: Any, width: int, height: int, limit: int) -> Any:
    """One output canvas up to `limit` pixels (where the browser makes it), else a stream."""
    if width * height <= limit:
        writer = CanvasPng(width, height)
        if writer.usable():
            return writer
    return StreamPng(zlib, width, height)
