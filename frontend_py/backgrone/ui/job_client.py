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

    def request(self, kind: str, engine: str, payload: Any) -> Any:
        """Ask the worker something (protocol.ENGINES, CLEAR_CACHE, IMPORT_MODEL, PRELOAD,
        GPU_RETRY, GPU_FAULT);
        a Promise of its answer, rejected with a catalogue message."""
        return self.ask(lambda request_id: protocol.engine_request(kind, request_id, engine, payload))

    def process(self, job: int, engine: str, image: Any, refine: bool, device: str) -> None:
        self.post(protocol.process(job, engine, image, refine, device))

    def crash(self) -> None:
        """Fault injection for the tests: the worker throws as if it had crashed."""
        self.post(protocol.crash())

    def set_canvas_limit(self, pixels: int, band_pixels: int) -> None:
        """Test hook: photos above `pixels` get their PNG as a stream of bands (worker/strips)."""
        self.post(protocol.canvas_limit(pixels, band_pixels))
