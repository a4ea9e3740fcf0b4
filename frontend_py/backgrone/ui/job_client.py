"""The page's handle on the job worker (worker/loop.py): jobs out, progress and results in,
requests answered through the one request channel."""
# __pragma__('skip')
from typing import Any
# __pragma__('noskip')

from backgrone.core import errors, protocol
from backgrone.ui.channel import WorkerChannel


class JobClient(WorkerChannel):
    """Started at once and replaced at once when it dies: it announces itself with a STATUS
    message and keeps the open model session."""

    def __init__(self, url: str, on_message: Any, on_crash: Any) -> None:
        WorkerChannel.__init__(self, url, protocol.JOB_WORKER, errors.WORKER_CRASHED, True, 0,
                               on_message, on_crash)

    # Requests: each a Promise of the worker's answer, rejected with a catalogue message.
    def list_engines(self) -> Any:
        return self.ask(lambda request_id: protocol.list_engines(request_id))

    def clear_cache(self) -> Any:
        return self.ask(lambda request_id: protocol.clear_cache(request_id))

    def import_model(self, engine: str, model: Any) -> Any:
        return self.ask(lambda request_id: protocol.import_model(request_id, engine, model))

    def preload(self, engine: str) -> Any:
        return self.ask(lambda request_id: protocol.preload(request_id, engine))

    def gpu_retry(self) -> Any:
        return self.ask(lambda request_id: protocol.gpu_retry(request_id))

    def gpu_fault(self, fault: str) -> Any:
        return self.ask(lambda request_id: protocol.gpu_fault(request_id, fault))

    def process(self, job: int, engine: str, image: Any, refine: bool, device: str) -> None:
        self.post(protocol.process(job, engine, image, refine, device))

    def crash(self) -> None:
        """Fault injection for the tests: the worker throws as if it had crashed."""
        self.post(protocol.crash())

    def set_canvas_limit(self, pixels: int, band_pixels: int) -> None:
        """Test hook: photos above `pixels` get their PNG as a stream of bands (worker/strips)."""
        self.post(protocol.canvas_limit(pixels, band_pixels))
