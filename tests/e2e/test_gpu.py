"""GPU inference through WebGPU, in Chromium with SwiftShader's adapter (an emulation: correct,
never fast). One browser for the module; tests build on each other's state, in order.

The engine is Balanced with the tests' own small model file (64 x 64 input, run at its declared
size), on a copy of the site that does not bundle Balanced whatever this build bundles
(own_model_server): ORT's WebGPU kernels take seconds per run on SwiftShader even at 320 x 320. Faults go
through the real paths where one exists: a destroyed device (GPUDevice.destroy()) and an fp16
model on an adapter without shader-f16; the self-test mismatch is injected by skewing the GPU's
input (window.backgrone.gpuFault('mismatch')).
"""
from __future__ import annotations

import base64
import hashlib
import io
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from backgrone.core import mask_check
from support import photos
from support import browser as pages
from support.browser import (
    NOTICE, Page, import_model, ready, remove_background, shown, wait_for_text, wait_until,
    wait_until_isolated,
)
from support.chromium import ChromiumPage, NetLog
from support.models import small_conv_model
from support.server import ROOT, Server, altered_site

pytestmark = pytest.mark.e2e

SIDE = 64
RUNTIME = "/ort-gpu/"


TAKES = itertools.count()


def photo() -> bytes:
    """The same 96 x 96 pixels, in bytes of their own each time (a numbered text chunk): the
    worker remembers a photo's mask by its bytes (worker/recall.py), and every run here must be
    a real inference on the device it names."""
    buffer = io.BytesIO()
    info = PngInfo()
    info.add_text("take", str(next(TAKES)))
    photos.astronaut().resize((96, 96)).save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


def status(page: Page) -> dict[str, Any]:
    return dict(page.execute("return window.backgrone.status();"))


# Truthy once the worker has told the page its backend, or the failure the test waits for.
HAS_BACKEND = "return 'backend' in window.backgrone.status();"


def alpha(page: Page, device: str) -> np.ndarray:
    result = remove_background(page, photo(), "image/png", "astronaut.png",
                               {"engine": "balanced", "refine": False, "device": device})
    return np.asarray(Image.open(io.BytesIO(result["png"])))[:, :, 3].astype(float)


def runtime_requests(net_log: NetLog, server: Server) -> list[str]:
    return [r["url"] for r in net_log.page_requests(server.origin) if RUNTIME in r["url"]]


def wait_for_notice(page: Page, words: str) -> str:
    return wait_for_text(page, NOTICE, words)


def retry_gpu(page: Page) -> None:
    """The "Try the GPU again" action: the failure is forgotten and a fresh worker starts."""
    button = "[data-gpu-retry]"
    assert shown(page, button)
    page.click(button)
    wait_until(page, "return window.backgrone.status().failure === ''"
                     " && document.querySelector(arguments[0]).getClientRects().length === 0;", 60, button)


@pytest.fixture(scope="module")
def server(own_model_server: Server) -> Server:
    """This module's origin: the site as a build without Balanced, which takes the own file."""
    return own_model_server


@pytest.fixture(scope="module")
def gpu_page(net_log: NetLog, server: Server,
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromiumPage]:
    page = ChromiumPage.start(net_log.path, webgpu=True)
    try:
        page.get(server.url)
        ready(page)
        wait_until(page, HAS_BACKEND, 30)
        import_model(page, small_conv_model(tmp_path_factory.mktemp("models") / "small.onnx", SIDE))
        yield page
    finally:
        page.quit()


def test_cpu_and_auto_never_fetch_the_webgpu_runtime(gpu_page: Page, server: Server,
                                                     net_log: NetLog) -> None:
    found = status(gpu_page)
    assert found["backend"] == "wasm"
    assert found["adapter"]["architecture"] == "swiftshader" and found["adapter"]["fallback"]
    assert found["f16"] is False
    alpha(gpu_page, "cpu")
    # Auto never picks a software adapter.
    alpha(gpu_page, "auto")
    assert status(gpu_page)["backend"] == "wasm"
    assert "software emulation" in gpu_page.text("[data-device-status]")
    assert runtime_requests(net_log, server) == []


