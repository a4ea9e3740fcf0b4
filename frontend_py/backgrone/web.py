"""Small helpers over browser APIs that more than one bundle (worker, service worker) needs."""
# __pragma__('skip')
from typing import Any
from backgrone.jsglobals import Uint8Array, crypto, __new__, __pragma__
# __pragma__('noskip')

from backgrone.core.digest import to_hex


async def sha256_hex(data: Any) -> str:
    """The SHA-256 of `data` (an ArrayBuffer or a view) as lowercase hex, as manifests store it."""
    digest = __new__(Uint8Array(await crypto.subtle.digest("SHA-256", data)))
    return to_hex(digest, digest.length)


def context_2d(canvas: Any) -> Any:
    """A canvas's 2d context for pixel reads: willReadFrequently keeps it in memory, where
    getImageData is a copy, not a GPU read-back."""
    __pragma__("jsiter")
    options = {"willReadFrequently": True}
    __pragma__("nojsiter")
    return canvas.getContext("2d", options)
