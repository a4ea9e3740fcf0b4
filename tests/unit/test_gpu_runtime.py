"""The lazy WebGPU runtime in the build: never precached, listed with its sha256 for the
service worker to keep on first use, revalidated by hosts; and the self-test model."""
from __future__ import annotations

import fnmatch
import hashlib
from pathlib import Path

import numpy as np
import onnxruntime

from backgrone.core import devices
from support import modules
from support.offline import build_driver
from support.server import ROOT

LAZY = ["ort-gpu/ort-webgpu.js", "ort-gpu/ort-wasm-simd-threaded.asyncify.wasm", "ort-gpu/selftest.onnx"]


def make_site(root: Path) -> Path:
    for path in LAZY + ["ort-gpu/ort-webgpu.js.map", "index.html", "assets/worker.js"]:
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text("contents of " + path)
    return root


def test_the_runtime_is_not_in_the_shell_but_listed_as_lazy(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    driver = build_driver()
    assert not [path for path in driver.shell_files(site) if path.startswith("ort-gpu/")]
    build = driver.shell_build(site, b"worker code")
    assert build["lazy"] == [{"path": path, "sha256": hashlib.sha256((site / path).read_bytes()).hexdigest()}
                             for path in sorted(LAZY)]
    # A new runtime is a new version, so the service worker's stamp (and its check) changes.
    before = build["version"]
    (site / LAZY[1]).write_text("another onnxruntime-web")
    assert driver.shell_build(site, b"worker code")["version"] != before


def test_hosts_revalidate_the_runtime(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    (site / "models").mkdir()
    build_driver().write_headers(site)
    lines = (site / "_headers").read_text().splitlines()
    policies = [lines[i + 1].strip() for i, line in enumerate(lines)
                if line.startswith("/") and fnmatch.fnmatchcase("/" + LAZY[1], line)
                and i + 1 < len(lines) and "Cache-Control" in lines[i + 1]]
    assert policies == ["Cache-Control: no-cache"]


def test_self_test_model_is_fixed_and_runs() -> None:
    gpu_runtime = modules.load(ROOT / "build" / "gpu_runtime.py", "backgrone_gpu_runtime")
    model = gpu_runtime.self_test_model()
    assert model == gpu_runtime.self_test_model()  # the same bytes every build
    session = onnxruntime.InferenceSession(model, providers=["CPUExecutionProvider"])
    side = devices.SELF_TEST_SIDE
    out = session.run(["output"], {"input": np.zeros((1, 3, side, side), np.float32)})[0]
    assert out.shape == (1, 1, side, side) and 0 < out.min() <= out.max() < 1
