"""The lazy HEIC/HEIF decoder in public/heic/: libheif's WebAssembly build from libheif-js
(LGPL-3.0; its glue bundled as heic.js, the 1.4 MB libheif.wasm beside it). Never precached:
the job worker imports it on the first HEIC/HEIF photo the browser cannot decode itself, and
the service worker keeps each file on first use, checked against its sha256 (shell.lazy_files)."""
from __future__ import annotations

from bundler import esbuild
from layout import NODE_MODULES, PUBLIC, ROOT, SOURCE, copy_if_changed, up_to_date
from backgrone.core.sniff import HEIC_BUNDLE as BUNDLE, HEIC_FOLDER as FOLDER, HEIC_WASM as WASM
PACKAGE = NODE_MODULES / "libheif-js" / "libheif-wasm"


def stage_heic_decoder(force: bool) -> None:
    folder = PUBLIC / FOLDER
    copy_if_changed(PACKAGE / WASM, folder / WASM)
    shim = SOURCE / "backgrone" / "shims" / "heic.js"
    target = folder / BUNDLE
    if force or not up_to_date([target], [shim, ROOT / "package-lock.json"]):
        # Emscripten's Node branch requires these; in a browser that branch never runs.
        esbuild(shim, target, "esm", "--external:fs", "--external:path")
