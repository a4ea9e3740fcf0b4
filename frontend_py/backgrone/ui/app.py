"""The page: composes the views and the two workers, and runs the queue (window.backgrone is
ui/api.py)."""
# __pragma__('skip')
from typing import Any, Dict, List
from backgrone.jsglobals import URL, Error, Promise, console, __new__, __pragma__
# __pragma__('noskip')

from backgrone.core import jobs, errors, protocol
from backgrone.core.errors import AnyError
from backgrone.ui.job_client import JobClient
from backgrone.core.threads import threads_note
from backgrone.ui.engine_picker import EnginePicker
from backgrone.ui.device_picker import DevicePicker
from backgrone.ui.queue_view import QueueView
from backgrone.ui.inputs import Inputs
from backgrone.ui.longtasks import LongTasks
from backgrone.ui.export_client import ExportClient
from backgrone.ui.fix_tool import FixTool
from backgrone.ui.downloads import ZIP_NAME, Downloads, Result, error_text
from backgrone.ui.output_panel import OutputPanel
from backgrone.ui.viewer import Viewer
from backgrone.ui.stage import Stage
from backgrone.ui.settings_panel import SettingsPanel
from backgrone.ui.folder_save import FolderSave
from backgrone.ui.hand_off import HandOff
from backgrone.core.output import OutputSettings
from backgrone.core.devices import DEVICE_AUTO
from backgrone.ui.deferred import Deferred
from backgrone.ui import api, arrivals, updates


def detach(task: Any) -> None:
    """Let an async task run on its own; its failure is logged, never silently lost."""
    Promise.resolve(task).catch(lambda error: console.warn("backgrone:", error))


