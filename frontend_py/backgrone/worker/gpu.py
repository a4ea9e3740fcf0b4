"""The GPU side of the job worker: the adapter, the lazily loaded WebGPU runtime, its start-up
self-test against the CPU, node placement read from ORT's log, and the failure remembered per
adapter (IndexedDB), so that a known-bad GPU is not retried on every visit."""
# __pragma__('skip')
from typing import Any, Dict, List
from backgrone.jsglobals import Float32Array, Promise, console, fetch, navigator, __new__, __pragma__
# __pragma__('noskip')
import math

from backgrone.core import devices
from backgrone.core.errors import AnyError

FAILURE_PREFIX = "gpu-failure:"
# Markers of ORT's verbose and informational log lines, asked for only to read placements.
CHATTY = ["[V:onnxruntime", "[I:onnxruntime"]


def self_test_input() -> Any:
    """A fixed pattern over the self-test model's input, in the range ISNet's inputs have."""
    count = 3 * devices.SELF_TEST_SIDE * devices.SELF_TEST_SIDE
    values = __new__(Float32Array(count))
    for i in range(count):
        values[i] = 0.5 * math.sin(i * 0.37) + 0.25 * math.cos(i * 0.011)
    return values


class LogTap:
    """ORT prints its log through console.error, bound when its module loads: installed before
    the WebGPU runtime is imported, this keeps the lines of one session's creation (for its node
    placement) and keeps the verbose ones asked for that purpose out of the console."""

    def __init__(self) -> None:
        self.lines: List[str] = []
        self.capturing = False
        original = console.error

        def tapped(*args: Any) -> None:
            text = " ".join([str(arg) for arg in args])
            chatty = False
            for marker in CHATTY:
                if text.find(marker) >= 0:
                    chatty = True
            if self.capturing and chatty:
                self.lines.append(text)
            if not chatty:
                original.apply(console, args)

        console.error = tapped

    def start(self) -> None:
        self.lines = []
        self.capturing = True

    def stop(self) -> Dict[str, int]:
        self.capturing = False
        return devices.placement(self.lines)


