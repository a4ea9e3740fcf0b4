"""Engines, chunked model delivery and the IndexedDB cache, in real Chromium.

One browser for the module; tests run in order and build on each other's state (first visit,
then reloads), as a user's visits do. Models are served no-store, so the HTTP cache cannot
stand in for IndexedDB.
"""
from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from backgrone.core.engines import find_engine
from support import bilinear, photos, reference
from support import browser as pages
from support.browser import NOTICE, Page, ready, remove_background, wait_for, wait_for_text
from support.models import linear_mask_model, linear_mask_reference
from support.server import Server, altered_site

pytestmark = pytest.mark.e2e

def photo_bytes(size: int = 320) -> tuple[Image.Image, bytes]:
    image = photos.astronaut().resize((size, size))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return image, buffer.getvalue()


def engines(page: Page) -> dict[str, dict[str, Any]]:
    listing = page.run_async("return await window.backgrone.engines();")
    return {info["id"]: info for info in listing}


def model_requests(server: Server) -> list[str]:
    return [line for line in server.requests() if "/models/" in line]


def reload(page: Page) -> None:
    pages.reload(page)
    ready(page)


def cutout(page: Page, engine: str, size: int = 320,
           refine: bool = True) -> tuple[Image.Image, dict[str, Any]]:
    image, data = photo_bytes(size)
    options = {"engine": engine, "refine": refine}
    result = remove_background(page, data, "image/png", "astronaut.png", options)
    png = Image.open(io.BytesIO(result["png"]))
    assert png.size == image.size and png.mode == "RGBA"
    return png, result


CORRUPT_CACHED_MODEL = """
const [engine] = args;
const db = await new Promise((resolve, reject) => {
  const open = indexedDB.open('keyval-store');
  open.onsuccess = () => resolve(open.result);
  open.onerror = () => reject(open.error);
});
const store = db.transaction('keyval', 'readwrite').objectStore('keyval');
const done = request => new Promise((resolve, reject) => {
  request.onsuccess = () => resolve(request.result);
  request.onerror = () => reject(request.error);
});
let changed = 0;
for (const key of await done(store.getAllKeys())) {
  if (!String(key).startsWith('model:' + engine + ':')) continue;
  const record = await done(store.get(key));
  // Same size, garbage bytes: passes the cheap size check, fails session creation.
  record.data = new Uint8Array(record.bytes).fill(7).buffer;
  await done(store.put(record, key));
  changed += 1;
}
db.close();
return changed;
"""


def test_first_visit_downloads_verified_chunks(page: Page, server: Server, manifest: dict[str, Any]) -> None:
    listing = engines(page)
    assert listing["lightweight"]["bundled"] and not listing["lightweight"]["cached"]
    assert listing["lightweight"]["bytes"] == find_engine("lightweight").size_bytes
    assert listing["balanced"]["available"] is (listing["balanced"]["bundled"])
    server.clear_log()
    png, result = cutout(page, "lightweight", refine=False)  # the model's own mask, as native
    chunks = manifest["engines"]["lightweight"]["chunks"]
    fetched = model_requests(server)
    for chunk in chunks:
        assert any(chunk["file"] in line for line in fetched), chunk["file"]
    assert len(fetched) == len(chunks), "each chunk once, nothing else under models/"
    assert engines(page)["lightweight"]["cached"]
    # Lightweight agrees with native onnxruntime as Precision does.
    iou, mad = reference.agreement(np.asarray(png)[:, :, 3], reference.alpha(photo_bytes()[0], "lightweight"))
    print(f"lightweight vs native: IoU {iou:.4f}, mean abs diff {mad * 255:.3f}/255")
    assert iou >= reference.MIN_IOU and mad <= reference.MAX_MAD


def test_reload_runs_from_indexeddb_without_model_requests(page: Page, server: Server) -> None:
    server.clear_log()
    reload(page)
    _, result = cutout(page, "lightweight")
    assert model_requests(server) == []
    # The session was created from the IndexedDB copy within this job.
    assert result["timings"]["cache_read"] > 0 and result["timings"]["session"] > 0
    print("reload timings:", {k: round(v) for k, v in result["timings"].items()})


