"""Browser and Transcrypt names, declared for mypy only.

Modules import from here inside `# __pragma__('skip')` blocks, so Transcrypt never sees the
import and the names resolve to the real JS globals; under mypy they are typed as Any.
This module is never transpiled and never imported at run time.
"""
from typing import Any


def __new__(instance: Any) -> Any:  # Transcrypt's `new`
    return instance


def __pragma__(*args: Any) -> None:
    pass


def __typeof__(value: Any) -> str:  # Transcrypt's JS typeof
    return type(value).__name__


Array: Any = None
Blob: Any = None
ClipboardItem: Any = None
Date: Any = None
Error: Any = None
File: Any = None
Float32Array: Any = None
Float64Array: Any = None
ImageData: Any = None
JSON: Any = None
Math: Any = None
MessageChannel: Any = None
Object: Any = None
OffscreenCanvas: Any = None
PerformanceObserver: Any = None
Promise: Any = None
SharedArrayBuffer: Any = None
Uint8Array: Any = None
Uint8ClampedArray: Any = None
URL: Any = None
VideoFrame: Any = None
clearTimeout: Any = None
WebAssembly: Any = None
Worker: Any = None
console: Any = None
createImageBitmap: Any = None
crossOriginIsolated: Any = None
crypto: Any = None
document: Any = None
fetch: Any = None
navigator: Any = None
performance: Any = None
self: Any = None
setTimeout: Any = None
undefined: Any = None
window: Any = None
