"""The export worker: composes and encodes downloads, reads a cutout's alpha for the brush, and
zips many downloads into one, so that no full-size pixel loop runs on the page's thread.

It is the worker bundle started under protocol.EXPORT_WORKER (see worker_entry.py): the job
worker stays free for inference while this one works.
"""
# __pragma__('skip')
from typing import Any, Dict
from backgrone.jsglobals import (
    Blob, OffscreenCanvas, Promise, Uint8Array, Uint8ClampedArray, console, __new__, __pragma__,
)
# __pragma__('noskip')

from backgrone.core import brush, errors, protocol
from backgrone.core.errors import AppError
from backgrone.web import context_2d
from backgrone.worker import framer, painters
from backgrone.worker.strips import BAND_PIXELS, ONE_CANVAS_PIXELS
from backgrone.worker.painters import bitmap
from backgrone.worker.replies import Replier


def drawn(image: Any, width: int, height: int) -> Any:
    """The 2d context of a new width x height canvas with `image` (a bitmap, closed here) drawn
    at its origin."""
    context = context_2d(__new__(OffscreenCanvas(width, height)))
    context.drawImage(image, 0, 0)
    image.close()
    return context


class Exporter:
    def __init__(self, host: Any) -> None:
        self.scope = host.scope
        self.zip_sync = host.zip
        self.zlib = host.zlib
        # Outputs above this many pixels are PNGs streamed in bands (protocol.CANVAS_LIMIT).
        self.canvas_limit = ONE_CANVAS_PIXELS
        self.band_pixels = BAND_PIXELS
        # One request at a time: two 12 MP compositions at once would double the memory.
        self.tail = Promise.resolve()
        self.replies = Replier(self.scope, errors.EXPORT_FAILED, "export worker")
        # Fault injection for the tests (protocol.CRASH): the next request crashes the worker.
        self.crash_armed = False

    def on_message(self, event: Any) -> None:
        message = event.data
        if message["kind"] == protocol.CRASH:
            self.crash_armed = True
            return
        if message["kind"] == protocol.CANVAS_LIMIT:
            self.canvas_limit = message["pixels"]
            self.band_pixels = message["band_pixels"]
            return
        if self.crash_armed:
            # Thrown here, outside any promise: the page sees the worker's error event, as it
            # would if the worker ran out of memory.
            raise AppError(errors.EXPORTER_CRASHED, "crash requested by the page")
        self.tail = self.tail.then(lambda: self.handle(message))

    async def handle(self, message: Any) -> None:
        kind = message["kind"]
        if kind == protocol.LAYERS:
            # The alpha bytes and the colour bitmap move to the page instead of being copied.
            await self.replies.answer(
                message, lambda: self.layers(message["cutout"], message["photo"]),
                lambda value: [value["alpha"].buffer, value["colour"]])
        elif kind == protocol.EXPORT:
            await self.replies.answer(message, lambda: self.export(message))
        elif kind == protocol.BACKDROP:
            await self.replies.answer(message, lambda: self.backdrop(message))
        elif kind == protocol.ZIP:
            await self.replies.answer(message, lambda: self.zip(message["names"], message["blobs"]))
        else:
            console.error("backgrone export worker: unknown request", kind)

    async def pixels(self, blob: Any, oriented: bool, width: int, height: int) -> Any:
        """The image's RGBA bytes at width x height (a photo's are oriented as displayed)."""
        return drawn(await bitmap(blob, oriented), width, height).getImageData(0, 0, width, height)

    async def recomposed(self, cutout: Any, photo: Any, change: Any) -> Any:
        """The cutout bitmap on a canvas of its size, its RGBA changed in place by
        change(rgba, photo_rgba, count) with the photo's pixels beside it; returns the canvas's
        2d context."""
        width = cutout.width
        height = cutout.height
        context = drawn(cutout, width, height)
        pixels = context.getImageData(0, 0, width, height)
        original = await self.pixels(photo, True, width, height)
        change(pixels.data, original.data, width * height)
        context.putImageData(pixels, 0, 0)
        return context

    async def layers(self, cutout: Any, photo: Any) -> Dict[str, Any]:
        """What the brush needs: the cutout's alpha as width x height bytes, and the colours it
        paints with (core/brush.colour_layer) as an opaque ImageBitmap."""
        image = await bitmap(cutout, False)
        width = image.width
        height = image.height
        alpha = __new__(Uint8ClampedArray(width * height))
        context = await self.recomposed(
            image, photo, lambda rgba, original, count: brush.colour_layer(rgba, original, count, alpha))
        return {"alpha": alpha, "colour": context.canvas.transferToImageBitmap(), "width": width,
                "height": height}

    async def layer(self, message: Any) -> Any:
        """The subject on transparency: the cutout itself, or with the brush's edited alpha
        (core/brush.edited_layer: refined colours kept, the photo's where there were none)."""
        cutout = await bitmap(message["cutout"], False)
        edited = message["alpha"]
        if not edited:
            return cutout
        context = await self.recomposed(
            cutout, message["photo"],
            lambda rgba, original, count: brush.edited_layer(rgba, original, edited, count))
        return context.canvas

    async def backdrop(self, message: Any) -> Any:
        subject = await self.layer(message)
        canvas = await painters.blurred(message["photo"], subject)
        if subject.close:
            subject.close()
        __pragma__("jsiter")
        options: Any = {"type": "image/png"}
        __pragma__("nojsiter")
        return await canvas.convertToBlob(options)

    async def export(self, message: Any) -> Any:
        subject = await self.layer(message)
        try:
            paint = None if message["mask"] else await painters.painter(message, subject)
            return await framer.framed(self.zlib, subject, message, paint, self.canvas_limit,
                                       self.band_pixels)
        finally:
            if subject.close:
                subject.close()

    async def zip(self, names: Any, blobs: Any) -> Any:
        """One zip of the files, stored uncompressed: PNG, WebP and JPEG are compressed already."""
        __pragma__("jsiter")
        files = {}
        store = {"level": 0}
        __pragma__("nojsiter")
        for i in range(len(names)):
            data = __new__(Uint8Array(await blobs[i].arrayBuffer()))
            files[names[i]] = [data, store]
        zipped = self.zip_sync(files, store)
        __pragma__("jsiter")
        kind = {"type": "application/zip"}
        __pragma__("nojsiter")
        return __new__(Blob([zipped], kind))


def start(host: Any) -> None:
    exporter = Exporter(host)
    host.scope.onmessage = exporter.on_message