def test_corrupted_cached_model_is_detected_and_recovered(page: Page, server: Server,
                                                          manifest: dict[str, Any]) -> None:
    assert page.run_async(CORRUPT_CACHED_MODEL, "lightweight") == 1
    # The log is cleared before the reload: whatever the new page does on load (a preload of a
    # cached engine) counts too, so no race decides what the assertions see.
    server.clear_log()
    reload(page)
    cutout(page, "lightweight")
    # Session creation failed on the damaged copy, so it was fetched and cached again, once.
    assert len(model_requests(server)) == len(manifest["engines"]["lightweight"]["chunks"])
    assert engines(page)["lightweight"]["cached"]
    server.clear_log()
    reload(page)
    cutout(page, "lightweight")
    assert model_requests(server) == []


def test_switching_engines_and_clearing_the_cache(page: Page, server: Server) -> None:
    precision, _ = cutout(page, "precision", 256)
    lightweight, _ = cutout(page, "lightweight", 256)
    listing = engines(page)
    assert listing["precision"]["cached"] and listing["lightweight"]["cached"]
    # Both engines see the same subject; they are different models, so not the same pixels.
    a, b = np.asarray(precision)[:, :, 3] >= 128, np.asarray(lightweight)[:, :, 3] >= 128
    assert (a & b).sum() / (a | b).sum() > 0.8
    assert page.run_async("return await window.backgrone.clearCache();") == 2
    listing = engines(page)
    assert not listing["precision"]["cached"] and not listing["lightweight"]["cached"]


@pytest.fixture(scope="module")
def damaged_site(site: Path, manifest: dict[str, Any],
                 tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """public/ with one Lightweight chunk corrupted on the server (links for everything else)."""
    victim = manifest["engines"]["lightweight"]["chunks"][3]["file"]

    def flip(data: bytes) -> bytes:
        changed = bytearray(data)
        changed[1000] ^= 0xFF
        return bytes(changed)

    root = altered_site(site, tmp_path_factory.mktemp("damaged"), "models/" + victim, flip)
    running = Server(tmp_path_factory.mktemp("damaged-log") / "requests.log", root=root)
    yield running
    running.stop()


def test_corrupted_chunk_is_rejected_and_nothing_cached(browser: Page, damaged_site: Server) -> None:
    browser.get(damaged_site.url)  # another port: another origin, an empty IndexedDB
    ready(browser)
    _, data = photo_bytes(128)
    with pytest.raises(AssertionError, match="integrity check"):
        remove_background(browser, data, "image/png", "a.png", {"engine": "lightweight"})
    alerts = browser.execute("return Array.from(document.querySelectorAll("
                             "'[data-job][data-state=failed] [role=alert]'), a => a.textContent);")
    assert alerts and "integrity check" in alerts[-1]
    assert not engines(browser)["lightweight"]["cached"]


def test_own_model_file_for_balanced(browser: Page, own_model_server: Server, tmp_path: Path) -> None:
    """A generated model with RMBG-1.4's signature, as a user's own file on a site without
    Balanced (whatever this build bundles), to check the Balanced pre-processing (p/255 - 0.5)
    and min-max output handling against NumPy."""
    browser.get(own_model_server.url)
    ready(browser)
    assert not engines(browser)["balanced"]["bundled"]
    wait_for(browser, "[data-import-model=balanced]")
    wrong = linear_mask_model(tmp_path / "wrong.onnx", output_name="mask")
    browser.click("[data-import-model=balanced]")
    browser.upload("input[data-model-file]", [wrong])
    assert "no output named 'output'" in wait_for_text(browser, NOTICE, "not a model")
    assert not engines(browser)["balanced"]["available"]

    model = linear_mask_model(tmp_path / "rmbg-standin.onnx")
    browser.click("[data-import-model=balanced]")
    browser.upload("input[data-model-file]", [model])
    wait_for_text(browser, NOTICE, "is ready")
    listing = engines(browser)["balanced"]
    assert listing["available"] and listing["cached"] and listing["bytes"] == model.stat().st_size

    png, _ = cutout(browser, "balanced", 300, refine=False)  # the engine's own mask, unrefined
    image = photo_bytes(300)[0]
    raw = linear_mask_reference(reference.input_tensor(image, find_engine("balanced")))
    small = reference.alpha8(raw, find_engine("balanced"))  # stretched min-max, as the engine says
    expected = bilinear.alpha(small, image.width, image.height).astype(int)
    ours = np.asarray(png)[:, :, 3].astype(int)
    mad = np.abs(ours - expected).mean()
    print(f"balanced stand-in vs NumPy: mean abs diff {mad:.3f}/255, max {np.abs(ours - expected).max()}")
    assert mad <= reference.MAX_MAD * 255 and ours.min() < 40 and ours.max() > 215
