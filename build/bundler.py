"""esbuild: the one way this project bundles JavaScript (the site's bundles and the bench's)."""
from __future__ import annotations

import subprocess
from pathlib import Path

from layout import CACHE, MANIFEST, NODE_MODULES, PUBLIC, ROOT, SOURCE, BuildError, up_to_date


def esbuild(entry: Path, outfile: Path, fmt: str, *extra: str) -> None:
    """Bundle `entry` into `outfile` (minified, with a source map) as `fmt` (esm or iife)."""
    command = [
        str(NODE_MODULES / ".bin" / "esbuild"), str(entry), "--bundle", "--format=" + fmt,
        "--minify", "--sourcemap", "--target=es2020", "--outfile=" + str(outfile),
        "--log-level=warning", *extra,
    ]
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if run.returncode != 0:
        raise BuildError("esbuild failed on " + entry.name + ":\n" + run.stdout + run.stderr)


def bundle(entry: str, force: bool) -> None:
    """public/assets/<entry>.js from its shim and its transpiled Python."""
    shim = SOURCE / "backgrone" / "shims" / (entry + ".js")
    target = PUBLIC / "assets" / (entry + ".js")
    transpiled = CACHE / "transpiled" / entry
    inputs = [shim, transpiled / ".ok", ROOT / "package-lock.json", MANIFEST]
    if not force and up_to_date([target], inputs):
        return
    esbuild(shim, target, "esm",
            "--alias:transpiled=" + str(CACHE / "transpiled"),
            "--alias:models-manifest=" + str(MANIFEST),
            # ORT's build that loads its .mjs/.wasm from env.wasm.wasmPaths instead of inlining them.
            "--conditions=onnxruntime-web-use-extern-wasm")
