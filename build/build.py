"""The build driver: transpile (Transcrypt) -> bundle (esbuild) -> stage ORT and models
-> the offline shell (icons, the service worker stamped with the build's files, _headers).

Each step is skipped when its outputs are newer than its inputs, so a second build with
nothing changed takes about a second. Usage: python build/build.py [--force]
"""
from __future__ import annotations

import argparse
import ast
import fcntl
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterable, Iterator
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "frontend_py"
CACHE = ROOT / "build" / ".cache"
PUBLIC = ROOT / "public"
NODE_MODULES = ROOT / "node_modules"
BIN = Path(sys.executable).parent
MANIFEST = PUBLIC / "models" / "manifest.json"
# Weights fetched by `make models` (git-ignored), and their recorded sha256 (committed).
MODEL_CACHE = ROOT / "models" / "cache"
SOURCES = ROOT / "models" / "sources.json"

sys.path.insert(0, str(SOURCE))
sys.path.insert(0, str(ROOT / "build"))
from backgrone.core.engines import (  # noqa: E402
    ENGINES, RECIPE_AS_IS, RECIPE_STATIC_INT8, WEIGHTS_PACKAGE, Engine,
)
from policy import HEADER_POLICY  # noqa: E402

# Static hosts cap file sizes (Cloudflare Pages: 25 MiB); 4 MiB also keeps progress smooth.
CHUNK_BYTES = 4 * 1024 * 1024
ORT_FILES = ("ort-wasm-simd-threaded.wasm", "ort-wasm-simd-threaded.mjs")
# Transcrypt exits 0 on failure; these in its output are how a failure shows.
TRANSCRYPT_FAILURES = ("Error while compiling", "Traceback", "Aborted")


class BuildError(Exception):
    pass


def newest(paths: list[Path]) -> float:
    return max((p.stat().st_mtime for p in paths if p.exists()), default=0.0)


def up_to_date(outputs: list[Path], inputs: list[Path]) -> bool:
    if not all(o.exists() for o in outputs):
        return False
    return min(o.stat().st_mtime for o in outputs) >= newest(inputs)


def python_sources() -> list[Path]:
    return sorted(SOURCE.rglob("*.py"))


def check_transcryptable(paths: list[Path]) -> None:
    """Reject what Transcrypt turns into broken JS while still exiting 0."""
    problems = []
    for path in paths:
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Module, ast.ClassDef)):
                for stmt in node.body:
                    # Module level: the name is silently not exported. Class level without a
                    # value: invalid JS. Annotate in __init__ or leave it to inference instead.
                    if isinstance(stmt, ast.AnnAssign):
                        problems.append(f"{path.relative_to(ROOT)}:{stmt.lineno}: annotated assignment")
    if problems:
        raise BuildError("Transcrypt cannot compile these correctly:\n" + "\n".join(problems))


def transpile(entry: str, force: bool) -> Path:
    """Transcrypt one entry into its own folder (-b wipes the folder it writes to)."""
    out = CACHE / "transpiled" / entry
    stamp = out / ".ok"
    if not force and up_to_date([stamp], python_sources()):
        return out
    check_transcryptable([p for p in python_sources() if p.name != "jsglobals.py"])
    command = [
        str(BIN / "transcrypt"), "-n", "-b", "-m", "-od", str(out),
        str(SOURCE / (entry + "_entry.py")),
    ]
    started = time.time()
    run = subprocess.run(command, cwd=SOURCE, capture_output=True, text=True)
    log = run.stdout + run.stderr
    if run.returncode != 0 or any(f in log for f in TRANSCRYPT_FAILURES) or "Ready" not in log:
        stamp.unlink(missing_ok=True)
        raise BuildError("Transcrypt failed on " + entry + ":\n" + log)
    if newest(python_sources()) >= started:
        # A source saved while Transcrypt ran may not be in its output: no stamp, so the
        # next build transpiles again instead of trusting this one.
        stamp.unlink(missing_ok=True)
        print("build: sources changed during the build; run it again", flush=True)
        return out
    stamp.write_text("ok\n")
    return out