def test_gpu_agrees_with_cpu_and_places_every_node_on_it(gpu_page: Page, server: Server,
                                                        net_log: NetLog) -> None:
    cpu = alpha(gpu_page, "cpu")
    gpu = alpha(gpu_page, "gpu")
    found = status(gpu_page)
    assert found["backend"] == "webgpu" and found["failure"] == "", found
    print("GPU session node placement:", found["placement"])
    assert list(found["placement"]) == ["WebGpuExecutionProvider"]
    assert found["placement"]["WebGpuExecutionProvider"] >= 3  # after ORT fuses Conv+Relu
    diff = np.abs(gpu - cpu)
    print(f"SwiftShader vs CPU: mean abs diff {diff.mean():.4f}/255, max {diff.max():.0f}/255")
    assert diff.mean() <= 1 and gpu.max() - gpu.min() > 100
    fetched = runtime_requests(net_log, server)
    assert any(url.endswith("/ort-gpu/ort-webgpu.js") for url in fetched)
    assert any(url.endswith(".asyncify.wasm") for url in fetched)
    # Kept for offline use by the service worker, each file with the build's sha256.
    kept = {url.split("/ort-gpu/")[1]: digest for url, digest in gpu_page.run_async(KEPT_RUNTIME)}
    for name in ("ort-webgpu.js", "ort-wasm-simd-threaded.asyncify.wasm",
                 "ort-wasm-simd-threaded.asyncify.mjs"):
        assert kept[name] == hashlib.sha256((ROOT / "public" / "ort-gpu" / name).read_bytes()).hexdigest()


KEPT_RUNTIME = """
const name = (await caches.keys()).find(key => key.startsWith('backgrone-lazy '));
if (!name) return [];
const cache = await caches.open(name);
const kept = [];
for (const request of await cache.keys()) {
  kept.push([request.url, (await cache.match(request)).headers.get('X-Backgrone-Sha256')]);
}
return kept;
"""


QUEUE_TWO = """
const jobs = args.map((base64, n) => window.backgrone.removeBackground(
    new File([Uint8Array.from(atob(base64), c => c.charCodeAt(0))], 'photo-' + n + '.png',
             {type: 'image/png'}),
    {engine: 'balanced', refine: false, device: 'gpu'}));
const results = await Promise.all(jobs);
return results.map(result => result.width);
"""


def queue_two(page: Page) -> list[int]:
    return list(page.run_async(QUEUE_TWO, *(base64.b64encode(photo()).decode() for _ in range(2))))


def test_lost_device_finishes_on_the_cpu_and_is_remembered(gpu_page: Page, server: Server,
                                                           net_log: NetLog) -> None:
    gpu_page.run_async("return await window.backgrone.gpuFault('lose');")
    assert queue_two(gpu_page) == [96, 96]  # nothing in the queue is lost
    text = wait_for_notice(gpu_page, "GPU unavailable:")
    assert "device was lost" in text and text.endswith("; using the CPU.")
    found = status(gpu_page)
    assert found["backend"] == "wasm" and "device was lost" in found["failure"]
    # Remembered for this adapter: the next visit goes straight to the CPU.
    before = len(runtime_requests(net_log, server))
    pages.reload(gpu_page)
    ready(gpu_page)
    wait_until(gpu_page, "return (window.backgrone.status().failure || '').includes('device was lost');", 30)
    alpha(gpu_page, "gpu")
    assert status(gpu_page)["backend"] == "wasm"
    assert len(runtime_requests(net_log, server)) == before
    retry_gpu(gpu_page)
    alpha(gpu_page, "gpu")
    assert status(gpu_page)["backend"] == "webgpu"


def test_self_test_mismatch_keeps_the_jobs_on_the_cpu(gpu_page: Page) -> None:
    # The next GPU job runs the self-test again, with the GPU's input skewed.
    gpu_page.run_async("return await window.backgrone.gpuFault('mismatch');")
    assert queue_two(gpu_page) == [96, 96]
    text = wait_for_notice(gpu_page, "self-test")
    assert text.startswith("GPU unavailable: its self-test disagreed with the CPU")
    assert status(gpu_page)["backend"] == "wasm"
    retry_gpu(gpu_page)