class Gpu:
    """One per job worker. A lost device or a failed self-test leaves the runtime unusable
    here: the page restarts the worker when the user asks to try the GPU again."""

    def __init__(self, host: Any, cpu_ort: Any) -> None:
        self.host = host
        self.cpu_ort = cpu_ort
        self.adapter: Any = None
        self.probed = False
        self.ort: Any = None
        self.tap: Any = None
        self.keeper: Any = None  # the GPU self-test's session, kept (see self_test)
        # "" before the self-test, "ok" once passed, else why the GPU is not used.
        self.tested = ""
        self.failure = ""
        self.fault = ""  # a test's injected fault (protocol.GPU_FAULT)
        self.on_failure: Any = None  # (reason) -> None, told of each new failure

    async def probe(self) -> Any:
        """The adapter (a core/devices Adapter) or None; asked once, without any download."""
        if self.probed:
            return self.adapter
        self.probed = True
        try:
            if not navigator.gpu:
                return None
            found = await navigator.gpu.requestAdapter()
        except AnyError as exc:
            console.warn("backgrone: no WebGPU adapter:", exc)
            return None
        if not found:
            return None
        info: Any = found.info
        vendor = str(info.vendor or "") if info else ""
        architecture = str(info.architecture or "") if info else ""
        fallback = bool((info and info.isFallbackAdapter) or found.isFallbackAdapter)
        self.adapter = devices.Adapter(vendor, architecture, fallback, bool(found.features.has("shader-f16")))
        try:
            remembered = await self.host.idb.read(FAILURE_PREFIX + self.adapter.key())
        except AnyError as exc:
            remembered = ""  # storage blocked: nothing was remembered either
            console.warn("backgrone: no remembered GPU failure can be read:", exc)
        if remembered:
            self.failure = str(remembered)
        return self.adapter

    async def fail(self, reason: str) -> None:
        """Remember `reason` for this adapter (this visit and the next ones) and say so once."""
        if self.failure:
            return
        self.failure = reason
        console.warn("backgrone: GPU unavailable:", reason)
        if self.adapter:
            try:
                await self.host.idb.write(FAILURE_PREFIX + self.adapter.key(), reason)
            except AnyError as exc:
                console.warn("backgrone: the GPU failure could not be saved:", exc)
        if self.on_failure:
            self.on_failure(reason)

    async def forget(self) -> None:
        """The user asked to try the GPU again."""
        self.failure = ""
        if self.adapter:
            await self.host.idb.remove(FAILURE_PREFIX + self.adapter.key())

    async def runtime(self) -> Any:
        """The WebGPU build of ORT, imported on first use (~27 MB, kept by the service worker)."""
        if not self.ort:
            self.tap = LogTap()
            ort = await self.host.loadGpu()
            ort.env.wasm.wasmPaths = self.host.base + devices.GPU_FOLDER + "/"
            # The GPU does the arithmetic: no thread pool (and no second set of thread workers).
            ort.env.wasm.numThreads = 1
            ort.env.wasm.proxy = False
            self.ort = ort
        return self.ort

    async def ready(self) -> bool:
        """The runtime loaded and its self-test passed (once per worker); False after a
        failure, which is remembered."""
        if self.failure:
            return False
        if self.tested == "ok":
            return True
        try:
            await self.runtime()
            worst = await self.self_test()
        except AnyError as exc:
            await self.fail("the WebGPU runtime did not start (" + str(exc) + ")")
            return False
        if not (worst <= devices.SELF_TEST_TOLERANCE):
            await self.fail("its self-test disagreed with the CPU (largest difference " + str(worst) + ")")
            return False
        self.tested = "ok"
        self.watch_device()
        return True

    async def self_test(self) -> float:
        """The built-in model on the GPU and on the CPU; the largest difference of the outputs."""
        response = await fetch(self.host.base + devices.GPU_FOLDER + "/" + devices.SELF_TEST_MODEL)
        model = await response.arrayBuffer()
        pixels = self_test_input()
        gpu_input = pixels
        if self.fault == "mismatch":
            self.fault = ""
            gpu_input = __new__(Float32Array(pixels.length))
            for i in range(pixels.length):
                gpu_input[i] = pixels[i] + 0.5
        on_gpu = await self.self_test_run(self.ort, "webgpu", gpu_input, model)
        on_cpu = await self.self_test_run(self.cpu_ort, "wasm", pixels, model)
        return devices.largest_difference(on_gpu, on_cpu, devices.SELF_TEST_SIDE * devices.SELF_TEST_SIDE)

    async def self_test_run(self, ort: Any, provider: str, pixels: Any, model: Any) -> Any:
        """The self-test model's output for `pixels` through this runtime and execution provider."""
        __pragma__("jsiter")
        options = {"executionProviders": [provider]}
        __pragma__("nojsiter")
        session = await ort.InferenceSession.create(model.slice(0), options)
        side = devices.SELF_TEST_SIDE
        tensor = __new__(ort.Tensor("float32", pixels, [1, 3, side, side]))
        __pragma__("jsiter")
        feeds = {"input": tensor}
        __pragma__("nojsiter")
        result = await session.run(feeds)
        if ort == self.ort:
            # ORT destroys its WebGPU device with the last session released: this small
            # session keeps it, and the device watched for loss is the one every session uses.
            self.keeper = session
        else:
            await session.release()
        return result["output"].data

    def watch_device(self) -> None:
        """A lost device (driver reset, another tab's crash, destroy()) is a remembered failure."""
        def watch(device: Any) -> None:
            if device and device.lost:
                device.lost.then(lambda info: self.fail("the GPU device was lost (" + str(info.message) +
                                                        ")"))

        Promise.resolve(self.ort.env.webgpu.device).then(watch, lambda error: None)

    async def inject(self, fault: str) -> bool:
        """Fault injection for the tests, through the real paths: "lose" destroys the device
        ORT uses, "mismatch" skews the GPU's input in the next self-test."""
        if fault == "lose" and self.ort:
            device = await Promise.resolve(self.ort.env.webgpu.device)
            device.destroy()
            await device.lost
            return True
        self.fault = fault
        if fault == "mismatch":
            self.tested = ""  # the next GPU job tests again, with the fault
        return True

    def session_options(self) -> Any:
        """What a GPU session is created with: verbose logging, for the node placement."""
        __pragma__("jsiter")
        options = {"executionProviders": ["webgpu"], "graphOptimizationLevel": "all",
                   "logSeverityLevel": 0, "logVerbosityLevel": 0}
        __pragma__("nojsiter")
        return options
