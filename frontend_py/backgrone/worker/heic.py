"""HEIC/HEIF photos in browsers that cannot decode them (all but Safari): libheif's WebAssembly
build (public/heic/, build/heic_decoder.py), imported on the first such photo, never before."""
# __pragma__('skip')
from typing import Any
from backgrone.jsglobals import (
    ImageData, Promise, Uint8Array, WebAssembly, createImageBitmap, fetch, __new__, __pragma__,
)
# __pragma__('noskip')

from backgrone.core import errors
from backgrone.core.sniff import HEIC_FOLDER, HEIC_WASM
from backgrone.core.geometry import fits, size_detail
from backgrone.core.errors import AnyError, AppError

FOLDER = HEIC_FOLDER + "/"
WASM = HEIC_WASM


class HeicDecoder:
    """One per job worker. The WebAssembly module is compiled once; each photo gets an instance
    of its own, so that libheif's heap (the file, its planes and its RGBA, which a WebAssembly
    memory never gives back) is garbage once the photo is decoded."""

    def __init__(self, host: Any) -> None:
        self.host = host
        self.factory: Any = None  # libheif's Emscripten module factory
        self.module: Any = None  # the compiled libheif.wasm

    async def load(self) -> None:
        if self.module:
            return
        loaded = await self.host.loadHeic()
        response = await fetch(self.host.base + FOLDER + WASM)
        if not response.ok:
            raise AppError(errors.HEIC_UNSUPPORTED, WASM + ": HTTP " + str(response.status))
        self.module = await WebAssembly.compile(await response.arrayBuffer())
        self.factory = loaded.libheif

    async def instance(self) -> Any:
        """A fresh libheif on the compiled module."""
        module = self.module

        def instantiate(imports: Any, receive: Any) -> Any:
            # This glue instantiates synchronously (its exports are used at once): a compiled
            # module instantiates at once, and a worker may do so.
            return receive(__new__(WebAssembly.Instance(module, imports)))

        __pragma__("jsiter")
        options = {"instantiateWasm": instantiate}
        __pragma__("nojsiter")
        return await self.factory(options)

    async def decode(self, image: Any) -> Any:
        """The photo's primary image as an ImageBitmap, turned and mirrored as its irot/imir
        say (libheif applies them), refused before its pixels are allocated when too large."""
        try:
            await self.load()
        except AnyError as exc:
            raise AppError(errors.HEIC_UNSUPPORTED, str(exc))
        heif = await self.instance()
        data = __new__(Uint8Array(await image.arrayBuffer()))
        handles = __new__(heif.HeifDecoder()).decode(data)
        if not handles or handles.length == 0:
            raise AppError(errors.HEIC_DAMAGED, "libheif could not read its structure")
        handle = handles[0]
        for candidate in handles:
            if candidate.is_primary():
                handle = candidate
        width = handle.get_width()
        height = handle.get_height()
        if not fits(width, height):
            raise AppError(errors.TOO_LARGE, size_detail(width, height))
        pixels = __new__(ImageData(width, height))
        shown = await __new__(Promise(lambda resolve, reject: handle.display(pixels, resolve)))
        if not shown:
            raise AppError(errors.HEIC_DAMAGED, "libheif could not decode its image data")
        # Nothing to free: the instance, its heap and the handles go together.
        return await createImageBitmap(pixels)
