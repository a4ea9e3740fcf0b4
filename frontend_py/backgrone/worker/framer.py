"""One download drawn in its frame (core/framing): the subject's box read a band of rows at a
time, then the output painted (background, then the whole cutout at the frame's rect) on one
canvas, or band by band into a streamed PNG when the output is larger than one canvas may be,
and always for the mask (an 8-bit greyscale PNG, which no canvas encoder writes). So a 48 MP
photo never needs a second full-size canvas beside its decoded cutout."""
# __pragma__('skip')
from typing import Any, Callable, List
from backgrone.jsglobals import OffscreenCanvas, __new__, __pragma__
# __pragma__('noskip')

from backgrone.core import framing, png
from backgrone.web import context_2d
from backgrone.worker.strips import StreamPng, band_rows

# __pragma__('skip')
PaintFn = Callable[[Any, int, int, List[int]], None]  # a type alias: mypy only
# __pragma__('noskip')


def subject_box(subject: Any, band_pixels: int) -> List[int]:
    """The visible subject's [left, top, right, bottom) in the cutout (a bitmap or a canvas)."""
    width = subject.width
    height = subject.height
    rows = band_rows(width, height, band_pixels)
    context = context_2d(__new__(OffscreenCanvas(width, rows)))
    box = framing.empty_box(width, height)
    top = 0
    while top < height:
        count = rows if top + rows <= height else height - top
        context.clearRect(0, 0, width, rows)
        context.drawImage(subject, 0, top, width, count, 0, 0, width, count)
        pixels = context.getImageData(0, 0, width, count)
        framing.grow_box(box, pixels.data, width, count, top, 4, 3)
        top += count
    return box


def frame_of(subject: Any, message: Any, band_pixels: int) -> framing.Frame:
    """The frame the request asks for; the box is read only when the frame needs it."""
    width = subject.width
    height = subject.height
    crop = message["crop"]
    position = message["position"]
    box = framing.empty_box(width, height)
    if crop == framing.CROP_SUBJECT or position == framing.POSITION_BOTTOM:
        box = subject_box(subject, band_pixels)
    return framing.frame(width, height, box, crop, message["margin"], message["size"], position)


def draw(context: Any, subject: Any, frame: framing.Frame, paint: PaintFn) -> None:
    """The background, then the cutout at the frame's rect, in output coordinates."""
    paint(context, frame.width, frame.height, frame.rect)
    rect = frame.rect
    if rect[2] == subject.width and rect[3] == subject.height:
        context.drawImage(subject, rect[0], rect[1])  # 1:1, no resampling
    else:
        context.imageSmoothingQuality = "high"
        context.drawImage(subject, rect[0], rect[1], rect[2], rect[3])


class PaintedBands:
    """For StreamPng: the bands come from a canvas already, so they are stored as they are."""

    def stored(self, pixels: Any) -> Any:
        return pixels.data


async def banded(zlib: Any, subject: Any, frame: framing.Frame, paint: PaintFn,
                 colour_type: int, band_pixels: int) -> Any:
    """The output as a PNG streamed band by band (RGBA, or the alpha alone as greyscale)."""
    width = frame.width
    height = frame.height
    rows = band_rows(width, height, band_pixels)
    context = context_2d(__new__(OffscreenCanvas(width, rows)))
    writer = StreamPng(zlib, width, height, colour_type)
    bands = PaintedBands()
    top = 0
    while top < height:
        count = rows if top + rows <= height else height - top
        context.setTransform(1, 0, 0, 1, 0, 0)
        context.clearRect(0, 0, width, rows)
        # The whole output drawn shifted up: only this band's rows land on the canvas.
        context.setTransform(1, 0, 0, 1, 0, -top)
        draw(context, subject, frame, paint)
        context.setTransform(1, 0, 0, 1, 0, 0)
        writer.add(bands, context.getImageData(0, 0, width, count), top)
        top += count
    return await writer.finish()


async def one_canvas(subject: Any, frame: framing.Frame, paint: PaintFn, mime: str,
                     quality: float) -> Any:
    canvas = __new__(OffscreenCanvas(frame.width, frame.height))
    draw(canvas.getContext("2d"), subject, frame, paint)
    __pragma__("jsiter")
    options: Any = {"type": mime}
    __pragma__("nojsiter")
    if quality >= 0:
        options.quality = quality
    return await canvas.convertToBlob(options)


def no_background(context: Any, width: int, height: int, rect: List[int]) -> None:
    return


async def framed(zlib: Any, subject: Any, message: Any, paint: Any, limit: int,
                 band_pixels: int) -> Any:
    """The download's Blob. `paint` is the background's prepared painter (worker/painters)
    or None for the mask; `limit`: the most pixels one output canvas may have (PNG only:
    the browser's JPEG and WebP encoders need the one canvas whatever its size)."""
    frame = frame_of(subject, message, band_pixels)
    if message["mask"]:
        return await banded(zlib, subject, frame, no_background, png.GREY, band_pixels)
    if message["mime"] == "image/png" and frame.width * frame.height > limit:
        return await banded(zlib, subject, frame, paint, png.RGBA, band_pixels)
    return await one_canvas(subject, frame, paint, message["mime"], message["quality"])
