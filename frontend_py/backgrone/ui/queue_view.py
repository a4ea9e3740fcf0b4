"""The queue as the user sees it: one list item per job, its state, progress and result."""
# __pragma__('skip')
from typing import Any
from backgrone.jsglobals import URL
# __pragma__('noskip')
import math

from backgrone.core.jobs import Job, output_name

STAGE_LABELS = {
    "download": "Downloading model",
    "decode": "Reading image",
    "preprocess": "Preparing",
    "inference": "Finding the subject",
    "postprocess": "Cutting out",
    "encode": "Saving PNG",
}


def seconds(millis: float) -> str:
    tenths = math.floor(millis / 100 + 0.5)
    return str(math.floor(tenths / 10)) + "." + str(tenths - 10 * math.floor(tenths / 10))


class QueueView:
    def __init__(self, document: Any, list_element: Any, live_region: Any) -> None:
        self.document = document
        self.list = list_element
        self.live = live_region

    def element(self, tag: str, class_name: str, text: str) -> Any:
        node = self.document.createElement(tag)
        if class_name:
            node.className = class_name
        if text:
            node.textContent = text
        return node

    def item(self, job: Job) -> Any:
        return self.list.querySelector('[data-job="' + str(job.job_id) + '"]')

    def announce(self, text: str) -> None:
        self.live.textContent = text

    def add(self, job: Job) -> None:
        node = self.element("li", "job", "")
        node.dataset.job = str(job.job_id)
        node.dataset.state = job.state
        node.appendChild(self.element("span", "job-name", job.file_name))
        status = self.element("span", "job-status", "Queued")
        node.appendChild(status)
        bar = self.element("progress", "job-progress", "")
        bar.max = 1
        bar.value = 0
        node.appendChild(bar)
        self.list.appendChild(node)
        self.announce(job.file_name + " queued")

    def update(self, job: Job, detail: str) -> None:
        node = self.item(job)
        if not node:
            return
        node.dataset.state = job.state
        label = STAGE_LABELS[job.stage] if job.stage in STAGE_LABELS else job.stage
        node.querySelector(".job-status").textContent = label + detail
        node.querySelector(".job-progress").value = job.progress

    def done(self, job: Job, png: Any, width: int, height: int, millis: float) -> None:
        node = self.item(job)
        if not node:
            return
        node.dataset.state = job.state
        url = URL.createObjectURL(png)
        node.querySelector(".job-status").textContent = (
            "Done: " + str(width) + "\u00d7" + str(height) + " in " + seconds(millis) + " s"
        )
        node.querySelector(".job-progress").value = 1
        preview = self.element("img", "job-preview checkerboard", "")
        preview.src = url
        preview.alt = "Cutout of " + job.file_name
        node.appendChild(preview)
        link = self.element("a", "job-download button", "Download PNG")
        link.href = url
        link.download = output_name(job.file_name)
        node.appendChild(link)
        self.announce(job.file_name + " done")

    def failed(self, job: Job, text: str) -> None:
        node = self.item(job)
        if not node:
            return
        node.dataset.state = job.state
        node.querySelector(".job-status").textContent = "Failed"
        alert = self.element("p", "job-error", text)
        alert.setAttribute("role", "alert")
        node.appendChild(alert)
