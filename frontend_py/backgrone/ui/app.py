"""The page: file picker, drop and paste, the queue, and window.backgrone for automation."""
# __pragma__('skip')
from typing import Any, Dict, List
from backgrone.jsglobals import Error, Promise, console, __new__, __pragma__
# __pragma__('noskip')

from backgrone.core import jobs, messages, protocol
from backgrone.core.messages import AnyError
from backgrone.core.engines import DEFAULT_ENGINE, find_engine
from backgrone.ui.bridge import WorkerBridge
from backgrone.ui.engine_picker import EnginePicker
from backgrone.ui.queue_view import QueueView
from backgrone.ui import updates


def detach(task: Any) -> None:
    """Let an async task run on its own; its failure is logged, never silently lost."""
    Promise.resolve(task).catch(lambda error: console.warn("backgrone:", error))


class App:
    def __init__(self, host: Any) -> None:
        self.window = host.window
        self.document = host.document
        doc = self.document
        self.queue = jobs.JobQueue()
        self.images: Dict[int, Any] = {}
        # Promise callbacks of jobs started through the API: [resolve, reject].
        self.waiters: Dict[int, List[Any]] = {}
        self.status: Any = None
        self.models_changed = False
        self.view = QueueView(doc, doc.querySelector("[data-queue]"), doc.querySelector("[data-live]"))
        self.ready_callbacks: List[Any] = []
        self.ready = __new__(Promise(lambda resolve, reject: self.ready_callbacks.append(resolve)))
        self.bridge = WorkerBridge(host.workerUrl, self.on_worker_message, self.on_worker_crash)
        self.engines = EnginePicker(doc, doc.querySelector("[data-engine-picker]"), self.bridge, self.preload)
        self.bind_inputs()

    def preload(self, engine_id: str) -> None:
        """Open a cached engine's session now, so the next photo does not wait for it."""
        self.bridge.request(protocol.PRELOAD, engine_id, None).catch(lambda error: None)

    async def start_engines(self) -> None:
        await self.engines.refresh()
        self.preload(self.engines.current())

    def bind_inputs(self) -> None:
        doc = self.document
        picker = doc.querySelector("input[type=file]")
        picker.addEventListener("change", lambda event: self.take_files(picker.files, picker))
        zone = doc.querySelector("[data-dropzone]")

        def over(event: Any) -> None:
            event.preventDefault()
            zone.classList.add("dragging")

        def leave(event: Any) -> None:
            zone.classList.remove("dragging")

        def drop(event: Any) -> None:
            event.preventDefault()
            zone.classList.remove("dragging")
            self.take_files(event.dataTransfer.files, None)

        # The whole page is a drop target: a user should not have to aim.
        doc.addEventListener("dragover", over)
        doc.addEventListener("dragleave", leave)
        doc.addEventListener("drop", drop)
        doc.addEventListener("paste", lambda event: self.take_files(event.clipboardData.files, None))

    def take_files(self, files: Any, picker: Any) -> None:
        for i in range(files.length):
            image = files[i]
            self.add(image, image.js_name or "pasted-image", self.engines.current())
        if picker:
            picker.value = ""

    def add(self, image: Any, file_name: str, engine_id: str) -> jobs.Job:
        job = self.queue.add(file_name, engine_id)
        self.images[job.job_id] = image
        self.view.add(job)
        self.pump()
        return job

    def pump(self) -> None:
        job = self.queue.start_next()
        if job is None:
            return
        self.view.update(job, "")
        self.bridge.send(protocol.process(job.job_id, job.engine, self.images[job.job_id]))

    def on_worker_message(self, message: protocol.Message) -> None:
        kind = message["kind"]
        if kind == protocol.STATUS:
            self.status = message
            for resolve in self.ready_callbacks:
                resolve(True)
            self.ready_callbacks = []
            detach(self.start_engines())
            return
        if kind == protocol.NOTICE:
            text = messages.message_for(message["code"], message["detail"])
            console.warn("backgrone:", text)
            self.engines.say(text)
            self.view.announce(text)
            return
        job = self.queue.find(message["job"])
        if job is None:
            return
        if kind == protocol.PROGRESS:
            job.stage = message["stage"]
            if job.stage == "download":
                self.models_changed = True
            job.progress = protocol.stage_fraction(job.stage, message["done"], message["total"])
            detail = ""
            if job.stage == "download":
                done_mb = str(round(message["done"] / 1048576))
                detail = " " + done_mb + " / " + str(round(message["total"] / 1048576)) + " MB"
            self.view.update(job, detail)
        elif kind == protocol.RESULT:
            job.move(jobs.DONE)
            job.progress = 1.0
            total = message["timings"]["total"]
            self.view.done(job, message["png"], message["width"], message["height"], total)
            self.settle(job.job_id, message, "")
            if self.models_changed:
                # A model was just downloaded and saved: the picker shows it as cached now.
                self.models_changed = False
                detach(self.engines.refresh())
        elif kind == protocol.ERROR:
            self.fail(job, messages.message_for(message["code"], message["detail"]))

    def fail(self, job: jobs.Job, text: str) -> None:
        console.warn("backgrone:", job.file_name, text)
        job.message = text
        job.move(jobs.FAILED)
        self.view.failed(job, text)
        self.settle(job.job_id, None, text)

    def settle(self, job_id: int, message: Any, error: str) -> None:
        del self.images[job_id]
        if job_id in self.waiters:
            resolve, reject = self.waiters[job_id]
            del self.waiters[job_id]
            if error:
                reject(__new__(Error(error)))
            else:
                __pragma__("jsiter")
                answer = {
                    "png": message["png"], "width": message["width"], "height": message["height"],
                    "timings": message["timings"],
                }
                __pragma__("nojsiter")
                resolve(answer)
        self.pump()

    def on_worker_crash(self, detail: str) -> None:
        job = self.queue.running()
        if job is not None:
            self.fail(job, messages.message_for(messages.WORKER_CRASHED, detail))

    async def clear_cache(self) -> int:
        """window.backgrone.clearCache(): delete every saved model; resolves to how many."""
        removed: int = await self.bridge.request(protocol.CLEAR_CACHE, "", None)
        await self.engines.refresh()
        return removed

    def remove_background(self, image: Any, options: Any) -> Any:
        """window.backgrone.removeBackground(blob, {engine}) -> Promise of {png, width, height, timings}."""
        engine_id = options.engine if options and options.engine else DEFAULT_ENGINE

        def executor(resolve: Any, reject: Any) -> None:
            try:
                find_engine(engine_id)
            except AnyError as exc:
                reject(__new__(Error(messages.message_for(messages.UNKNOWN_ENGINE, str(exc)))))
                return
            job = self.add(image, image.js_name if image.js_name else "image", engine_id)
            self.waiters[job.job_id] = [resolve, reject]

        return __new__(Promise(executor))


def start(host: Any) -> None:
    app = App(host)
    __pragma__("jsiter")
    api = {
        "ready": app.ready,
        "removeBackground": app.remove_background,
        "status": lambda: app.status,
        "engines": lambda: app.bridge.request(protocol.ENGINES, "", None),
        "clearCache": app.clear_cache,
    }
    __pragma__("nojsiter")
    host.window.backgrone = api
    # Offline copy, isolation, new versions; a reload must not lose photos in the queue.
    updates.start(host.window, lambda: len(app.queue.jobs) > 0)
