"""The export worker: composes and encodes downloads, reads a cutout's alpha for the brush, and
zips many downloads into one, so that no full-size pixel loop runs on the page's thread.

It is the worker bundle started under another name (see shims/worker.js): the model worker
stays free for inference while this one works.
"""
# __pragma__('skip')
from typing import Any, Dict
from backgrone.jsglobals import (
    Blob, OffscreenCanvas, Promise, Uint8Array, Uint8ClampedArray, createImageBitmap, __new__,
    __pragma__,
)
# __pragma__('noskip')

from backgrone.core import output
from backgrone.core.messages import AnyError

WORKER_NAME = "backgrone-export"


def context_2d(canvas: Any) -> Any:
    __pragma__("jsiter")
    options = {"willReadFrequently": True}
    __pragma__("nojsiter")
    return canvas.getContext("2d", options)


async def bitmap(blob: Any, oriented: bool) -> Any:
    __pragma__("jsiter")
    options = {"imageOrientation": "from-image" if oriented else "none"}
    __pragma__("nojsiter")
    return await createImageBitmap(blob, options)


class Exporter:
    def __init__(self, host: Any) -> None:
        self.scope = host.scope
        self.zip_sync = host.zip
        # One request at a time: two 12 MP compositions at once would double the memory.
        self.tail = Promise.resolve()

    def on_message(self, event: Any) -> None:
        message = event.data
        self.tail = self.tail.then(lambda: self.handle(message))

    async def handle(self, message: Any) -> None:
        request = message["request"]
        kind = message["kind"]
        try:
            if kind == output.ALPHA:
                value = await self.alpha(message["cutout"])
                self.scope.postMessage(output.reply(request, value, ""), [value["alpha"].buffer])
                return
            if kind == output.EXPORT:
                blob = await self.export(message)
            elif kind == output.ZIP:
                blob = await self.zip(message["names"], message["blobs"])
            else:
                raise ValueError("unknown request " + str(kind))
            self.scope.postMessage(output.reply(request, blob, ""))
        except AnyError as exc:
            self.scope.postMessage(output.reply(request, None, str(exc)))

    async def alpha(self, cutout: Any) -> Dict[str, Any]:
        """The cutout's alpha channel as width x height bytes."""
        image = await bitmap(cutout, False)
        width = image.width
        height = image.height
        canvas = __new__(OffscreenCanvas(width, height))
        context = context_2d(canvas)
        context.drawImage(image, 0, 0)
        image.close()
        rgba = context.getImageData(0, 0, width, height).data
        count = width * height
        alpha = __new__(Uint8ClampedArray(count))
        for i in range(count):
            alpha[i] = rgba[4 * i + 3]
        return {"alpha": alpha, "width": width, "height": height}

    async def layer(self, message: Any) -> Any:
        """The subject on transparency: the cutout itself, or the photo under the edited alpha."""
        cutout = await bitmap(message["cutout"], False)
        edited = message["alpha"]
        if not edited:
            return cutout
        width = cutout.width
        height = cutout.height
        cutout.close()
        photo = await bitmap(message["photo"], True)
        canvas = __new__(OffscreenCanvas(width, height))
        context = context_2d(canvas)
        context.drawImage(photo, 0, 0)
        photo.close()
        pixels = context.getImageData(0, 0, width, height)
        rgba = pixels.data
        count = width * height
        for i in range(count):
            rgba[4 * i + 3] = edited[i]
        context.putImageData(pixels, 0, 0)
        return canvas

    async def export(self, message: Any) -> Any:
        subject = await self.layer(message)
        width = subject.width
        height = subject.height
        canvas = __new__(OffscreenCanvas(width, height))
        context = canvas.getContext("2d")
        background = message["background"]
        if background == output.BG_COLOR:
            context.fillStyle = message["color"]
            context.fillRect(0, 0, width, height)
        elif background == output.BG_IMAGE and message["image"]:
            scenery = await bitmap(message["image"], True)
            crop = output.cover_rect(scenery.width, scenery.height, width, height)
            context.drawImage(scenery, crop[0], crop[1], crop[2], crop[3], 0, 0, width, height)
            scenery.close()
        context.drawImage(subject, 0, 0)
        if subject.close:
            subject.close()
        __pragma__("jsiter")
        options: Any = {"type": message["mime"]}
        __pragma__("nojsiter")
        if message["quality"] >= 0:
            options.quality = message["quality"]
        return await canvas.convertToBlob(options)

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