def bundle(entry: str, force: bool) -> None:
    shim = SOURCE / "backgrone" / "shims" / (entry + ".js")
    target = PUBLIC / "assets" / (entry + ".js")
    transpiled = CACHE / "transpiled" / entry
    inputs = [shim, transpiled / ".ok", ROOT / "package-lock.json", MANIFEST]
    if not force and up_to_date([target], inputs):
        return
    command = [
        str(NODE_MODULES / ".bin" / "esbuild"), str(shim), "--bundle", "--format=esm",
        "--minify", "--sourcemap", "--target=es2020", "--outfile=" + str(target),
        "--alias:transpiled=" + str(CACHE / "transpiled"),
        "--alias:models-manifest=" + str(MANIFEST),
        # ORT's build that loads its .mjs/.wasm from env.wasm.wasmPaths instead of inlining them.
        "--conditions=onnxruntime-web-use-extern-wasm",
        "--log-level=warning",
    ]
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if run.returncode != 0:
        raise BuildError("esbuild failed on " + entry + ":\n" + run.stdout + run.stderr)


def copy_if_changed(source: Path, target: Path) -> None:
    if target.exists() and target.stat().st_size == source.stat().st_size \
            and target.stat().st_mtime >= source.stat().st_mtime:
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)


def stage_ort() -> None:
    for name in ORT_FILES:
        copy_if_changed(NODE_MODULES / "onnxruntime-web" / "dist" / name, PUBLIC / "ort" / name)


def package_chunks(engine: Engine) -> list[Path]:
    """The weights package's ordered chunk files for this engine's model."""
    dist = NODE_MODULES / WEIGHTS_PACKAGE.rsplit("@", 1)[0] / "dist"
    resources = json.loads((dist / "resources.json").read_text())
    if engine.source_key not in resources:
        raise BuildError(engine.engine_id + ": " + engine.source_key + " not in resources.json")
    return [dist / chunk["hash"] for chunk in resources[engine.source_key]["chunks"]]


def package_pieces(engine: Engine) -> Iterator[bytes]:
    """The weights package's chunks, each checked against the sha256 that names it."""
    for path in package_chunks(engine):
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != path.name:
            raise BuildError(engine.engine_id + ": chunk " + path.name + " is damaged")
        yield data


def file_pieces(path: Path) -> Iterator[bytes]:
    with path.open("rb") as model:
        while piece := model.read(CHUNK_BYTES):
            yield piece


def stage_model(engine: Engine, pieces: Iterable[bytes]) -> dict[str, object]:
    """Write the model's chunks into public/models/<engine>/, each named by its sha256."""
    whole = hashlib.sha256()
    chunks = []
    total = 0
    for data in pieces:
        if len(data) > CHUNK_BYTES:
            raise BuildError(engine.engine_id + ": a chunk is over " + str(CHUNK_BYTES) + " bytes")
        digest = hashlib.sha256(data).hexdigest()
        whole.update(data)
        total += len(data)
        target = PUBLIC / "models" / engine.engine_id / (digest + ".bin")
        if not target.exists() or target.stat().st_size != len(data):
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        chunks.append({"file": engine.engine_id + "/" + target.name, "bytes": len(data), "sha256": digest})
    if engine.size_bytes and total != engine.size_bytes:
        raise BuildError(
            engine.engine_id + ": model is " + str(total) + " bytes, expected " + str(engine.size_bytes)
        )
    return {"bytes": total, "sha256": whole.hexdigest(), "chunks": chunks}


def fetched_path(engine: Engine) -> Path:
    return MODEL_CACHE / (engine.engine_id + ".onnx")


def recorded_sources() -> dict[str, dict[str, object]]:
    return json.loads(SOURCES.read_text()) if SOURCES.exists() else {}


