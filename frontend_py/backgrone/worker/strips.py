"""Full-size pixels a band of rows at a time, so that no canvas or buffer but the decoded
bitmap holds the whole photo: a band canvas the photo is drawn into, and the PNG either from
one output canvas (small photos: the browser's encoder is the fastest) or written as a stream
of bands (core/png, fflate's zlib) above a size one canvas cannot take."""
# __pragma__('skip')
from typing import Any
from backgrone.jsglobals import (
    Blob, ImageData, OffscreenCanvas, Uint8Array, Uint8ClampedArray, VideoFrame, __new__, __pragma__,
    __typeof__,
)
# __pragma__('noskip')
import math

from backgrone.core import png
from backgrone.core.errors import AnyError
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
# The streamed PNG's compressed parts are handed to the browser as a Blob every this many bytes.
PART_BYTES = 8388608


def band_rows(width: int, height: int, band_pixels: int) -> int:
    rows = math.floor(band_pixels / width)
    if rows < 1:
        return 1
    if rows > height:
        return height
    return rows


class Bands:
    """The photo's rows, a band at a time, as the whole photo drawn on one canvas would give
    them. Where the browser has WebCodecs, each band is copied out of a VideoFrame of the
    bitmap into one reused buffer; else drawn into one band canvas and read back, a new
    ImageData (4 MB) per band, which the garbage collector frees late: tens of bands per pass
    at 48 MP."""

    def __init__(self, bitmap: Any, band_pixels: int) -> None:
        self.bitmap = bitmap
        self.width = bitmap.width
        self.height = bitmap.height
        self.rows = band_rows(self.width, self.height, band_pixels)
        self.canvas = __new__(OffscreenCanvas(self.width, self.rows))
        self.context = context_2d(self.canvas)
        self.frame: Any = None
        self.checked = False
        self.full: Any = None  # the reused band (ImageData over one buffer) and the last, short one
        self.short: Any = None
        # The canvas trip as a table (stored): measured on the first band, then trusted or not.
        self.table: Any = None
        self.measured = False
        self.trusted = False
        if __typeof__(VideoFrame) == "undefined":
            return
        try:
            __pragma__("jsiter")
            init = {"timestamp": 0}
            __pragma__("nojsiter")
            self.frame = __new__(VideoFrame(bitmap, init))
        except AnyError:
            self.frame = None
            return
        # Opaque frames only: with alpha, the frame's and the canvas's premultiplication differ.
        if self.frame.format != "RGBX" and self.frame.format != "BGRX":
            self.close()

    def count(self, top: int) -> int:
        """Rows in the band starting at `top` (the last one may be short)."""
        return self.rows if top + self.rows <= self.height else self.height - top

    def drawn(self, top: int) -> Any:
        """The band through the band canvas: a new ImageData."""
        rows = self.count(top)
        self.context.clearRect(0, 0, self.width, self.rows)
        # Only the band's rows of the bitmap, copied 1:1 (integer rectangles: no resampling).
        self.context.drawImage(self.bitmap, 0, top, self.width, rows, 0, 0, self.width, rows)
        return self.context.getImageData(0, 0, self.width, rows)

    async def read(self, top: int) -> Any:
        """ImageData of the band starting at `top`; with a VideoFrame, the same buffer every
        time (the caller is done with the previous band)."""
        if not self.frame:
            return self.drawn(top)
        rows = self.count(top)
        if not self.full:
            self.full = __new__(ImageData(__new__(Uint8ClampedArray(4 * self.width * self.rows)),
                                          self.width, self.rows))
        pixels = self.full
        if rows < self.rows:
            if not self.short:
                rest = self.full.data.subarray(0, 4 * self.width * rows)
                self.short = __new__(ImageData(rest, self.width, rows))
            pixels = self.short
        __pragma__("jsiter")
        options = {"rect": {"x": 0, "y": top, "width": self.width, "height": rows}, "format": "RGBA",
                   "colorSpace": "srgb"}
        __pragma__("nojsiter")
        try:
            await self.frame.copyTo(pixels.data, options)
        except AnyError:
            self.close()  # no RGBA conversion here (older WebCodecs): the canvas from now on
            return self.drawn(top)
        if not self.checked:
            # Once per photo: the frame's bytes must be the canvas's, or the canvas it is.
            self.checked = True
            drawn = self.drawn(top)
            for i in range(drawn.data.length):
                if drawn.data[i] != pixels.data[i]:
                    self.close()
                    return drawn
        return pixels

    def close(self) -> None:
        if self.frame:
            self.frame.close()
            self.frame = None

    def stored(self, pixels: Any) -> Any:
        """The band's bytes after a trip through a canvas (premultiplied alpha there): the bytes
        the browser's encoder would see had the band been put on one output canvas. Through
        the browser's own table, in place, once the first band proved it right; else a real
        trip (a new 4 MB ImageData per band)."""
        if not self.measured:
            self.measured = True
            self.table = canvas_trip_table()
            self.trusted = False
            if self.table:
                tried = __new__(Uint8ClampedArray(pixels.data))
                png.through_table(tried, self.width * pixels.height, self.table)
                real = self.round_trip(pixels)
                for i in range(real.length):
                    if real[i] != tried[i]:
                        return real  # this browser's trip is not per channel: the real one
                self.trusted = True
                pixels.data.set(real)
                return pixels.data
        if not self.trusted:
            return self.round_trip(pixels)
        png.through_table(pixels.data, self.width * pixels.height, self.table)
        return pixels.data

    def round_trip(self, pixels: Any) -> Any:
        self.context.putImageData(pixels, 0, 0)
        return self.context.getImageData(0, 0, self.width, pixels.height).data


