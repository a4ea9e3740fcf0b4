"""The worker's message loop: takes jobs from the page, runs them one at a time, reports back."""
# __pragma__('skip')
from typing import Any
from backgrone.jsglobals import Promise, console, crossOriginIsolated
# __pragma__('noskip')

from backgrone.core import messages, protocol
from backgrone.core.engines import find_engine
from backgrone.core.messages import AnyError, AppError
from backgrone.worker.models import ModelStore
from backgrone.worker.pipeline import Pipeline
from backgrone.worker.session import Sessions, configure


class WorkerLoop:
    def __init__(self, host: Any) -> None:
        self.scope = host.scope
        threads = configure(host.ort, host.base + "ort/")
        self.pipeline = Pipeline(ModelStore(host.base, host.idb), Sessions(host.ort))
        # Jobs chain on this promise so that they run strictly one after another.
        self.tail = Promise.resolve()
        self.post(protocol.status(threads, bool(crossOriginIsolated)))

    def post(self, message: protocol.Message) -> None:
        self.scope.postMessage(message)

    def on_message(self, event: Any) -> None:
        message = event.data
        if message["kind"] == protocol.PROCESS:
            job = message["job"]
            self.tail = self.tail.then(lambda: self.process(job, message["engine"], message["image"]))

    async def process(self, job: int, engine_id: str, image: Any) -> None:
        def report(stage: str, done: float, total: float) -> None:
            self.post(protocol.progress(job, stage, done, total))

        try:
            engine = find_engine(engine_id)
        except AnyError as exc:
            self.post(protocol.error(job, messages.UNKNOWN_ENGINE, str(exc)))
            return
        try:
            fields = await self.pipeline.run(engine, image, report)
        except AnyError as exc:
            code = exc.code if isinstance(exc, AppError) else messages.INTERNAL
            console.error("backgrone job", job, code, exc)
            self.post(protocol.error(job, code, str(exc)))
            return
        self.post(protocol.result(job, fields["png"], fields["width"], fields["height"], fields["timings"]))


def start(host: Any) -> None:
    loop = WorkerLoop(host)
    host.scope.onmessage = loop.on_message
