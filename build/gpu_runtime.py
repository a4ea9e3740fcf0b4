"""The lazy WebGPU runtime in public/ort-gpu/: ORT's WebGPU bundle and its asyncify .mjs/.wasm
(~27 MB), and the self-test model. Never precached: the service worker keeps each file on first
use, checked against the sha256 listed here (lazy_files)."""
from __future__ import annotations

import hashlib
from pathlib import Path

from bundler import esbuild
from layout import NODE_MODULES, PUBLIC, ROOT, SOURCE, copy_if_changed, up_to_date, write_if_changed
from backgrone.core.devices import GPU_FOLDER, SELF_TEST_MODEL, SELF_TEST_SIDE

BUNDLE = "ort-webgpu.js"
ORT_GPU_FILES = ("ort-wasm-simd-threaded.asyncify.wasm", "ort-wasm-simd-threaded.asyncify.mjs")


def self_test_model() -> bytes:
    """A fixed small convolutional model, the same bytes every build."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(13)

    def weights(name: str, shape: tuple[int, ...]) -> onnx.TensorProto:
        return numpy_helper.from_array(rng.normal(0, 0.4, shape).astype(np.float32), name)

    nodes = [
        helper.make_node("Conv", ["input", "w1", "b1"], ["c1"], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c1"], ["r1"]),
        helper.make_node("MaxPool", ["r1"], ["p1"], kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Conv", ["p1", "w2", "b2"], ["c2"], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c2"], ["r2"]),
        helper.make_node("Resize", ["r2", "", "scales"], ["up"], mode="linear"),
        helper.make_node("Concat", ["up", "r1"], ["cat"], axis=1),
        helper.make_node("Conv", ["cat", "w3", "b3"], ["c3"]),
        helper.make_node("Sigmoid", ["c3"], ["output"]),
    ]
    side = SELF_TEST_SIDE
    graph = helper.make_graph(
        nodes, "selftest",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, side, side])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 1, side, side])],
        [weights("w1", (8, 3, 3, 3)), weights("b1", (8,)), weights("w2", (8, 8, 3, 3)),
         weights("b2", (8,)), weights("w3", (1, 16, 1, 1)), weights("b3", (1,)),
         numpy_helper.from_array(np.array([1, 1, 2, 2], dtype=np.float32), "scales")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return bytes(model.SerializeToString())


def stage_gpu_runtime(force: bool) -> None:
    folder = PUBLIC / GPU_FOLDER
    for name in ORT_GPU_FILES:
        copy_if_changed(NODE_MODULES / "onnxruntime-web" / "dist" / name, folder / name)
    shim = SOURCE / "backgrone" / "shims" / "webgpu.js"
    target = folder / BUNDLE
    if force or not up_to_date([target], [shim, ROOT / "package-lock.json"]):
        esbuild(shim, target, "esm", "--conditions=onnxruntime-web-use-extern-wasm")
    # The model's input size is core/devices.SELF_TEST_SIDE.
    made_from = [Path(__file__), SOURCE / "backgrone" / "core" / "devices.py"]
    if force or not up_to_date([folder / SELF_TEST_MODEL], made_from):
        write_if_changed(folder / SELF_TEST_MODEL, self_test_model())
        (folder / SELF_TEST_MODEL).touch()


def lazy_files(site: Path) -> list[dict[str, str]]:
    """[{path, sha256}] of the lazy runtime, for the service worker's stamp."""
    return [{"path": "/".join(path.relative_to(site).parts),
             "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
            for path in sorted((site / GPU_FOLDER).glob("*")) if path.is_file() and path.suffix != ".map"]
