"""The queue of jobs and each job's state machine; no browser objects, so it runs anywhere."""
# __pragma__('skip')
from typing import List, Optional
# __pragma__('noskip')

QUEUED = "queued"
RUNNING = "running"
DONE = "done"
FAILED = "failed"

# Which state may follow which: anything else is a bug in the caller, caught early.
_NEXT = {
    QUEUED: [RUNNING, FAILED],
    RUNNING: [DONE, FAILED],
    DONE: [],
    FAILED: [],
}


class Job:
    def __init__(self, job_id: int, file_name: str, engine: str) -> None:
        self.job_id = job_id
        self.file_name = file_name
        self.engine = engine
        self.state = QUEUED
        self.progress = 0.0
        self.stage = ""
        self.message = ""

    def move(self, state: str) -> None:
        if state not in _NEXT[self.state]:
            raise ValueError("job " + str(self.job_id) + ": " + self.state + " -> " + state)
        self.state = state


class JobQueue:
    """Jobs in arrival order; one runs at a time, the oldest queued one next."""

    def __init__(self) -> None:
        self.jobs: List[Job] = []
        self._next_id = 1

    def add(self, file_name: str, engine: str) -> Job:
        job = Job(self._next_id, file_name, engine)
        self._next_id += 1
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
        """Start the oldest queued job unless one is running; the job started, or None."""
        if self.running() is not None:
            return None
        for job in self.jobs:
            if job.state == QUEUED:
                job.move(RUNNING)
                return job
        return None

    def counts(self) -> List[int]:
        """[queued, running, done, failed]."""
        tally = [0, 0, 0, 0]
        order = [QUEUED, RUNNING, DONE, FAILED]
        for job in self.jobs:
            tally[order.index(job.state)] += 1
        return tally


def output_name(file_name: str) -> str:
    """photo.jpg -> photo-nobg.png; a name without an extension keeps all of itself."""
    dot = file_name.rfind(".")
    stem = file_name[:dot] if dot > 0 else file_name
    return (stem or "image") + "-nobg.png"
