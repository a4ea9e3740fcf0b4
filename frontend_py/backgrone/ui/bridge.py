"""The page's side of the worker boundary: one module that owns the Worker object."""
# __pragma__('skip')
from typing import Any, Callable
from backgrone.jsglobals import Worker, __new__, __pragma__
# __pragma__('noskip')

from backgrone.core import protocol

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
        self.spawn()

    def spawn(self) -> None:
        __pragma__("jsiter")
        options = {"type": "module", "name": "backgrone"}
        __pragma__("nojsiter")
        self.worker = __new__(Worker(self.url, options))
        self.worker.onmessage = lambda event: self.on_message(event.data)
        self.worker.onerror = self.crashed

    def crashed(self, event: Any) -> None:
        detail = event.message if event and event.message else "worker error"
        self.worker.terminate()
        self.spawn()
        self.on_crash(detail)

    def send(self, message: protocol.Message) -> None:
        self.worker.postMessage(message)