class App:
    def __init__(self, host: Any) -> None:
        self.window = host.window
        self.document = host.document
        doc = self.document
        self.queue = jobs.JobQueue()
        self.refine_box = doc.querySelector("[data-refine]")
        if self.refine_box:
            self.refine_box.checked = protocol.REFINE_DEFAULT  # the one default, not the HTML's
        # The user asked to try the GPU again: a fresh job worker once no job runs.
        self.restart_when_idle = False
        # The answers owed to jobs started through the API.
        self.waiters: Dict[int, Deferred] = {}
        self.status: Any = None
        # Promise of how many shared photos the page took when it opened (ui/arrivals).
        self.arrived: Any = None
        self.threads_line = doc.querySelector("[data-threads]")
        self.models_changed = False
        self.view = QueueView(doc, doc.querySelector("[data-queue]"), doc.querySelector("[data-live]"))
        # Settled by the worker's first STATUS (window.backgrone.ready).
        self.ready = Deferred()
        self.worker = JobClient(host.workerUrl, self.on_worker_message, self.on_worker_crash)
        self.engines = EnginePicker(doc, doc.querySelector("[data-engine-picker]"), self.worker, self.preload)
        self.devices = DevicePicker(self.window, doc.querySelector("[data-device-picker]"), self.worker,
                                    self.restart_worker)
        self.long_tasks = LongTasks()
        self.settings = OutputSettings()
        exporter = ExportClient(host.workerUrl)
        self.exporter = exporter
        self.downloads = Downloads(exporter, self.settings, self.link_changed, self.view.export_failed)
        self.output = OutputPanel(doc, doc.querySelector("[data-output]"), self.settings, self.output_changed)
        self.viewer = Viewer(doc, self.window, doc.querySelector("[data-viewer]"), exporter,
                             lambda job_id: self.downloads.changed(), self.view.announce)
        self.stage = Stage(doc.querySelector("[data-layout]"), self.viewer, self.stage_download)
        self.fix = FixTool(doc.querySelector("[data-viewer]"), self.viewer, self.correct, self.view.announce)
        # Jobs whose clicks changed while they ran: run again when their result comes.
        self.rerun: List[int] = []
        self.hand_off = HandOff(self.window, doc.querySelector("[data-viewer]"), self.downloads,
                                self.viewer.shown_id, self.view.announce)
        self.stage.on_shown = self.show_hand_off
        self.panel = SettingsPanel(doc, self.window, doc.querySelector("[data-settings]"),
                                   self.engines.current, self.output.summary)
        self.folder = FolderSave(self.window, doc.querySelector("[data-save-folder]"), self.downloads,
                                 lambda: [job.job_id for job in self.queue.jobs], self.view.announce)
        self.view.bind(self.act)
        self.summary = doc.querySelector("[data-queue-summary]")
        doc.querySelector("[data-download-all]").addEventListener("click", lambda event: self.save_zip())
        clear = doc.querySelector("[data-clear-finished]")
        clear.addEventListener("click", lambda event: self.clear_finished())
        Inputs(doc, doc.querySelector("[data-images]"), self.take_files)
        arrivals.Samples(self.window, doc.querySelector("[data-samples]"), self.take_files)

    def preload(self, engine_id: str) -> None:
        """Open a cached engine's session now, on the device the next photo will use (the
        Device setting goes along), so that the photo does not wait for it."""
        self.worker.preload(engine_id, self.devices.current()).catch(lambda error: None)

    async def start_engines(self) -> None:
        await self.engines.refresh()
        self.preload(self.engines.current())

    def take_files(self, files: List[Any]) -> None:
        engine_id = self.engines.current()
        refine = bool(self.refine_box.checked) if self.refine_box else protocol.REFINE_DEFAULT
        device = self.devices.current()
        for i in range(len(files)):
            image = files[i]
            # The first photo of what was just added goes on the stage.
            self.add(image, image.js_name or "pasted-image", engine_id, refine, device, i == 0)
        if len(files) > 1:
            self.view.announce(str(len(files)) + " images added to the queue")

    def add(self, image: Any, file_name: str, engine_id: str,
            refine: bool = protocol.REFINE_DEFAULT, device: str = DEVICE_AUTO, show: bool = True,
            hints: Any = None, strokes: Any = None) -> jobs.Job:
        job = self.queue.add(file_name, engine_id, image, refine, device)
        job.output = self.settings
        if hints:
            job.hints = hints
        if strokes:
            job.strokes = strokes
        self.view.add(job, image)
        self.stage.set_count(len(self.queue.jobs))
        if show:
            self.stage.offer(job, image, "Queued")
        self.pump()
        return job

    def pump(self) -> None:
        job = self.queue.start_next()
        # A file added while a job runs starts nothing, yet the queue is still busy.
        self.long_tasks.set_busy(self.queue.running() is not None)
        self.show_summary()
        if job is None:
            if self.restart_when_idle:
                self.restart_when_idle = False
                self.worker.restart("the GPU is tried again")
            return
        self.stage.follow(job, self.view.update(job, ""))
        self.worker.process(job.job_id, job.engine, job.photo, job.refine, job.device, job.hints,
                            job.strokes)

    def correct(self, job_id: int, hints: List[Any]) -> None:
        """The Fix tool's clicks changed: run the job again with all of them (no new inference:
        the worker remembers the photo's mask)."""
        job = self.queue.find(job_id)
        if job is None:
            return
        job.hints = hints
        job.strokes = []
        if job.state == jobs.RUNNING or job.state == jobs.QUEUED:
            if job_id not in self.rerun:
                self.rerun.append(job_id)
            return
        if self.queue.correct(job_id):
            self.view.requeued(job)
            self.pump()

    def restart_worker(self) -> None:
        self.restart_when_idle = True
        if self.queue.running() is None:
            self.pump()

    def on_worker_message(self, message: protocol.Message) -> None:
        kind = message["kind"]
        if kind == protocol.STATUS:
            self.status = message
            self.threads_line.textContent = threads_note(
                message["threads"], message["isolated"], message["sharedMemory"])
            if message["started"]:
                return  # ORT's own count, read back after its first session
            self.ready.resolve(True)
            detach(self.start_engines())
            return
        if kind == protocol.DEVICE:
            self.devices.show(message)
            return
        if kind == protocol.NOTICE:
            text = errors.message_for(message["code"], message["detail"])
            console.warn("backgrone:", text)
            self.engines.say(text)
            self.view.announce(text)
            return
        job = self.queue.find(message["job"])
        if job is None or job.state != jobs.RUNNING:
            return  # a job cancelled or removed meanwhile
        if kind == protocol.PROGRESS:
            job.stage = message["stage"]
            if job.stage == "download":
                self.models_changed = True
            job.progress = protocol.stage_fraction(job.stage, message["done"], message["total"])
            detail = ""
            if job.stage == "download":
                done_mb = str(round(message["done"] / 1048576))
                detail = " " + done_mb + " / " + str(round(message["total"] / 1048576)) + " MB"
            self.stage.follow(job, self.view.update(job, detail))
        elif kind == protocol.RESULT:
            job.move(jobs.DONE)
            job.progress = 1.0
            total = message["timings"]["total"]
            self.view.done(job, message["png"], message["width"], message["height"], total,
                           message["confidence"])
            result = Result(job.job_id, job.file_name, job.photo, message["png"],
                            message["width"], message["height"])
            link = self.view.item(job).querySelector("a[download]")
            self.downloads.add(result, link.href)
            if self.viewer.result and self.viewer.result.job_id == job.job_id:
                # A corrected cutout replaces the one on the stage.
                self.viewer.result = None
                self.viewer.pending_id = job.job_id
            self.stage.done(job, result)
            self.fix.after_result(job.job_id)
            self.settle(job.job_id, message, "")
            if job.job_id in self.rerun:
                self.rerun = [other for other in self.rerun if other != job.job_id]
                self.correct(job.job_id, job.hints)
            if self.models_changed:
                # A model was just downloaded and saved: the picker shows it as cached now.
                self.models_changed = False
                detach(self.engines.refresh())
        elif kind == protocol.ERROR:
            self.fail(job, errors.message_for(message["code"], message["detail"]))

    def fail(self, job: jobs.Job, text: str) -> None:
        console.warn("backgrone:", job.file_name, text)
        job.message = text
        job.move(jobs.FAILED)
        self.view.failed(job, text)
        self.stage.follow(job, "Failed: " + text)
        self.settle(job.job_id, None, text)

    def settle(self, job_id: int, message: Any, error: str) -> None:
        # The photo stays on the job: retry, the brush and exports read it again.
        if job_id in self.waiters:
            waiter = self.waiters[job_id]
            del self.waiters[job_id]
            if error:
                waiter.reject(__new__(Error(error)))
            else:
                __pragma__("jsiter")
                answer = {
                    "png": message["png"], "width": message["width"], "height": message["height"],
                    "timings": message["timings"], "confidence": message["confidence"],
                }
                __pragma__("nojsiter")
                waiter.resolve(answer)
        self.pump()

    def on_worker_crash(self, detail: str) -> None:
        job = self.queue.running()
        if job is not None:
            self.fail(job, errors.message_for(errors.WORKER_CRASHED, detail))

    # --- what the user does to jobs ---------------------------------------------------------

    def act(self, action: str, job_id: int, event: Any) -> None:
        if action == "cancel":
            self.cancel(job_id)
        elif action == "retry":
            self.retry(job_id)
        elif action == "remove":
            self.remove(job_id)
        elif action == "view" or action == "show":
            job = self.queue.find(job_id)
            result = self.downloads.find(job_id)
            if job is not None and (result is not None or action == "show"):
                opener = event.target.closest("[data-action]")
                self.stage.choose(job, job.photo, result, opener)
        elif action == "download":
            self.download(job_id, event)
        elif action == "retry-export":
            self.downloads.retry(job_id)

    def cancel(self, job_id: int) -> None:
        was = self.queue.cancel(job_id)
        if not was:
            return
        job = self.queue.find(job_id)
        if was == jobs.RUNNING:
            # An ORT run cannot be interrupted: end the worker; a fresh one reloads the model
            # from IndexedDB for the next job.
            self.worker.restart("cancelled")
        if job is not None:
            self.view.cancelled(job)
            self.stage.follow(job, "Cancelled")
        self.settle(job_id, None, errors.message_for(errors.CANCELLED, ""))

    def retry(self, job_id: int) -> None:
        job = self.queue.find(job_id)
        if job is None or not self.queue.retry(job_id):
            return
        self.view.requeued(job)
        self.stage.follow(job, "Queued")
        self.pump()

    def remove(self, job_id: int) -> None:
        self.cancel(job_id)
        if not self.queue.remove(job_id):
            return
        if self.viewer.shown_id() == job_id:
            self.viewer.close()
        self.downloads.forget(job_id)
        self.view.forget(job_id)
        self.stage.set_count(len(self.queue.jobs))
        self.show_summary()

    def clear_finished(self) -> None:
        for job_id in self.queue.finished_ids():
            self.remove(job_id)
        self.view.announce("Finished images cleared")

    def link_changed(self, job_id: int, url: str, name: str, ready: bool) -> None:
        self.view.set_link(job_id, url, name, ready)
        if job_id == self.viewer.shown_id():
            self.show_hand_off()

    def show_hand_off(self) -> None:
        """The drag handle shows the stage's current download (none while it is remade)."""
        result = self.downloads.find(self.viewer.shown_id())
        ready = result is not None and self.downloads.current(result) and not result.error
        url = result.url if result is not None and ready else ""
        name = self.downloads.name_for(result) if result is not None else ""
        self.hand_off.show(url, name, self.settings.mime())

    def stage_download(self, job_id: int) -> None:
        """The stage's Download: the same as the job's own link (which waits for a download
        still being remade)."""
        item = self.view.item_by_id(job_id)
        if item:
            item.querySelector("a[data-action=download]").click()

    def download(self, job_id: int, event: Any) -> None:
        """A download still being remade is saved as soon as it is ready."""
        link = event.target.closest("a")
        if link.dataset.ready == "true":
            return
        event.preventDefault()
        self.view.announce("Preparing the download\u2026")
        detach(self.downloads.latest(job_id).then(lambda blob: link.click(),
                                                  lambda error: self.view.announce(error.message)))

    def output_changed(self) -> None:
        self.viewer.set_backdrop(self.settings, self.output.image_url)
        self.downloads.background_image = self.output.image
        self.downloads.changed()
        self.panel.refresh()

    def show_summary(self) -> None:
        self.summary.textContent = self.queue.summary()

    async def save_zip(self) -> Any:
        """Every result in one zip, built in the export worker; saved through a link."""
        if len(self.downloads.order) == 0:
            self.view.announce("Nothing to download yet")
            return None
        button = self.document.querySelector("[data-download-all]")
        button.disabled = True
        self.view.announce("Building the zip\u2026")
        try:
            blob = await self.downloads.zip_all([job.job_id for job in self.queue.jobs])
        except AnyError as exc:
            console.error("backgrone: the zip could not be made", exc)
            self.view.announce("The zip could not be made: " + error_text(exc))
            raise exc
        finally:
            button.disabled = False
        link = self.document.querySelector("[data-zip-link]")
        if link.href:
            URL.revokeObjectURL(link.href)
        link.href = URL.createObjectURL(blob)
        link.download = ZIP_NAME
        link.click()
        self.view.announce("Zip of " + str(len(self.downloads.order)) + " images ready")
        return blob


def start(host: Any) -> None:
    app = App(host)
    host.window.backgrone = api.page_api(app)
    # Photos shared to the installed app or opened with it.
    app.arrived = arrivals.start(host.window, app.take_files)
    # Offline copy, isolation, new versions; a reload must not lose photos in the queue.
    updates.start(host.window, lambda: len(app.queue.jobs) > 0)
