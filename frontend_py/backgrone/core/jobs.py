"""The queue of jobs and each job's state machine; no browser objects, so it runs anywhere."""
# __pragma__('skip')
from typing import Any, List, Optional
# __pragma__('noskip')

from backgrone.core.devices import DEVICE_AUTO
from backgrone.core.output import OutputSettings, output_name as named_output
from backgrone.core.protocol import REFINE_DEFAULT

QUEUED = "queued"
RUNNING = "running"
DONE = "done"
FAILED = "failed"
CANCELLED = "cancelled"

STATES = [QUEUED, RUNNING, DONE, FAILED, CANCELLED]

# Which state may follow which: anything else is a bug in the caller, caught early.
# A failed or cancelled job may be queued again (retry); a done job is final.
_NEXT = {
    QUEUED: [RUNNING, FAILED, CANCELLED],
    RUNNING: [DONE, FAILED, CANCELLED],
    DONE: [],
    FAILED: [QUEUED],
    CANCELLED: [QUEUED],
}


class Job:
    """One photo and everything it is to be processed and saved with, as the user set it when
    it was added."""

    def __init__(self, job_id: int, file_name: str, engine: str, photo: Any = None,
                 refine: bool = REFINE_DEFAULT, device: str = DEVICE_AUTO) -> None:
        self.job_id = job_id
        self.file_name = file_name
        # The photo, opaque here: the page keeps its File or Blob (retry, the brush and the
        # exports read it again).
        self.photo = photo
        self.engine = engine
        # Edge refinement against the photo (core/refine), and the device setting (core/devices).
        self.refine = refine
        self.device = device
        # The output settings its download is made with: the page's one record, shared by
        # every job (a change of settings remakes every download).
        self.output: Optional[OutputSettings] = None
        self.state = QUEUED
        self.progress = 0.0
        self.stage = ""
        self.message = ""
        # How many times the job was started; a retry starts it again.
        self.attempts = 0
        # Place in line: the lowest ticket among queued jobs runs next.
        self.ticket = 0

    def move(self, state: str) -> None:
        if state not in _NEXT[self.state]:
            raise ValueError("job " + str(self.job_id) + ": " + self.state + " -> " + state)
        self.state = state

    def can_cancel(self) -> bool:
        return self.state == QUEUED or self.state == RUNNING

    def can_retry(self) -> bool:
        return self.state == FAILED or self.state == CANCELLED

    def finished(self) -> bool:
        return self.state == DONE or self.state == FAILED or self.state == CANCELLED


class JobQueue:
    """Jobs in arrival order; one runs at a time, the queued job waiting longest runs next."""

    def __init__(self) -> None:
        self.jobs: List[Job] = []
        self._next_id = 1
        self._next_ticket = 1

    def _take_ticket(self, job: Job) -> None:
        job.ticket = self._next_ticket
        self._next_ticket += 1

    def add(self, file_name: str, engine: str, photo: Any = None, refine: bool = REFINE_DEFAULT,
            device: str = DEVICE_AUTO) -> Job:
        job = Job(self._next_id, file_name, engine, photo, refine, device)
        self._next_id += 1
        self._take_ticket(job)
        self.jobs.append(job)
        return job

    def find(self, job_id: int) -> Optional[Job]:
        for job in self.jobs:
            if job.job_id == job_id:
                return job
        return None

    def running(self) -> Optional[Job]:
        for job in self.jobs:
            if job.state == RUNNING:
                return job
        return None

    def start_next(self) -> Optional[Job]:
        """Start the queued job with the lowest ticket unless one is running; it, or None."""
        if self.running() is not None:
            return None
        best: Optional[Job] = None
        for job in self.jobs:
            if job.state == QUEUED and (best is None or job.ticket < best.ticket):
                best = job
        if best is not None:
            best.move(RUNNING)
            best.attempts += 1
        return best

    def cancel(self, job_id: int) -> str:
        """Cancel a queued or running job; returns the state it was in, or "" if it could not be."""
        job = self.find(job_id)
        if job is None or not job.can_cancel():
            return ""
        before = job.state
        job.move(CANCELLED)
        job.stage = ""
        return before

    def retry(self, job_id: int) -> bool:
        """Queue a failed or cancelled job again, at the back of the line."""
        job = self.find(job_id)
        if job is None or not job.can_retry():
            return False
        job.move(QUEUED)
        job.progress = 0.0
        job.stage = ""
        job.message = ""
        self._take_ticket(job)
        return True

    def remove(self, job_id: int) -> bool:
        """Forget a job that is not running (cancel it first); True if it was removed."""
        job = self.find(job_id)
        if job is None or job.state == RUNNING:
            return False
        self.jobs.remove(job)
        return True

    def finished_ids(self) -> List[int]:
        return [job.job_id for job in self.jobs if job.finished()]

    def count(self, state: str) -> int:
        total = 0
        for job in self.jobs:
            if job.state == state:
                total += 1
        return total

    def counts(self) -> List[int]:
        """[queued, running, done, failed]."""
        return [self.count(QUEUED), self.count(RUNNING), self.count(DONE), self.count(FAILED)]

    def summary(self) -> str:
        """One line for the queue's heading, e.g. "2 of 5 done, 1 failed, 2 waiting"."""
        total = len(self.jobs)
        if total == 0:
            return "No images yet"
        parts = [str(self.count(DONE)) + " of " + str(total) + " done"]
        waiting = self.count(QUEUED) + self.count(RUNNING)
        if self.count(FAILED):
            parts.append(str(self.count(FAILED)) + " failed")
        if self.count(CANCELLED):
            parts.append(str(self.count(CANCELLED)) + " cancelled")
        if waiting:
            parts.append(str(waiting) + " to go")
        return ", ".join(parts)


def output_name(file_name: str) -> str:
    """photo.jpg -> photo-nobg.png; a name without an extension keeps all of itself."""
    return named_output(file_name, "png")