def fetch_models() -> None:
    """`make models`: download the weights no registry carries (RMBG-1.4) and record their
    sha256 in models/sources.json; where the network does not allow it, say so and go on."""
    recorded = recorded_sources()
    for engine in ENGINES:
        if engine.source == WEIGHTS_PACKAGE or fetched_path(engine).exists():
            continue
        target = fetched_path(engine)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".part")
        digest = hashlib.sha256()
        try:
            with urllib.request.urlopen(engine.source, timeout=60) as response, partial.open("wb") as out:
                while piece := response.read(1 << 20):
                    digest.update(piece)
                    out.write(piece)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            print(f"models: cannot fetch {engine.label} ({engine.source}): {exc}")
            print(f"models: {engine.label} stays not bundled; users can pick their own .onnx file in the app")
            continue
        expected = recorded.get(engine.engine_id, {}).get("sha256")
        if expected and expected != digest.hexdigest():
            partial.unlink()
            raise BuildError(f"{engine.label}: sha256 {digest.hexdigest()} is not the recorded {expected}")
        partial.rename(target)
        recorded[engine.engine_id] = {"url": engine.source, "sha256": digest.hexdigest(),
                                      "bytes": target.stat().st_size, "licence": engine.licence}
        SOURCES.write_text(json.dumps(recorded, indent=1, sort_keys=True) + "\n")
        print(f"models: {engine.label}: {target.stat().st_size} bytes, sha256 {digest.hexdigest()}")


def derived_model(engine: Engine) -> Path:
    """The model a recipe makes from the package's bytes, cached under models/cache/ by the
    source's sha256 and the recipe's version: made once per machine (minutes of CPU), then
    reused by every build until the weights or the recipe change."""
    if engine.recipe != RECIPE_STATIC_INT8:
        raise BuildError(engine.engine_id + ": unknown recipe '" + engine.recipe + "'")
    import isnet_int8  # onnx and onnxruntime: loaded only by builds that need them

    source = b"".join(package_pieces(engine))
    digest = hashlib.sha256(source).hexdigest()
    target = MODEL_CACHE / f"{engine.recipe}-v{isnet_int8.VERSION}-{digest[:16]}.onnx"
    if target.exists():
        return target
    print(f"build: making {engine.label} ({engine.recipe}) from {engine.source_key}; "
          "a few minutes, once per machine", flush=True)
    partial = target.with_suffix(".part")

    def progress(done: int, total: int) -> None:
        print(f"build:   calibrating on photo {done}/{total}", flush=True)

    isnet_int8.build_isnet_static_int8(source, partial, on_photo=progress)
    # Renamed only when complete: an interrupted build leaves no model that looks finished.
    partial.rename(target)
    return target


def stage_models() -> None:
    staged: dict[str, object] = {}
    recorded = recorded_sources()
    for engine in ENGINES:
        if engine.source == WEIGHTS_PACKAGE and engine.recipe != RECIPE_AS_IS:
            staged[engine.engine_id] = stage_model(engine, file_pieces(derived_model(engine)))
            continue
        if engine.source == WEIGHTS_PACKAGE:
            staged[engine.engine_id] = stage_model(engine, package_pieces(engine))
            continue
        local = fetched_path(engine)
        if not local.exists():
            print("build: " + engine.label + " is not bundled (run `make models` where the network allows)")
            continue
        entry = stage_model(engine, file_pieces(local))
        expected = recorded.get(engine.engine_id, {}).get("sha256")
        if expected and entry["sha256"] != expected:
            raise BuildError(engine.label + ": " + str(local) + " does not match models/sources.json")
        staged[engine.engine_id] = entry
    remove_stale_chunks(staged)
    text = json.dumps({"engines": staged}, indent=1, sort_keys=True) + "\n"
    if not MANIFEST.exists() or MANIFEST.read_text() != text:
        MANIFEST.write_text(text)


def remove_stale_chunks(staged: dict[str, object]) -> None:
    """Delete chunk files no manifest entry names (an earlier model's), so that a deployed
    public/ carries only what the app can load."""
    wanted = {chunk["file"] for entry in staged.values() if isinstance(entry, dict)
              for chunk in entry["chunks"]}
    for path in sorted((PUBLIC / "models").glob("*/*.bin")):
        if path.parent.name + "/" + path.name not in wanted:
            path.unlink()


