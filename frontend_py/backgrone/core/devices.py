"""Where a job runs: the pure routing decision between the GPU (WebGPU) and the CPU (WASM),
the self-test's comparison, and the reading of ORT's node placement log."""
# __pragma__('skip')
from typing import Any, Dict, List
# __pragma__('noskip')

from backgrone.core.engines import GPU_FP16, GPU_NONE

# The user's setting (kept by the page, sent with every job).
DEVICE_AUTO = "auto"
DEVICE_GPU = "gpu"
DEVICE_CPU = "cpu"
DEVICES = [DEVICE_AUTO, DEVICE_GPU, DEVICE_CPU]

# What really runs a session.
BACKEND_WEBGPU = "webgpu"
BACKEND_WASM = "wasm"
# Self-test: the GPU's output on the built-in model must equal the CPU's within this
# (float32 both sides; measured 1e-7 on SwiftShader, a broken driver is off by far more).
SELF_TEST_TOLERANCE = 1e-3
# The lazy WebGPU runtime's folder in the site (build/gpu_runtime.py stages it) and the self-test
# model in it, whose input is [1, 3, SIDE, SIDE]: small, since ORT's kernels are slow on
# emulated adapters, but through the ops ISNet uses (Conv, Relu, MaxPool, Resize, Sigmoid).
GPU_FOLDER = "ort-gpu"
SELF_TEST_MODEL = "selftest.onnx"
SELF_TEST_SIDE = 32

# ORT's verbose log, one line per execution provider under "Node placements".
ALL_PLACED = "All nodes placed on ["
SOME_PLACED = "Node(s) placed on ["
NODE_COUNT = "Number of nodes: "


class Adapter:
    """What navigator.gpu.requestAdapter() told us about the adapter."""

    def __init__(self, vendor: str, architecture: str, fallback: bool, f16: bool) -> None:
        self.vendor = vendor
        self.architecture = architecture
        # A software adapter (SwiftShader): slower than our CPU path.
        self.fallback = fallback
        self.f16 = f16

    def key(self) -> str:
        """The name its remembered failure is stored under."""
        return adapter_key(self.vendor, self.architecture)


def adapter_key(vendor: str, architecture: str) -> str:
    return (vendor or "unknown") + "|" + (architecture or "unknown")


class Route:
    """The decision for one job: `backend`, and in words why it is not the GPU (or "")."""

    def __init__(self, backend: str, reason: str) -> None:
        self.backend = backend
        self.reason = reason


def normalise(setting: Any) -> str:
    """A device setting as the app knows it; anything else (missing, misspelt) is auto."""
    for known in DEVICES:
        if setting == known:
            return known
    return DEVICE_AUTO


def route(setting: str, adapter: Any, form: str, failure: str, extra_download: bool = False) -> Route:
    """Where to run an engine whose GPU form is `form` (core/engines GPU_*), on `adapter` (an
    Adapter, or None when the browser offers none), given a failure remembered for this adapter
    ("" for none); `extra_download`: the GPU form loads another engine's file, not saved yet.

    `auto` takes the GPU only on a hardware adapter and without an extra download; `gpu` forces
    it on any adapter that can run the form; `cpu` never touches it. A remembered failure keeps
    every setting on the CPU until the user asks to try the GPU again.
    """
    choice = normalise(setting)
    if choice == DEVICE_CPU:
        return Route(BACKEND_WASM, "the CPU was chosen")
    if not adapter:
        return Route(BACKEND_WASM, "this browser offers no WebGPU adapter")
    if form == GPU_NONE:
        return Route(BACKEND_WASM, "this engine has no GPU form")
    if form == GPU_FP16 and not adapter.f16:
        return Route(BACKEND_WASM, "this engine's GPU form needs shader-f16, which the adapter lacks")
    if failure:
        return Route(BACKEND_WASM, "the GPU failed before: " + failure)
    if choice == DEVICE_AUTO and adapter.fallback:
        return Route(BACKEND_WASM, "the adapter is a software emulation, slower than the CPU")
    if choice == DEVICE_AUTO and extra_download:
        # Lightweight's GPU form is Precision's file: the user chose the small download.
        return Route(BACKEND_WASM, "its GPU form is a larger download (choose GPU to allow it)")
    return Route(BACKEND_WEBGPU, "")


def largest_difference(a: Any, b: Any, count: int) -> float:
    """max |a[i] - b[i]| over the first `count` values (typed arrays or lists)."""
    worst = 0.0
    for i in range(count):
        gap = a[i] - b[i]
        if gap < 0:
            gap = -gap
        # NaN compares false with everything: count it as the worst mismatch there is.
        if not (gap <= worst) and not (gap >= 0):
            return 1e30
        if gap > worst:
            worst = gap
    return worst


def placement(lines: List[str]) -> Dict[str, int]:
    """Nodes per execution provider, from ORT's verbose "Node placements" log lines."""
    counts: Dict[str, int] = {}
    for line in lines:
        start = line.find(ALL_PLACED)
        if start < 0:
            start = line.find(SOME_PLACED)
            if start < 0:
                continue
            start += len(SOME_PLACED)
        else:
            start += len(ALL_PLACED)
        end = line.find("]", start)
        count_at = line.find(NODE_COUNT, end)
        if end < 0 or count_at < 0:
            continue
        digits = ""
        for ch in line[count_at + len(NODE_COUNT):]:
            if ch < "0" or ch > "9":
                break
            digits += ch
        if digits:
            counts[line[start:end]] = int(digits)
    return counts
