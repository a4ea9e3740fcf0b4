"""The page's side of the export worker (worker/exporter.py): requests in, promises out."""
# __pragma__('skip')
from typing import Any, Dict, List
from backgrone.jsglobals import Error, Promise, Worker, console, __new__, __pragma__
# __pragma__('noskip')

from backgrone.core import messages, output

WORKER_NAME = "backgrone-export"


class ExportClient:
    def __init__(self, url: str) -> None:
        self.url = url
        self.worker: Any = None
        self.pending: Dict[int, List[Any]] = {}
        self.next_request = 1

    def ensure(self) -> None:
        """Started on first use: a visitor who never downloads never pays for it."""
        if self.worker:
            return
        __pragma__("jsiter")
        options = {"type": "module", "name": WORKER_NAME}
        __pragma__("nojsiter")
        self.worker = __new__(Worker(self.url, options))
        self.worker.onmessage = lambda event: self.receive(event.data)
        self.worker.onerror = self.crashed

    def crashed(self, event: Any) -> None:
        """The worker died: its open requests fail; the next request starts a fresh one."""
        if event:
            event.preventDefault()  # reported below, with what it cost
        detail = event.message if event and event.message else "export worker error"
        console.error("backgrone: the export worker crashed:", detail)
        self.worker.terminate()
        self.worker = None
        waiting = self.pending
        self.pending = {}
        text = messages.message_for(messages.EXPORTER_CRASHED, detail)
        for request_id in list(waiting.keys()):
            waiting[request_id][1](__new__(Error(text)))

    def receive(self, message: Any) -> None:
        request_id = message["request"]
        if request_id not in self.pending:
            return
        resolve, reject = self.pending[request_id]
        del self.pending[request_id]
        if message["code"]:
            reject(__new__(Error(messages.message_for(message["code"], message["detail"]))))
        else:
            resolve(message["value"])

    def ask(self, build: Any) -> Any:
        """Send the message `build(request_id)` makes; a Promise of the reply's value."""
        self.ensure()
        request_id = self.next_request
        self.next_request += 1

        def executor(resolve: Any, reject: Any) -> None:
            self.pending[request_id] = [resolve, reject]
            self.worker.postMessage(build(request_id))

        return __new__(Promise(executor))

    def layers(self, cutout: Any, photo: Any) -> Any:
        """Promise of {alpha, colour, width, height}: the cutout's alpha channel as bytes and
        the brush's colours as an opaque ImageBitmap (core/brush.colour_layer)."""
        return self.ask(lambda request_id: output.layers_request(request_id, cutout, photo))

    def export(self, photo: Any, cutout: Any, alpha: Any, settings: output.OutputSettings,
               image: Any) -> Any:
        """Promise of the download's Blob."""
        return self.ask(lambda request_id: output.export_request(request_id, photo, cutout, alpha,
                                                                 settings, image))

    def crash(self) -> None:
        """Fault injection for the tests: the worker crashes on the next request it gets."""
        self.ensure()
        self.worker.postMessage(output.crash_request())

    def zip(self, names: List[str], blobs: List[Any]) -> Any:
        return self.ask(lambda request_id: output.zip_request(request_id, names, blobs))
