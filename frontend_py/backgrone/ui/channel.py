"""The page's side of the request channel to a worker (worker/replies.py is the workers' side):
it starts the worker, keeps the pending requests, turns each reply into a Promise, fails them
all when the worker dies, lets a caller give up on one, and ends an idle worker."""
# __pragma__('skip')
from typing import Any, Callable, Dict
from backgrone.jsglobals import Error, Worker, clearTimeout, console, setTimeout, __new__, __pragma__
# __pragma__('noskip')

from backgrone.core import errors, protocol
from backgrone.core.errors import AnyError
from backgrone.ui.deferred import Deferred

# __pragma__('skip')
MessageFn = Callable[[protocol.Message], None]
CrashFn = Callable[[str], None]
BuildFn = Callable[[int], protocol.Message]  # request id -> the request message
# __pragma__('noskip')


def failure(code: str, detail: str) -> Any:
    """The Error a request rejects with: the catalogue's words for `code`."""
    return __new__(Error(errors.message_for(code, detail)))


class WorkerChannel:
    """One worker of the bundle at `url`, started under `name`.

    `crash_code` is the catalogue code open requests fail with when the worker dies. With
    `keep_alive` the worker starts at once and a dead one is replaced at once (the job worker:
    it says when it is ready and holds the model); otherwise it starts on the first request and
    ends after `idle_ms` without one (the export worker: its canvases hold hundreds of MB).
    Messages that are not replies go to `on_message`; `on_crash(detail)` hears of a death.
    """

    def __init__(self, url: str, name: str, crash_code: str, keep_alive: bool, idle_ms: float,
                 on_message: Any, on_crash: Any) -> None:
        self.url = url
        self.name = name
        self.crash_code = crash_code
        self.keep_alive = keep_alive
        self.idle_ms = idle_ms
        self.on_message = on_message
        self.on_crash = on_crash
        self.worker: Any = None
        # Requests awaiting their reply.
        self.pending: Dict[int, Deferred] = {}
        self.next_request = 1
        self.idle_timer: Any = None
        if keep_alive:
            self.ensure()

    def ensure(self) -> Any:
        if not self.worker:
            __pragma__("jsiter")
            options = {"type": "module", "name": self.name}
            __pragma__("nojsiter")
            self.worker = __new__(Worker(self.url, options))
            self.worker.onmessage = lambda event: self.receive(event.data)
            self.worker.onerror = self.crashed
        return self.worker

    def post(self, message: protocol.Message) -> None:
        """A message that gets no reply (a job, fault injection); an idle worker's end is put off,
        so that what it was told is not lost with it."""
        self.hold()
        self.ensure().postMessage(message)
        self.release()

    def ask(self, build: Any, signal: Any = None) -> Any:
        """Send the request `build(request_id)` makes; a Promise of the reply's value, rejected
        with the catalogue's message. An aborted `signal` (AbortSignal) rejects it at once as
        cancelled; the worker's late reply is then dropped."""
        request_id = self.next_request
        self.next_request += 1
        self.hold()
        answer = Deferred()
        if signal and signal.aborted:
            answer.reject(failure(errors.CANCELLED, ""))
        else:
            self.pending[request_id] = answer
            try:
                self.ensure().postMessage(build(request_id))
            except AnyError as exc:
                # A message that cannot be sent (structured cloning refused it): this request
                # fails, as it did when this ran inside the Promise's executor.
                del self.pending[request_id]
                answer.reject(exc)
            if signal and request_id in self.pending:
                signal.addEventListener(
                    "abort", lambda event: self.settle(request_id, None, errors.CANCELLED, ""))
        self.release()
        return answer.promise

    def receive(self, message: protocol.Message) -> None:
        if message["kind"] != protocol.REPLY:
            if self.on_message:
                self.on_message(message)
            return
        self.settle(message["request"], message["value"], message["code"], message["detail"])

    def settle(self, request_id: int, value: Any, code: str, detail: str) -> None:
        if request_id not in self.pending:
            return  # given up on (aborted) or failed with a dead worker meanwhile
        answer = self.pending[request_id]
        del self.pending[request_id]
        if code:
            answer.reject(failure(code, detail))
        else:
            answer.resolve(value)
        self.release()

    def crashed(self, event: Any) -> None:
        if event:
            event.preventDefault()  # logged here and reported by the owner, with what it cost
        detail = event.message if event and event.message else self.name + " worker error"
        console.error("backgrone: the " + self.name + " worker crashed:", detail)
        self.stop(self.crash_code, detail)
        if self.on_crash:
            self.on_crash(detail)

    def restart(self, detail: str) -> None:
        """End the worker now (an ORT run cannot be interrupted) and, with keep_alive, start a
        fresh one; its late messages are dropped, its open requests fail with crash_code."""
        self.stop(self.crash_code, detail)

    def stop(self, code: str, detail: str) -> None:
        """Terminate the worker and fail its open requests: a dead worker answers nothing."""
        if self.worker:
            self.worker.onmessage = None
            self.worker.onerror = None
            self.worker.terminate()
            self.worker = None
        waiting = self.pending
        self.pending = {}
        for request_id in list(waiting.keys()):
            waiting[request_id].reject(failure(code, detail))
        if self.keep_alive:
            self.ensure()

    def hold(self) -> None:
        if self.idle_timer:
            clearTimeout(self.idle_timer)
            self.idle_timer = None

    def release(self) -> None:
        """Schedule the end of a worker with nothing left to answer (not a keep_alive one)."""
        if self.keep_alive or not self.idle_ms or len(self.pending) > 0 or not self.worker:
            return
        self.hold()
        self.idle_timer = setTimeout(self.end_if_idle, self.idle_ms)

    def end_if_idle(self) -> None:
        self.idle_timer = None
        if len(self.pending) == 0 and self.worker:
            self.worker.terminate()
            self.worker = None
