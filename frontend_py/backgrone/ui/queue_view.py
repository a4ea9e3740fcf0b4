"""The queue as the user sees it: one card per job with its thumbnail (the original, then the
cutout; choosing it puts the job on the stage), state, progress, and the buttons that act on it
(view, download, cancel, retry, remove); progress is announced."""
# __pragma__('skip')
from typing import Any, Callable, Dict
from backgrone.jsglobals import URL
# __pragma__('noskip')
import math

from backgrone.core import jobs
from backgrone.core.jobs import Job, output_name

STAGE_LABELS = {
    "download": "Downloading model",
    "decode": "Reading image",
    "preprocess": "Preparing",
    "inference": "Finding the subject",
    "postprocess": "Cutting out",
    "encode": "Saving PNG",
}

# Which buttons a job shows in each state.
ACTIONS = {
    jobs.QUEUED: ["cancel", "remove"],
    jobs.RUNNING: ["cancel"],
    jobs.DONE: ["view", "download", "remove"],
    jobs.FAILED: ["retry", "remove"],
    jobs.CANCELLED: ["retry", "remove"],
}

# __pragma__('skip')
ActionFn = Callable[[str, int, Any], None]  # a type alias: mypy only
# __pragma__('noskip')


def seconds(millis: float) -> str:
    tenths = math.floor(millis / 100 + 0.5)
    return str(math.floor(tenths / 10)) + "." + str(tenths - 10 * math.floor(tenths / 10))


