"""The offline shell: icons, the service worker stamped with the build's files, and the
static host's _headers."""
from __future__ import annotations

import hashlib
import io
import json
import os
from pathlib import Path

from PIL import Image, ImageDraw

from bundler import esbuild
from gpu_runtime import lazy_files
from layout import CACHE, ROOT, SOURCE, BuildError, up_to_date, write_if_changed
from policy import HEADER_POLICY
from backgrone.core.devices import GPU_FOLDER
from backgrone.core.engines import ENGINES
from backgrone.core.isolation import ISOLATION_HEADERS

# The service worker bundle, before the build stamps its file list and version into it.
SW_BUNDLE = CACHE / "sw" / "sw.js"
SW_PLACEHOLDER = '"__BACKGRONE_BUILD__"'
# A classic script, not a module worker: not every browser runs module service workers. It
# stays strict like the modules it bundles; its first line is the stamp (see write_service_worker).
SW_BANNER = '"use strict";var BACKGRONE_BUILD=' + SW_PLACEHOLDER + ";"
THEME_RGB = (0x24, 0x56, 0xC7)  # --accent in app.css, theme_color in manifest.webmanifest
CHECKER_RGB = ((0xE6, 0xE6, 0xE6), (0xFF, 0xFF, 0xFF))
# file name -> (pixels, shape): "rounded" for browsers, "maskable" fills the platform's shape
# (its subject inside the central 80 % safe zone), "square" for iOS, which rounds it itself.
ICONS = {
    "favicon-32.png": (32, "rounded"),
    "apple-touch-icon.png": (180, "square"),
    "icon-192.png": (192, "rounded"),
    "icon-512.png": (512, "rounded"),
    "maskable-512.png": (512, "maskable"),
}
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"