# --- The offline shell: icons, the service worker and the host's headers file. ---------------
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


def write_if_changed(path: Path, data: bytes) -> None:
    """Leave an identical file alone, so that mtimes (and the steps that read them) stay put."""
    if path.exists() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


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
        (site / "icons" / name).touch()  # drawn from this build.py: skip until it changes again


def bundle_service_worker(force: bool) -> None:
    shim = SOURCE / "backgrone" / "shims" / "sw.js"
    inputs = [shim, CACHE / "transpiled" / "sw" / ".ok", ROOT / "package-lock.json", Path(__file__)]
    if not force and up_to_date([SW_BUNDLE], inputs):
        return
    command = [
        str(NODE_MODULES / ".bin" / "esbuild"), str(shim), "--bundle", "--format=iife",
        "--minify", "--sourcemap", "--target=es2020", "--outfile=" + str(SW_BUNDLE),
        "--alias:transpiled=" + str(CACHE / "transpiled"), "--banner:js=" + SW_BANNER,
        "--log-level=warning",
    ]
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if run.returncode != 0:
        raise BuildError("esbuild failed on the service worker:\n" + run.stdout + run.stderr)


def shell_files(site: Path) -> list[str]:
    """What the service worker keeps offline, as site-relative paths: the whole site but
    models/ (the worker keeps models in IndexedDB and has their manifest in its bundle), source
    maps, sw.js itself and host files (_*)."""
    paths = []
    for path in sorted(site.rglob("*")):
        parts = path.relative_to(site).parts
        if not path.is_file() or any(part.startswith(".") for part in parts) or parts[0].startswith("_"):
            continue
        if parts[0] == "models" or path.suffix == ".map" or parts == ("sw.js",):
            continue
        paths.append("/".join(parts))
    return paths


def shell_build(site: Path, worker_code: bytes) -> dict[str, object]:
    """{version, files: [{path, sha256}]}: the version hashes every shell file and the worker's
    own code, so that any change to either is a new version with a new cache."""
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
    return {"version": version.hexdigest()[:16], "files": files}


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
        "  Cross-Origin-Opener-Policy: same-origin",
        "  Cross-Origin-Embedder-Policy: require-corp",
        "  Cross-Origin-Resource-Policy: same-origin",
        "  X-Content-Type-Options: nosniff",
        "  Content-Security-Policy: " + HEADER_POLICY,
        "",
    ]
    for engine in ENGINES:
        lines += ["/models/" + engine.engine_id + "/*", "  Cache-Control: " + IMMUTABLE, ""]
    # One rule per folder (Cloudflare Pages allows 100), but models/: its files one by one.
    models = sorted((site / "models").glob("*.*"))
    revalidated = ["/", "/sw.js"] + ["/models/" + path.name for path in models if path.is_file()]
    for path in shell_files(site):
        rule = "/" + path.split("/")[0] + "/*" if "/" in path else "/" + path
        if rule not in revalidated:
            revalidated.append(rule)
    for rule in revalidated:
        lines += [rule, "  Cache-Control: " + REVALIDATE, ""]
    write_if_changed(site / "_headers", "\n".join(lines).encode())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--force", action="store_true", help="rebuild every step")
    parser.add_argument("--fetch-models", action="store_true",
                        help="first download the weights no package carries (make models)")
    args = parser.parse_args()
    CACHE.mkdir(parents=True, exist_ok=True)
    # Test runs build too: one build at a time, or Transcrypt's -b wipes what esbuild reads.
    lock = open(CACHE / "build.lock", "w")
    fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        if args.fetch_models:
            fetch_models()
        stage_ort()
        # Models first: the worker bundle embeds their manifest.
        stage_models()
        for entry in ("page", "worker"):
            transpile(entry, args.force)
            bundle(entry, args.force)
        write_icons(PUBLIC, args.force)
        transpile("sw", args.force)
        bundle_service_worker(args.force)
        # Last: the service worker lists and hashes what every step above wrote.
        write_service_worker(PUBLIC)
        write_headers(PUBLIC)
    except BuildError as exc:
        print("build failed: " + str(exc), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