class QueueView:
    def __init__(self, document: Any, list_element: Any, live_region: Any) -> None:
        self.document = document
        self.list = list_element
        self.live = live_region
        self.on_action: Any = None
        # What was last announced per job, so that progress is spoken once per step.
        self.spoken: Dict[int, str] = {}
        self.list.addEventListener("click", self.clicked)

    def bind(self, on_action: ActionFn) -> None:
        """on_action(name, job_id, event) for "show" and "view" (the thumbnail, before and after
        the result), "download", "cancel", "retry", "remove" and "retry-export"."""
        self.on_action = on_action

    def clicked(self, event: Any) -> None:
        target = event.target.closest("[data-action]")
        if not target or not self.on_action:
            return
        item = target.closest("[data-job]")
        self.on_action(target.dataset.action, int(item.dataset.job), event)

    def element(self, tag: str, class_name: str, text: str) -> Any:
        node = self.document.createElement(tag)
        if class_name:
            node.className = class_name
        if text:
            node.textContent = text
        return node

    def item(self, job: Job) -> Any:
        return self.item_by_id(job.job_id)

    def item_by_id(self, job_id: int) -> Any:
        return self.list.querySelector('[data-job="' + str(job_id) + '"]')

    def announce(self, text: str) -> None:
        """Add a line to the live region: replacing its text would drop a line said in the same
        task (a job's "done" and the next job's start), so the last few lines are kept."""
        line = self.element("p", "", text)
        self.live.appendChild(line)
        while self.live.childElementCount > 6:
            self.live.firstElementChild.remove()

    def button(self, action: str, text: str, label: str) -> Any:
        node = self.element("button", "small-button", text)
        node.type = "button"
        node.dataset.action = action
        node.setAttribute("aria-label", label)
        return node

    def add(self, job: Job, photo: Any) -> None:
        node = self.element("li", "job", "")
        node.dataset.job = str(job.job_id)
        thumb = self.element("button", "job-thumb", "")
        thumb.type = "button"
        thumb.dataset.action = "show"
        thumb.setAttribute("aria-label", "Show " + job.file_name + " on the stage")
        preview = self.element("img", "job-preview", "")
        # A 12 MP photo must not be decoded on the page's thread.
        preview.decoding = "async"
        preview.alt = ""
        preview.src = URL.createObjectURL(photo)
        thumb.appendChild(preview)
        node.appendChild(thumb)
        head = self.element("div", "job-head", "")
        head.appendChild(self.element("span", "job-name", job.file_name))
        head.appendChild(self.element("span", "job-status", "Queued"))
        node.appendChild(head)
        bar = self.element("progress", "job-progress", "")
        bar.max = 1
        bar.value = 0
        bar.setAttribute("aria-label", "Progress of " + job.file_name)
        node.appendChild(bar)
        actions = self.element("div", "job-actions", "")
        name = job.file_name
        actions.appendChild(self.button("view", "View & touch up", "View and touch up " + name))
        link = self.element("a", "small-button primary", "Download")
        link.dataset.action = "download"
        link.hidden = True
        actions.appendChild(link)
        actions.appendChild(self.button("cancel", "Cancel", "Cancel " + name))
        actions.appendChild(self.button("retry", "Retry", "Retry " + name))
        actions.appendChild(self.button("remove", "Remove", "Remove " + name))
        node.appendChild(actions)
        self.list.appendChild(node)
        self.show(job, node)

    def show(self, job: Job, node: Any) -> None:
        """State attribute and the buttons that fit it."""
        node.dataset.state = job.state
        wanted = ACTIONS[job.state]
        controls = node.querySelectorAll(".job-actions > [data-action]")
        for i in range(controls.length):
            control = controls[i]
            control.hidden = control.dataset.action not in wanted

    def update(self, job: Job, detail: str) -> str:
        """Show the job's stage and progress; returns the status line shown."""
        node = self.item(job)
        if not node:
            return ""
        self.show(job, node)
        label = STAGE_LABELS[job.stage] if job.stage in STAGE_LABELS else "Starting"
        node.querySelector(".job-status").textContent = label + detail
        node.querySelector(".job-progress").value = job.progress
        # Speak each stage once, and the download every quarter.
        step = label
        if job.stage == "download":
            step = label + " " + str(math.floor(job.progress * 6 * 4) * 25) + "%"
        if job.job_id not in self.spoken or self.spoken[job.job_id] != step:
            self.spoken[job.job_id] = step
            self.announce(job.file_name + ": " + label + detail)
        return label + detail

    def done(self, job: Job, png: Any, width: int, height: int, millis: float) -> None:
        node = self.item(job)
        if not node:
            return
        self.show(job, node)
        url = URL.createObjectURL(png)
        node.querySelector(".job-status").textContent = (
            "Done: " + str(width) + "\u00d7" + str(height) + " in " + seconds(millis) + " s"
        )
        node.querySelector(".job-progress").value = 1
        thumb = node.querySelector(".job-thumb")
        thumb.classList.add("checkerboard")
        thumb.dataset.action = "view"
        thumb.setAttribute("aria-label", "View and touch up " + job.file_name)
        preview = thumb.querySelector("img")
        URL.revokeObjectURL(preview.src)
        preview.src = url
        self.set_link(job.job_id, url, output_name(job.file_name), True)
        self.announce(job.file_name + " done")

    def set_link(self, job_id: int, url: str, name: str, ready: bool) -> None:
        """Point the job's download at `url`; not ready: a newer version is being made."""
        node = self.item_by_id(job_id)
        if not node:
            return
        link = node.querySelector("a[data-action=download]")
        self.clear_export_error(node)
        if url:
            link.href = url
        link.setAttribute("download", name)
        link.dataset.ready = "true" if ready else "false"
        link.setAttribute("aria-label", "Download " + name)
        link.textContent = "Download" if ready else "Preparing\u2026"

    def export_failed(self, job_id: int, text: str) -> None:
        """The job's download could not be made: say why, in place of the link, with a retry."""
        node = self.item_by_id(job_id)
        if not node:
            return
        link = node.querySelector("a[data-action=download]")
        had_focus = self.document.activeElement == link
        self.clear_export_error(node)
        link.dataset.ready = "false"
        link.hidden = True
        name = node.querySelector(".job-name").textContent
        alert = self.element("div", "job-error", "")
        alert.dataset.exportError = ""
        alert.setAttribute("role", "alert")
        alert.appendChild(self.element("span", "", "Download failed: " + text + " "))
        retry = self.button("retry-export", "Retry download", "Retry making the download of " + name)
        alert.appendChild(retry)
        node.appendChild(alert)
        if had_focus:
            retry.focus()

    def clear_export_error(self, node: Any) -> None:
        alert = node.querySelector("[data-export-error]")
        if alert:
            had_focus = alert.contains(self.document.activeElement)
            alert.remove()
            link = node.querySelector("a[data-action=download]")
            link.hidden = False
            if had_focus:
                link.focus()

    def failed(self, job: Job, text: str) -> None:
        node = self.item(job)
        if not node:
            return
        self.show(job, node)
        node.querySelector(".job-status").textContent = "Failed"
        alert = self.element("p", "job-error", text)
        alert.setAttribute("role", "alert")
        node.appendChild(alert)

    def cancelled(self, job: Job) -> None:
        node = self.item(job)
        if not node:
            return
        self.show(job, node)
        node.querySelector(".job-status").textContent = "Cancelled"
        node.querySelector(".job-progress").value = 0
        self.announce(job.file_name + " cancelled")

    def requeued(self, job: Job) -> None:
        """Back in the queue after a retry: the old error goes."""
        node = self.item(job)
        if not node:
            return
        error = node.querySelector(".job-error")
        if error:
            error.remove()
        self.spoken[job.job_id] = ""
        self.show(job, node)
        node.querySelector(".job-status").textContent = "Queued"
        node.querySelector(".job-progress").value = 0
        self.announce(job.file_name + " queued again")

    def forget(self, job_id: int) -> None:
        """Take the job off the list; focus moves to its neighbour so keyboard users stay put."""
        node = self.item_by_id(job_id)
        if not node:
            return
        had_focus = node.contains(self.document.activeElement)
        neighbour = node.nextElementSibling or node.previousElementSibling
        links = node.querySelectorAll("img, a[href]")
        for i in range(links.length):
            address = links[i].src or links[i].href
            if address and address.startswith("blob:"):
                URL.revokeObjectURL(address)
        node.remove()
        if had_focus:
            target = None
            if neighbour:
                target = neighbour.querySelector(".job-actions > [data-action]:not([hidden])")
            if target:
                target.focus()
            else:
                self.list.focus()
