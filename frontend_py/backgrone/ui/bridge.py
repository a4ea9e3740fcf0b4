"""The page's side of the worker boundary: one module that owns the Worker object."""
# __pragma__('skip')
from typing import Any, Callable, Dict, List
from backgrone.jsglobals import Error, Promise, Worker, __new__, __pragma__
# __pragma__('noskip')

from backgrone.core import messages, protocol

# __pragma__('skip')
MessageFn = Callable[[protocol.Message], None]
CrashFn = Callable[[str], None]
# __pragma__('noskip')


class WorkerBridge:
    """Starts the worker, forwards messages, and starts a fresh worker if this one dies."""

    def __init__(self, url: str, on_message: MessageFn, on_crash: CrashFn) -> None:
        self.url = url
        self.on_message = on_message
        self.on_crash = on_crash
        self.worker: Any = None
        # Requests awaiting the worker's reply: request id -> [resolve, reject].
        self.pending: Dict[int, List[Any]] = {}
        self.next_request = 1
        self.spawn()

    def spawn(self) -> None:
        __pragma__("jsiter")
        options = {"type": "module", "name": "backgrone"}
        __pragma__("nojsiter")
        self.worker = __new__(Worker(self.url, options))
        self.worker.onmessage = lambda event: self.receive(event.data)
        self.worker.onerror = self.crashed

    def crashed(self, event: Any) -> None:
        detail = event.message if event and event.message else "worker error"
        self.worker.terminate()
        self.reject_pending(detail)
        self.spawn()
        self.on_crash(detail)

    def restart(self, detail: str) -> None:
        """End the worker now (an ORT run cannot be interrupted) and start a fresh one;
        its late messages are dropped, its open requests rejected."""
        self.worker.onmessage = None
        self.worker.onerror = None
        self.worker.terminate()
        self.reject_pending(detail)
        self.spawn()

    def send(self, message: protocol.Message) -> None:
        self.worker.postMessage(message)

    def receive(self, message: protocol.Message) -> None:
        if message["kind"] != protocol.REPLY:
            self.on_message(message)
            return
        request_id = message["request"]
        if request_id not in self.pending:
            return
        resolve, reject = self.pending[request_id]
        del self.pending[request_id]
        if message["code"]:
            reject(__new__(Error(messages.message_for(message["code"], message["detail"]))))
        else:
            resolve(message["value"])

    def request(self, kind: str, engine: str, payload: Any) -> Any:
        """Ask the worker something; a Promise of its answer, rejected with a catalogue message."""
        request_id = self.next_request
        self.next_request += 1

        def executor(resolve: Any, reject: Any) -> None:
            self.pending[request_id] = [resolve, reject]
            self.send(protocol.request(kind, request_id, engine, payload))

        return __new__(Promise(executor))

    def reject_pending(self, detail: str) -> None:
        """A dead worker answers nothing: fail its open requests rather than hang them."""
        for request_id in list(self.pending.keys()):
            self.pending[request_id][1](__new__(Error(messages.message_for(messages.WORKER_CRASHED, detail))))
        self.pending = {}
