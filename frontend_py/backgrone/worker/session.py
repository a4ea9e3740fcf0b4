"""onnxruntime-web: thread set-up, one live session, and a run that asks for the mask only."""
# __pragma__('skip')
from typing import Any
from backgrone.jsglobals import (MessageChannel, SharedArrayBuffer, Uint8Array, WebAssembly,
                                 crossOriginIsolated, navigator, __new__, __pragma__, __typeof__)
# __pragma__('noskip')

from backgrone.core.engines import Engine
from backgrone.core.errors import AnyError
from backgrone.core.threads import threads_to_ask

# The smallest module using WebAssembly threads: a shared memory (limits flag 3: shared, with a
# maximum; 1 page) and one function doing `i32.const 0; i32.atomic.load; drop`.
ATOMICS_MODULE = [
    0, 97, 115, 109, 1, 0, 0, 0,  # "\0asm", version 1
    1, 4, 1, 96, 0, 0,  # types: one, () -> ()
    3, 2, 1, 0,  # functions: one, of type 0
    5, 4, 1, 3, 1, 1,  # memories: one, shared, min 1, max 1
    10, 11, 1, 9, 0, 65, 0, 254, 16, 2, 0, 26, 11,  # code: the body above
]


def shares_memory() -> bool:
    """ORT's own test before it starts threads (isMultiThreadSupported in onnxruntime-web's
    wasm-factory): a SharedArrayBuffer global, one that can be posted, and WebAssembly
    atomics. Where it fails ORT silently runs 1 thread, whatever numThreads says."""
    if __typeof__(SharedArrayBuffer) == "undefined":
        return False
    try:
        if __typeof__(MessageChannel) != "undefined":
            __new__(MessageChannel()).port1.postMessage(__new__(SharedArrayBuffer(1)))
        return bool(WebAssembly.validate(__new__(Uint8Array(ATOMICS_MODULE))))
    except AnyError:
        return False


def configure(ort: Any, wasm_base: str) -> int:
    """Set ORT's environment before the first session; returns the thread count asked for."""
    threads = threads_to_ask(bool(crossOriginIsolated), shares_memory(), navigator.hardwareConcurrency or 1)
    # Without wasmPaths the threads load the worker bundle itself and hang silently.
    ort.env.wasm.wasmPaths = wasm_base
    ort.env.wasm.numThreads = threads
    ort.env.wasm.proxy = False
    return threads


class Sessions:
    """Keeps the session of the engine in use; another engine's session is released first,
    since each holds hundreds of MB of WASM heap."""

    def __init__(self, ort: Any, on_first_open: Any, options: Any = None) -> None:
        self.ort = ort
        # How sessions are created (the GPU's differ: worker/gpu.py); by default the CPU's.
        __pragma__("jsiter")
        self.options = options or {"executionProviders": ["wasm"], "graphOptimizationLevel": "all"}
        __pragma__("nojsiter")
        self.engine_id = ""
        self.session: Any = None
        # Called once, with the thread count, when ORT has started (its first session).
        self.on_first_open = on_first_open

    def current(self, engine: Engine) -> Any:
        if self.engine_id == engine.engine_id:
            return self.session
        return None

    async def open(self, engine: Engine, model: Any) -> Any:
        await self.close()
        self.session = await self.ort.InferenceSession.create(model, self.options)
        self.engine_id = engine.engine_id
        if self.on_first_open:
            told = self.on_first_open
            self.on_first_open = None
            told(self.threads())
        return self.session

    def threads(self) -> int:
        """The thread count ORT runs with: it lowers env.wasm.numThreads to 1 when it falls
        back, on starting its WebAssembly (the first session), so read it after one exists."""
        threads: int = self.ort.env.wasm.numThreads or 1
        return threads

    def validate(self, engine: Engine) -> str:
        """Why the open session cannot serve `engine` (wrong names or input shape), or ""."""
        session = self.session
        if session.inputNames.indexOf(engine.input_name) < 0:
            return "no input named '" + engine.input_name + "'"
        if session.outputNames.indexOf(engine.output_name) < 0:
            return "no output named '" + engine.output_name + "'"
        # A fixed square size other than the table's is the model's own (see input_size).
        side = self.input_size(engine)
        expected = [1, 3, side, side]
        for meta in session.inputMetadata or []:
            if meta.js_name == engine.input_name and meta.shape:
                shape = meta.shape
                if shape.length != 4:
                    return "input has " + str(shape.length) + " dimensions, expected 4"
                for axis in range(4):
                    # Symbolic dimensions (strings) accept any size.
                    if __typeof__(shape[axis]) == "number" and shape[axis] != expected[axis]:
                        return "input shape is not [1, 3, " + str(engine.input_size) + ", " + \
                            str(engine.input_size) + "]"
        return ""

    def input_size(self, engine: Engine) -> int:
        """The side the open session's model declares for its square input, else the table's:
        a model made for another size (a user's own file, the tests' small models) runs at it."""
        for meta in self.session.inputMetadata or []:
            if meta.js_name == engine.input_name and meta.shape and meta.shape.length == 4:
                side = meta.shape[2]
                if __typeof__(side) == "number" and side > 0 and meta.shape[3] == side:
                    return int(side)
        return engine.input_size

    async def close(self) -> None:
        if self.session:
            session = self.session
            self.session = None
            self.engine_id = ""
            await session.release()

    async def run(self, engine: Engine, pixels: Any) -> Any:
        """Run the model on an NCHW Float32Array; returns the output's Float32Array."""
        size = engine.input_size
        tensor = __new__(self.ort.Tensor("float32", pixels, [1, 3, size, size]))
        __pragma__("jsiter")
        feeds = {}
        __pragma__("nojsiter")
        feeds[engine.input_name] = tensor
        # ISNet has eleven large side outputs besides the mask: fetch the mask only.
        outputs = await self.session.run(feeds, [engine.output_name])
        return outputs[engine.output_name].data