def canvas_trip_table() -> Any:
    """table[alpha * 256 + value]: what this browser's canvas gives back for `value` stored
    with `alpha` (a 256 x 256 canvas holding every pair, read once); None without a canvas."""
    canvas = __new__(OffscreenCanvas(256, 256))
    context = context_2d(canvas)
    if not context:
        return None
    pairs = context.createImageData(256, 256)
    data = pairs.data
    for alpha in range(256):
        for value in range(256):
            at = 4 * (alpha * 256 + value)
            data[at] = value
            data[at + 1] = value
            data[at + 2] = value
            data[at + 3] = alpha
    context.putImageData(pairs, 0, 0)
    back = context.getImageData(0, 0, 256, 256).data
    table = __new__(Uint8Array(65536))
    for i in range(65536):
        if back[4 * i + 1] != back[4 * i] or back[4 * i + 2] != back[4 * i]:
            return None  # channels not alike: no one table describes the trip
        table[i] = back[4 * i]
    return table


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
    compressed output its own IDAT chunk. RGBA, or (colour_type png.GREY) the bands' alpha
    alone: the mask. The parts are folded into a Blob every PART_BYTES, so that the worker's
    heap never holds the whole compressed PNG (a Blob of Blobs copies nothing: the browser
    keeps their bytes, out of this heap)."""

    def __init__(self, zlib: Any, width: int, height: int, colour_type: int = png.RGBA) -> None:
        self.width = width
        self.grey = colour_type == png.GREY
        self.blobs: Any = []
        self.pending = 0
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
        self.pending += data.length
        if self.pending >= PART_BYTES:
            self.fold()

    def fold(self) -> None:
        self.blobs.append(__new__(Blob(self.parts)))
        self.parts = []
        self.pending = 0

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
        self.fold()
        __pragma__("jsiter")
        options = {"type": "image/png"}
        __pragma__("nojsiter")
        return __new__(Blob(self.blobs, options))


def png_writer(zlib: Any, width: int, height: int, limit: int) -> Any:
    """One output canvas up to `limit` pixels (where the browser makes it), else a stream."""
    if width * height <= limit:
        writer = CanvasPng(width, height)
        if writer.usable():
            return writer
    return StreamPng(zlib, width, height)
