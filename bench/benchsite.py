"""The bench's own site (bench/.site, git-ignored): the peer's page and the ORT microbench.

- peer/   @imgly/background-removal 1.7.0 bundled with its own onnxruntime-web 1.21.0, with a
          resources.json in its format: /models/isnet_fp16 and /models/isnet_quint8 are the
          same chunks our Precision and Lightweight engines ship, each chunk named by its hash.
- micro/  onnxruntime-web 1.30 (ours) in a module worker, for session options, warm-up, model
          variants and PNG encoding, with the models as whole .onnx files under models/.
- photos/ the bench photos, so that pages fetch them instead of receiving them via WebDriver.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "build") not in sys.path:
    sys.path.insert(0, str(ROOT / "build"))
from bundler import esbuild  # noqa: E402  # the build's own, for the bench's pages too

SITE = ROOT / "bench" / ".site"
PAGES = ROOT / "bench" / "pages"
NODE_MODULES = ROOT / "node_modules"
PEER_ORT = NODE_MODULES / "onnxruntime-web-peer" / "dist"
OUR_ORT = NODE_MODULES / "onnxruntime-web" / "dist"
DATA = NODE_MODULES / "@imgly" / "background-removal-data" / "dist"
ORT_FILES = ("ort-wasm-simd-threaded.wasm", "ort-wasm-simd-threaded.mjs")
# The peer's WebGPU build (JSEP), for its device: 'gpu' (bench/gpu.py).
PEER_GPU_FILES = ("ort-wasm-simd-threaded.jsep.wasm", "ort-wasm-simd-threaded.jsep.mjs")
# The peer's model names for the chunks our engines ship.
CACHE = ROOT / "bench" / ".cache"
PEER_MODELS = {"precision": ("/models/isnet_fp16", "/models/medium"),
               "lightweight": ("/models/isnet_quint8", "/models/small")}


# A photo handed to a page as a File in window.__bench[name] (args: name, base64 bytes), so
# that jobs can refer to it by name without WebDriver carrying megabytes each time.
PUT_PHOTO = """
const [name, base64] = args;
const bytes = Uint8Array.from(atob(base64), c => c.charCodeAt(0));
window.__bench = window.__bench || {};
window.__bench[name] = new File([bytes], name, {type: 'image/jpeg'});
return true;
"""


def make_photos() -> dict[str, Path]:
    """photo-512.jpg (the astronaut) and photo-12mp.jpg (the coffee cup cropped to 4:3,
    upscaled to 4000x3000 with mild sensor-like noise, so that it does not compress like a
    flat upscale): JPEG q92, as a camera or phone would hand them over."""
    from skimage import data

    folder = CACHE / "photos"
    folder.mkdir(parents=True, exist_ok=True)
    small = folder / "photo-512.jpg"
    large = folder / "photo-12mp.jpg"
    if not small.exists():
        Image.fromarray(data.astronaut()).save(small, quality=92)  # type: ignore[no-untyped-call]
    if not large.exists():
        cup = Image.fromarray(data.coffee())  # type: ignore[no-untyped-call]  # 600x400
        cup = cup.crop((33, 0, 567, 400)).resize((4000, 3000), Image.Resampling.BICUBIC)
        noise = np.random.default_rng(6).normal(0, 3.0, (3000, 4000, 3))
        pixels = np.clip(np.asarray(cup, dtype=np.float64) + noise, 0, 255).astype(np.uint8)
        Image.fromarray(pixels).save(large, quality=92)
    return {"512": small, "12mp": large}


def link(target: Path, link_path: Path) -> None:
    link_path.parent.mkdir(parents=True, exist_ok=True)
    if link_path.is_symlink() or link_path.exists():
        if link_path.is_symlink() and Path(os.readlink(link_path)) == target:
            return
        link_path.unlink()
    link_path.symlink_to(target)


def package_model(key: str) -> bytes:
    """A model of the weights package as its own bytes (`/models/medium` is fp16, `/models/small`
    the dynamic uint8 one the peer ships; our Lightweight is neither)."""
    entry = json.loads((DATA / "resources.json").read_text())[key]
    return b"".join((DATA / chunk["hash"]).read_bytes() for chunk in entry["chunks"])


def build_peer() -> None:
    folder = SITE / "peer"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(PAGES / "peer.html", folder / "index.html")
    esbuild(PAGES / "peer.js", folder / "peer.bundle.js", "esm",
            "--alias:onnxruntime-web=onnxruntime-web-peer")
    data = json.loads((DATA / "resources.json").read_text())
    resources: dict[str, object] = {}
    for ours, theirs in PEER_MODELS.values():
        entry = data[theirs]
        chunks = []
        for chunk in entry["chunks"]:
            chunks.append({"name": chunk["hash"], "hash": chunk["hash"], "offsets": chunk["offsets"]})
            link(DATA / chunk["hash"], folder / chunk["hash"])
        resources[ours] = {"chunks": chunks, "size": entry["size"], "mime": "application/octet-stream"}
    for name in ORT_FILES + PEER_GPU_FILES:
        size = (PEER_ORT / name).stat().st_size
        # The peer turns each resource into a blob: URL of this type; the .mjs must be JavaScript.
        mime = "text/javascript" if name.endswith(".mjs") else "application/wasm"
        resources["/onnxruntime-web/" + name] = {
            "chunks": [{"name": name, "hash": name, "offsets": [0, size]}], "size": size, "mime": mime}
        link(PEER_ORT / name, folder / name)
    (folder / "resources.json").write_text(json.dumps(resources, indent=1))


def build_micro(models: dict[str, Path]) -> None:
    folder = SITE / "micro"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(PAGES / "ort.html", folder / "index.html")
    shutil.copy(PAGES / "ort_page.js", folder / "ort_page.js")
    esbuild(PAGES / "ort_worker.js", folder / "ort_worker.bundle.js", "esm",
            "--conditions=onnxruntime-web-use-extern-wasm")
    for name in ORT_FILES:
        link(OUR_ORT / name, folder / "ort" / name)
    for name, path in models.items():
        link(path.resolve(), folder / "models" / (name + ".onnx"))


def build_photos(photos: dict[str, Path]) -> None:
    for name, path in photos.items():
        link(path.resolve(), SITE / "photos" / name)


def build(models: dict[str, Path], photos: dict[str, Path]) -> Path:
    build_peer()
    build_micro(models)
    build_photos(photos)
    return SITE




class SiteServer:
    """The bench site on a free loopback port: build/serve.py's handler (COOP/COEP, no-cache)
    without the app's Content-Security-Policy, which forbids the blob: module the peer imports
    its onnxruntime glue from. Same interface as tests/support/server.py's Server."""

    def __init__(self, log: Path, root: Path = SITE) -> None:
        sys.path.insert(0, str(ROOT / "tests"))
        from support.server import free_port, wait_listening

        self.port = free_port()
        self.log = log
        self.url = f"http://127.0.0.1:{self.port}/"
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__)), "--serve", str(self.port), str(root), str(log)],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        wait_listening(self.port, "bench site server")

    def requests(self) -> list[str]:
        return self.log.read_text().splitlines() if self.log.exists() else []

    def clear_log(self) -> None:
        self.log.write_text("")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


def serve(port: int, root: Path, log: Path) -> None:
    import functools
    import http.server

    from serve import ISOLATION_HEADERS, Handler

    class BenchHandler(Handler):
        def end_headers(self) -> None:
            for name, value in ISOLATION_HEADERS:
                self.send_header(name, value)
            self.send_header("Cache-Control", "no-cache")
            http.server.SimpleHTTPRequestHandler.end_headers(self)

    BenchHandler.log_file = open(log, "a", buffering=1)
    handler = functools.partial(BenchHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--serve":
        sys.path.insert(0, str(ROOT / "tests"))
        serve(int(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]))
    else:
        build({}, {})