def draw_icon(pixels: int, shape: str) -> bytes:
    """The subject (head and shoulders, in the theme colour) cut out of a transparency
    checkerboard: what the app does, at a glance."""
    side = pixels * 4  # drawn large and downsampled, for smooth edges
    tile = Image.new("RGBA", (side, side))
    draw = ImageDraw.Draw(tile)
    cells = 6
    for row in range(cells):
        for column in range(cells):
            box = (column * side // cells, row * side // cells,
                   (column + 1) * side // cells, (row + 1) * side // cells)
            draw.rectangle(box, fill=CHECKER_RGB[(row + column) % 2])
    shrink = 0.78 if shape == "maskable" else 1.0

    def at(x: float, y: float) -> tuple[float, float]:
        return (side * (0.5 + (x - 0.5) * shrink), side * (0.5 + (y - 0.5) * shrink))

    draw.ellipse(at(0.35, 0.24) + at(0.65, 0.54), fill=THEME_RGB)
    # Shoulders run off the bottom edge, in every shape.
    draw.ellipse(at(0.18, 0.6) + at(0.82, 1.5), fill=THEME_RGB)
    mask = Image.new("L", (side, side), 255)
    if shape == "rounded":
        mask = Image.new("L", (side, side), 0)
        ImageDraw.Draw(mask).rounded_rectangle((0, 0, side - 1, side - 1), radius=side * 0.22, fill=255)
    icon = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    icon.paste(tile, (0, 0), mask)
    out = io.BytesIO()
    icon.resize((pixels, pixels), Image.Resampling.LANCZOS).save(out, "PNG", optimize=True)
    return out.getvalue()


def write_icons(site: Path, force: bool) -> None:
    targets = [site / "icons" / name for name in ICONS]
    if not force and up_to_date(targets, [Path(__file__)]):
        return
    for name, (pixels, shape) in ICONS.items():
        write_if_changed(site / "icons" / name, draw_icon(pixels, shape))
        (site / "icons" / name).touch()  # drawn by this file: skip until it changes again


def bundle_service_worker(force: bool) -> None:
    shim = SOURCE / "backgrone" / "shims" / "sw.js"
    inputs = [shim, CACHE / "transpiled" / "sw" / ".ok", ROOT / "package-lock.json", Path(__file__)]
    if not force and up_to_date([SW_BUNDLE], inputs):
        return
    esbuild(shim, SW_BUNDLE, "iife", "--alias:transpiled=" + str(CACHE / "transpiled"),
            "--banner:js=" + SW_BANNER)


def shell_files(site: Path) -> list[str]:
    """What the service worker keeps offline, as site-relative paths: the whole site but
    models/ (the worker keeps models in IndexedDB and has their manifest in its bundle), the
    lazy GPU runtime (kept on first use instead, see lazy_files), source maps, sw.js itself and
    host files (_*)."""
    paths = []
    for path in sorted(site.rglob("*")):
        parts = path.relative_to(site).parts
        if not path.is_file() or any(part.startswith(".") for part in parts) or parts[0].startswith("_"):
            continue
        if parts[0] in ("models", GPU_FOLDER) or path.suffix == ".map" or parts == ("sw.js",):
            continue
        paths.append("/".join(parts))
    return paths


def shell_build(site: Path, worker_code: bytes) -> dict[str, object]:
    """{version, files: [{path, sha256}], lazy: [{path, sha256}]}: the version hashes every
    shell file and the worker's own code, so that any change to either is a new version with a
    new cache; `lazy` are the files kept on first use (the GPU runtime)."""
    version = hashlib.sha256(worker_code)
    files = []
    for path in shell_files(site):
        digest = hashlib.sha256((site / path).read_bytes()).hexdigest()
        version.update((path + " " + digest + "\n").encode())
        if path == "index.html":
            # Stored under its folder's URL, where hosts serve it (some redirect index.html
            # there); unchecked, since some hosts rewrite HTML (analytics snippets).
            files.append({"path": "./", "sha256": ""})
        else:
            files.append({"path": path, "sha256": digest})
    lazy = lazy_files(site) if (site / GPU_FOLDER).is_dir() else []
    for entry in lazy:
        version.update((entry["path"] + " " + entry["sha256"] + "\n").encode())
    return {"version": version.hexdigest()[:16], "files": files, "lazy": lazy}


def write_service_worker(site: Path) -> str:
    """Stamp the worker bundle with `site`'s shell into site/sw.js; returns the version.

    A new build changes sw.js, which is how browsers notice it. The stamp replaces the banner
    line, which maps to no source, so the source map stays valid with its paths re-rooted.
    """
    code = SW_BUNDLE.read_text()
    if code.count(SW_PLACEHOLDER) != 1:
        raise BuildError(str(SW_BUNDLE) + " has no build placeholder")
    build = shell_build(site, code.encode())
    stamp = json.dumps(build, separators=(",", ":"))
    write_if_changed(site / "sw.js", code.replace(SW_PLACEHOLDER, stamp).encode())
    source_map = json.loads(SW_BUNDLE.with_name("sw.js.map").read_text())
    sources = source_map["sources"]
    source_map["sources"] = [os.path.relpath(SW_BUNDLE.parent / source, site) for source in sources]
    write_if_changed(site / "sw.js.map", json.dumps(source_map).encode())
    return str(build["version"])


def write_headers(site: Path) -> None:
    """site/_headers (Netlify, Cloudflare Pages): isolation headers everywhere; model chunks,
    named by their sha256, cached for good; the shell and sw.js revalidated. No path matches
    two Cache-Control rules: those hosts would join them into one contradictory header."""
    lines = [
        "# Generated by build/build.py. Paths are from the root of the deployed folder.",
        "/*",
        *["  " + name + ": " + value for name, value in ISOLATION_HEADERS],
        "  X-Content-Type-Options: nosniff",
        "  Content-Security-Policy: " + HEADER_POLICY,
        "",
    ]
    for engine in ENGINES:
        lines += ["/models/" + engine.engine_id + "/*", "  Cache-Control: " + IMMUTABLE, ""]
    # One rule per folder (Cloudflare Pages allows 100), but models/: its files one by one.
    models = sorted((site / "models").glob("*.*"))
    revalidated = ["/", "/sw.js", "/" + GPU_FOLDER + "/*"] + \
        ["/models/" + path.name for path in models if path.is_file()]
    for path in shell_files(site):
        rule = "/" + path.split("/")[0] + "/*" if "/" in path else "/" + path
        if rule not in revalidated:
            revalidated.append(rule)
    for rule in revalidated:
        lines += [rule, "  Cache-Control: " + REVALIDATE, ""]
    write_if_changed(site / "_headers", "\n".join(lines).encode())
