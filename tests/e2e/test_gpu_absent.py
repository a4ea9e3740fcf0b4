"""A browser that offers no WebGPU adapter (the usual headless Chromium): every setting runs on
the CPU, and not one byte of the WebGPU runtime is fetched."""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from support import photos
from support.browser import import_model, remove_background, wait_until
from support.chromium import ChromiumPage, NetLog
from support.models import small_conv_model
from support.server import Server

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(own_model_server: Server) -> Server:
    """The site as a build without Balanced, which takes the tests' own small model file."""
    return own_model_server


def test_no_adapter_never_fetches_the_webgpu_runtime(page: ChromiumPage, server: Server,
                                                     net_log: NetLog, tmp_path: Path) -> None:
    status = "return window.backgrone.status();"
    wait_until(page, "return 'backend' in window.backgrone.status();", 30)
    import_model(page, small_conv_model(tmp_path / "small.onnx", 64))
    buffer = io.BytesIO()
    photos.astronaut().resize((64, 64)).save(buffer, "PNG")
    for device in ("gpu", "auto", "cpu"):
        remove_background(page, buffer.getvalue(), "image/png", "a.png",
                          {"engine": "balanced", "refine": False, "device": device})
        found = page.execute(status)
        assert found["backend"] == "wasm" and found["adapter"] is None
    assert "no adapter" in page.text("[data-device-status]")
    requests = [r["url"] for r in net_log.page_requests(server.origin)]
    assert any("/models/" not in url and url.endswith("/assets/worker.js") for url in requests)
    assert [url for url in requests if "/ort-gpu/" in url] == []