def test_a_broken_mask_finishes_on_the_cpu_and_is_remembered(gpu_page: Page) -> None:
    """The GPU session runs on a poisoned input (the "nan" fault: NaN throughout) and hands back
    what a broken kernel would (NaN, or one value where ORT's kernels clamp NaN away): the mask
    check refuses it and the CPU cuts the photo out."""
    cpu = alpha(gpu_page, "cpu")
    alpha(gpu_page, "gpu")
    assert status(gpu_page)["backend"] == "webgpu"
    gpu_page.run_async("return await window.backgrone.gpuFault('nan');")
    mask = alpha(gpu_page, "gpu")
    assert np.abs(mask - cpu).max() <= 1 and mask.max() - mask.min() > 100
    text = wait_for_notice(gpu_page, "GPU unavailable:")
    reasons = [mask_check.NAN, mask_check.FLAT]
    assert "result failed the check" in text and any(reason in text for reason in reasons), text
    found = status(gpu_page)
    assert found["backend"] == "wasm" and "result failed the check" in found["failure"]
    retry_gpu(gpu_page)


def test_preload_opens_the_session_on_the_device_of_the_next_job(gpu_page: Page) -> None:
    gpu_page.execute("window.backgrone.setDevice('gpu');")
    try:
        pages.reload(gpu_page)
        ready(gpu_page)
        # Choosing the saved engine preloads it (the choice is not kept across visits).
        pages.wait_for(gpu_page, "#engine-balanced")
        gpu_page.click("#engine-balanced")
        # Before any job: the saved engine's session is open on the GPU (placement is read
        # when a GPU session is created).
        wait_until(gpu_page, "return Object.keys(window.backgrone.status().placement || {}).length;", 240)
        assert status(gpu_page)["backend"] == "webgpu"
        result = remove_background(gpu_page, photo(), "image/png", "astronaut.png",
                                   {"engine": "balanced", "refine": False, "device": "gpu"})
        assert "session" not in result["timings"]  # nothing was opened for the job
        assert status(gpu_page)["backend"] == "webgpu"
    finally:
        gpu_page.execute("window.backgrone.setDevice('auto');")


def test_session_creation_failure_finishes_on_the_cpu(gpu_page: Page, tmp_path: Path) -> None:
    """fp16 arithmetic on an adapter without shader-f16: ORT refuses the session (it does not
    fall back by itself); the job runs on the CPU, which has fp16 kernels."""
    import_model(gpu_page, small_conv_model(tmp_path / "small-fp16.onnx", SIDE, fp16=True))
    mask = alpha(gpu_page, "gpu")
    assert mask.max() - mask.min() > 100
    text = wait_for_notice(gpu_page, "GPU unavailable:")
    assert "session could not be created" in text and "requires f16" in text
    assert status(gpu_page)["backend"] == "wasm"
    retry_gpu(gpu_page)


@pytest.fixture(scope="module")
def damaged_runtime(own_model_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The module's site with the WebGPU bundle altered on the server (links for everything else)."""
    root = altered_site(own_model_site, tmp_path_factory.mktemp("damaged-runtime"), "ort-gpu/ort-webgpu.js",
                        lambda data: data + b"\n// altered on the way\n")
    running = Server(tmp_path_factory.mktemp("damaged-runtime-log") / "requests.log", root=root)
    yield running
    running.stop()


def test_a_runtime_that_fails_its_check_is_refused(gpu_page: Page, damaged_runtime: Server,
                                                  tmp_path: Path) -> None:
    """The service worker checks each runtime file against the build's sha256: an altered one
    is never run nor kept, and the job runs on the CPU."""
    gpu_page.get(damaged_runtime.url)  # another port: another origin, nothing remembered
    wait_until_isolated(gpu_page)  # the service worker controls the page and its worker
    ready(gpu_page)
    wait_until(gpu_page, HAS_BACKEND, 30)
    import_model(gpu_page, small_conv_model(tmp_path / "small.onnx", SIDE))
    alpha(gpu_page, "gpu")
    text = wait_for_notice(gpu_page, "GPU unavailable:")
    assert "runtime did not start" in text
    assert status(gpu_page)["backend"] == "wasm"
    assert not [url for url, _ in gpu_page.run_async(KEPT_RUNTIME) if url.endswith("ort-webgpu.js")]
