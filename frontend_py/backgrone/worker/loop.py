"""The worker's message loop: takes jobs and requests from the page, runs them one at a time."""
# __pragma__('skip')
from typing import Any
from backgrone.jsglobals import Promise, Uint8Array, console, crossOriginIsolated, __new__
# __pragma__('noskip')

from backgrone.core import devices, errors, protocol
from backgrone.core.engines import Engine, find_engine
from backgrone.core.errors import AnyError, AppError
from backgrone.worker.models import SOURCE_USER, ModelStore
from backgrone.web import sha256_hex
from backgrone.worker.replies import Replier
from backgrone.worker.pipeline import Pipeline
from backgrone.worker.gpu import Gpu
from backgrone.worker.heic import HeicDecoder
from backgrone.worker.routing import RoutedSessions
from backgrone.worker.session import Sessions, configure, shares_memory


class WorkerLoop:
    def __init__(self, host: Any) -> None:
        self.scope = host.scope
        threads = configure(host.ort, host.base + "ort/")
        self.store = ModelStore(host.base, host.idb, host.manifest)
        self.gpu = Gpu(host, host.ort)
        self.sessions = RoutedSessions(Sessions(host.ort, self.tell_threads), self.gpu, self.store,
                                       self.post, threads)
        self.pipeline = Pipeline(self.store, self.sessions, host.zlib, HeicDecoder(host))
        # Jobs and cache changes chain on this promise so that they run strictly in order.
        self.tail = Promise.resolve()
        self.told_cache_failure = False
        self.replies = Replier(self.scope, errors.INTERNAL, "request")
        # Ready at once, with the count asked for; told again once ORT runs (tell_threads).
        self.post(protocol.status(threads, bool(crossOriginIsolated), shares_memory(), False))
        # The adapter is probed at once (no download): status() says what would run.
        self.then(self.sessions.start)

    def post(self, message: protocol.Message) -> None:
        self.scope.postMessage(message)

    def tell_threads(self, threads: int) -> None:
        """The thread count read back from ORT after its first session: what it runs with."""
        self.post(protocol.status(threads, bool(crossOriginIsolated), shares_memory(), True))

    def then(self, step: Any) -> None:
        self.tail = self.tail.then(step)

    def on_message(self, event: Any) -> None:
        message = event.data
        kind = message["kind"]
        if kind == protocol.PROCESS:
            job = message["job"]
            # protocol.process always says; a message without the field is not refined.
            refine = message["refine"] is True
            device = message["device"]
            self.then(lambda: self.process(job, message["engine"], message["image"], refine, device,
                                           message["hints"], message["strokes"]))
        elif kind == protocol.LIST_ENGINES:
            # Read-only, so it need not wait behind a running job.
            Promise.resolve(self.replies.answer(message, self.store.describe))
        elif kind == protocol.CLEAR_CACHE:
            self.then(lambda: self.replies.answer(message, self.store.clear))
        elif kind == protocol.IMPORT_MODEL:
            self.then(lambda: self.replies.answer(message, lambda: self.import_model(message)))
        elif kind == protocol.PRELOAD:
            self.then(lambda: self.replies.answer(message, lambda: self.preload(message["engine"],
                                                                                message["device"])))
        elif kind == protocol.CANVAS_LIMIT:
            self.pipeline.canvas_limit = message["pixels"]
            self.pipeline.band_pixels = message["band_pixels"]
        elif kind == protocol.GPU_RETRY:
            self.then(lambda: self.replies.answer(message, self.gpu.forget))
        elif kind == protocol.GPU_FAULT:
            self.then(lambda: self.replies.answer(message, lambda: self.gpu.inject(message["fault"])))
        elif kind == protocol.CRASH:
            raise AppError(errors.WORKER_CRASHED, "crash requested by the page")

    async def preload(self, engine_id: str, device: str) -> bool:
        """Open a cached engine's session ahead of the first job, routed as that job will be
        under the Device setting `device` (a GPU session, or the CPU's); never downloads."""
        engine = find_engine(engine_id)
        if not await self.store.cached_record(engine):
            return False
        await self.sessions.prepare(engine, devices.normalise(device))
        if self.sessions.current(engine):
            return False
        # A damaged cached copy is dropped here and fetched by the first job that needs it.
        return await self.pipeline.ensure_session(engine, lambda stage, done, total: None, {}, False)

    async def import_model(self, message: Any) -> Any:
        """Validate a user's .onnx file for an engine, cache it, and keep its session open."""
        engine: Engine = find_engine(message["engine"])
        if self.store.entry(engine):
            raise AppError(errors.MODEL_INVALID, engine.label + " is bundled with this site")
        model = __new__(Uint8Array(await message["model"].arrayBuffer()))
        # Checked on the CPU: a file the GPU cannot run is still a valid model (its jobs fall back).
        await self.sessions.prepare(engine, devices.DEVICE_CPU)
        try:
            await self.sessions.open(engine, model)
        except AnyError as exc:
            raise AppError(errors.MODEL_INVALID, str(exc))
        problem = self.sessions.validate(engine)
        if problem:
            await self.sessions.close()
            raise AppError(errors.MODEL_INVALID, problem)
        await self.store.store(engine, await sha256_hex(model), SOURCE_USER, model)
        # Masks the engine's previous model made are not this model's.
        self.pipeline.recall.forget(engine.engine_id)
        self.tell_cache_failure()
        return await self.store.describe()

    def tell_cache_failure(self) -> None:
        if self.store.cache_failure and not self.told_cache_failure:
            self.told_cache_failure = True
            self.post(protocol.notice(errors.STORAGE_FULL, self.store.cache_failure))

    async def process(self, job: int, engine_id: str, image: Any, refine: bool, device: str,
                      hints: Any, strokes: Any) -> None:
        def report(stage: str, done: float, total: float) -> None:
            self.post(protocol.progress(job, stage, done, total))

        try:
            engine = find_engine(engine_id)
        except AnyError as exc:
            self.post(protocol.error(job, errors.UNKNOWN_ENGINE, str(exc)))
            return
        try:
            await self.sessions.prepare(engine, device)
            cutout = await self.pipeline.run(engine, image, report, refine, hints, strokes)
        except AnyError as exc:
            code = errors.code_of(exc, errors.INTERNAL)
            console.error("backgrone job", job, code, exc)
            self.post(protocol.error(job, code, str(exc)))
            return
        finally:
            self.tell_cache_failure()
        self.post(protocol.result(job, cutout.png, cutout.width, cutout.height, cutout.timings,
                                  cutout.confidence))


def start(host: Any) -> None:
    loop = WorkerLoop(host)
    host.scope.onmessage = loop.on_message
