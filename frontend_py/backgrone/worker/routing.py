"""The sessions the pipeline uses, on the device each job is routed to (core/devices.route):
the CPU's (WASM) or the GPU's (WebGPU). A GPU that fails while creating a session or during a
run hands the job to the CPU, which finishes it; the failure is remembered (worker/gpu.py)."""
# __pragma__('skip')
from typing import Any, Dict
from backgrone.jsglobals import console
# __pragma__('noskip')

from backgrone.core import devices, errors, protocol
from backgrone.core.engines import Engine, find_engine, with_input_size
from backgrone.core.errors import AnyError
from backgrone.worker.gpu import Gpu
from backgrone.worker.models import ModelStore
from backgrone.worker.session import Sessions


class RoutedSessions:
    """Has the interface of worker/session.Sessions; `prepare` routes the next job."""

    def __init__(self, cpu: Sessions, gpu: Gpu, store: ModelStore, post: Any, threads: int) -> None:
        self.cpu = cpu
        self.gpu = gpu
        self.gpu_sessions: Any = None
        self.store = store
        self.post = post
        self.threads = threads
        self.backend = devices.BACKEND_WASM
        self.placement: Dict[str, int] = {}
        # Why the last job's route was not the GPU ("" when it was).
        self.reason = ""
        gpu.on_failure = self.tell_failure

    def active(self) -> Sessions:
        return self.gpu_sessions if self.backend == devices.BACKEND_WEBGPU else self.cpu

    def tell_failure(self, reason: str) -> None:
        self.post(protocol.notice(errors.GPU_UNAVAILABLE, reason))
        self.use(devices.BACKEND_WASM)

    def use(self, backend: str) -> None:
        self.backend = backend
        self.tell()

    def tell(self) -> None:
        """Post what runs the jobs now (the page's status() and device line)."""
        adapter = self.gpu.adapter
        on_gpu = self.backend == devices.BACKEND_WEBGPU
        self.post(protocol.device(
            self.backend, adapter.vendor if adapter else "", adapter.architecture if adapter else "",
            bool(adapter and adapter.fallback), bool(adapter and adapter.f16),
            1 if on_gpu else self.threads, self.gpu.failure, self.placement if on_gpu else {},
            "" if on_gpu else self.reason))

    async def start(self) -> None:
        await self.gpu.probe()
        self.tell()

    async def prepare(self, engine: Engine, setting: str) -> None:
        """Route the next job with `engine` under the user's device `setting`."""
        adapter = await self.gpu.probe()
        extra = False
        if adapter and engine.gpu_model:
            extra = not await self.store.cached_record(find_engine(engine.gpu_model))
        chosen = devices.route(setting, adapter, engine.gpu_form, self.gpu.failure, extra)
        told = self.reason
        self.reason = chosen.reason
        backend = chosen.backend
        if backend == devices.BACKEND_WEBGPU:
            if not await self.gpu.ready():
                backend = devices.BACKEND_WASM  # the failure was told and remembered
            elif not self.gpu_sessions:
                self.gpu_sessions = Sessions(self.gpu.ort, None, self.gpu.session_options())
        if backend != self.backend:
            # One model in memory at a time: the other device's session goes first.
            await self.active().close()
            self.use(backend)
        elif self.reason != told:
            self.tell()

    def model_for(self, engine: Engine) -> Engine:
        """The engine whose model file the routed device loads (the table's gpu_model)."""
        if self.backend == devices.BACKEND_WEBGPU and engine.gpu_model:
            return find_engine(engine.gpu_model)
        return engine

    def current(self, engine: Engine) -> Any:
        return self.active().current(engine)

    async def open(self, engine: Engine, model: Any) -> Any:
        if self.backend == devices.BACKEND_WEBGPU:
            self.gpu.tap.start()
            try:
                session = await self.gpu_sessions.open(engine, model)
                self.placement = self.gpu.tap.stop()
                self.tell()
                return session
            except AnyError as exc:
                self.gpu.tap.stop()
                await self.gpu.fail("its session could not be created (" + str(exc) + ")")
                self.backend = devices.BACKEND_WASM  # also when an earlier failure was told
                model = await self.own_model(engine, model)
        return await self.cpu.open(engine, model)

    async def own_model(self, engine: Engine, model: Any) -> Any:
        """The engine's own model for the CPU, when the GPU was given another's (gpu_model)."""
        if model and not engine.gpu_model:
            return model
        own = await self.store.cached(engine)
        if own:
            return own
        return await self.store.download(engine, lambda done, total: None)

    def validate(self, engine: Engine) -> str:
        return self.active().validate(engine)

    def sized(self, engine: Engine) -> Engine:
        """`engine` at the input size its open model declares (worker/session.input_size)."""
        return with_input_size(engine, self.active().input_size(engine))

    async def close(self) -> None:
        await self.active().close()

    async def run(self, engine: Engine, pixels: Any) -> Any:
        if self.backend == devices.BACKEND_WEBGPU:
            try:
                return await self.gpu_sessions.run(engine, pixels)
            except AnyError as exc:
                # A lost device, out of memory: this job goes on on the CPU.
                await self.gpu.fail("it failed during a job (" + str(exc) + ")")
                self.backend = devices.BACKEND_WASM
                try:
                    await self.gpu_sessions.close()
                except AnyError as closing:
                    console.warn("backgrone: the GPU session did not close:", closing)
                await self.cpu.open(engine, await self.own_model(engine, None))
        return await self.cpu.run(engine, pixels)
