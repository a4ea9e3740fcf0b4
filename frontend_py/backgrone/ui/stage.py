"""What is on the stage at the top of the page: the photo just added (the original, with its
progress), its cutout once it is done, or the one the user chose in the queue; the stage's
Download button; and the layout flag that shrinks the drop zone to a bar once there is
something to show."""
# __pragma__('skip')
from typing import Any, Callable
# __pragma__('noskip')

from backgrone.core import jobs
from backgrone.core.jobs import Job
from backgrone.ui.downloads import Result
from backgrone.ui.viewer import Viewer

# __pragma__('skip')
DownloadFn = Callable[[int], None]  # a type alias: mypy only
# __pragma__('noskip')


class Stage:
    def __init__(self, layout: Any, viewer: Viewer, on_download: DownloadFn) -> None:
        self.layout = layout
        self.viewer = viewer
        root = viewer.root
        self.progress = root.querySelector("[data-stage-progress]")
        self.status = root.querySelector("[data-stage-status]")
        self.bar = root.querySelector("[data-stage-bar]")
        self.download = root.querySelector("[data-stage-download]")
        self.download.addEventListener("click", lambda event: on_download(self.viewer.shown_id()))
        viewer.on_close = lambda: self.mark(0)
        # Called when a result comes on the stage (the page updates Copy, Share and the drag).
        self.on_shown: Any = None

    def shown(self) -> None:
        if self.on_shown:
            self.on_shown()

    def mark(self, job_id: int) -> None:
        """The queue's card of the job on the stage is marked (0: none is)."""
        cards = self.layout.querySelectorAll("[data-job]")
        for i in range(cards.length):
            card = cards[i]
            on = card.dataset.job == str(job_id)
            card.dataset.showing = "true" if on else "false"
            thumb = card.querySelector(".job-thumb")
            if on:
                thumb.setAttribute("aria-current", "true")
            else:
                thumb.removeAttribute("aria-current")

    def set_count(self, count: int) -> None:
        """How many jobs the queue holds: with none, the drop zone is the page's hero."""
        self.layout.dataset.hasJobs = "true" if count > 0 else "false"

    def painting(self) -> bool:
        return bool(self.viewer.result) and self.viewer.root.dataset.brush == "on"

    def offer(self, job: Job, photo: Any, status: str) -> None:
        """A photo was just added: it goes on the stage, unless the user is touching up."""
        if self.painting():
            return
        self.viewer.pending(job.job_id, job.file_name, photo)
        self.mark(job.job_id)
        self.bar.setAttribute("aria-label", "Progress of " + job.file_name)
        self.download.setAttribute("aria-label", "Download " + job.file_name)
        self.follow(job, status)

    def choose(self, job: Job, photo: Any, result: Any, opener: Any) -> None:
        """The user picked this job in the queue."""
        if result is not None:
            self.viewer.open(result, opener, True)
            self.shown()
            self.mark(job.job_id)
            self.download.setAttribute("aria-label", "Download " + job.file_name)
            return
        self.offer(job, photo, "")
        self.viewer.return_focus = opener
        self.viewer.root.scrollIntoView()
        self.viewer.title.focus()

    def follow(self, job: Job, status: str) -> None:
        """The job's state or progress changed: the stage shows it if it is on the stage."""
        if self.viewer.pending_id != job.job_id:
            return
        self.progress.hidden = False
        self.progress.dataset.state = job.state
        if status:
            self.status.textContent = status
        self.bar.value = job.progress
        self.bar.hidden = job.state != jobs.RUNNING and job.state != jobs.QUEUED

    def done(self, job: Job, result: Result) -> None:
        """The job on the stage finished: its cutout replaces the original, focus stays put."""
        if self.viewer.pending_id != job.job_id:
            return
        self.progress.hidden = True
        self.viewer.open(result, None, False)
        self.shown()
        self.download.setAttribute("aria-label", "Download " + job.file_name)
