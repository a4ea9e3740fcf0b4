"""Each finished job's result and its download: kept in step with the output settings and the
brush edits (made by the export worker), one at a time, and all of them as one zip. A download
that cannot be made says why and waits for the user's retry (or a change of settings)."""
# __pragma__('skip')
from typing import Any, Callable, Dict, List, Optional
from backgrone.jsglobals import Error, Promise, URL, console, __new__
# __pragma__('noskip')

from backgrone.core.brush import EditHistory
from backgrone.core.output import OutputSettings, output_name, unique_names
from backgrone.core.errors import AnyError
from backgrone.ui.deferred import Deferred
from backgrone.ui.export_client import ExportClient

ZIP_NAME = "backgrone-cutouts.zip"

# __pragma__('skip')
LinkFn = Callable[[int, str, str, bool], None]  # set_link(job_id, url, name, ready): mypy only
FailFn = Callable[[int, str], None]  # show_failure(job_id, message)
# __pragma__('noskip')


def error_text(error: Any) -> str:
    """The message of a JS Error (the catalogue's words), or the text of anything else."""
    return str(error.message) if error.message else str(error)


class Result:
    """What one finished job produced, and what the user has done to it since."""

    def __init__(self, job_id: int, file_name: str, photo: Any, png: Any, width: int, height: int) -> None:
        self.job_id = job_id
        self.file_name = file_name
        self.photo = photo
        self.png = png
        self.width = width
        self.height = height
        self.edits: Optional[EditHistory] = None
        # The brush's mask canvas (alpha = edits.alpha), kept so that reopening is instant.
        self.mask: Any = None
        # The current download: its Blob, object URL, and the key it was made for.
        self.blob = png
        self.url = ""
        # The object URL of the worker's PNG (the job's preview): never revoked while shown.
        self.png_url = ""
        self.key = ""
        # Why the download for `key` could not be made ("" when it was).
        self.error = ""
        # Callers of Downloads.latest waiting for the download being remade.
        self.waiters: List[Deferred] = []

    def edit_version(self) -> int:
        return self.edits.version if self.edits is not None else 0


class Files:
    """Downloads to write together (the zip, a folder): names[i] is the name of blobs[i]."""

    def __init__(self, names: List[str], blobs: List[Any]) -> None:
        self.names = names
        self.blobs = blobs


class Downloads:
    def __init__(self, exporter: ExportClient, settings: OutputSettings, set_link: LinkFn,
                 show_failure: FailFn) -> None:
        self.exporter = exporter
        self.settings = settings
        self.set_link = set_link
        self.show_failure = show_failure
        self.results: Dict[int, Result] = {}
        self.order: List[int] = []
        # The picked background image (a Blob), or None.
        self.background_image: Any = None
        self.busy = False

    def add(self, result: Result, url: str) -> None:
        if result.job_id not in self.results:  # a corrected job keeps its place
            self.order.append(result.job_id)
        self.results[result.job_id] = result
        result.url = url
        result.png_url = url
        # The worker's PNG is the download only for untouched settings: anything chosen before
        # the job finished (a colour, a frame, the mask) is made now.
        result.key = self.key_for(result) if self.untouched(result) else ""
        if not self.current(result):
            self.set_link(result.job_id, "", self.name_for(result), False)
            self.refresh()

    def find(self, job_id: int) -> Optional[Result]:
        return self.results[job_id] if job_id in self.results else None

    def forget(self, job_id: int) -> None:
        if job_id not in self.results:
            return
        result = self.results[job_id]
        del self.results[job_id]
        self.order.remove(job_id)
        self.drop_url(result)

    def drop_url(self, result: Result) -> None:
        if result.url and result.url != result.png_url:
            URL.revokeObjectURL(result.url)
        result.url = ""

    def key_for(self, result: Result) -> str:
        return self.settings.key() + "#" + str(result.edit_version())

    def name_for(self, result: Result) -> str:
        return output_name(result.file_name, self.settings.extension(), self.settings.output_kind().suffix)

    def untouched(self, result: Result) -> bool:
        return self.settings.untouched() and result.edit_version() == 0

    def current(self, result: Result) -> bool:
        return result.key == self.key_for(result)

    def changed(self) -> None:
        """Settings or an edit changed: mark stale downloads and remake them in the background."""
        for job_id in self.order:
            result = self.results[job_id]
            if not self.current(result):
                self.set_link(job_id, "", self.name_for(result), False)
        self.refresh()

    def refresh(self) -> None:
        if self.busy:
            return
        self.busy = True
        Promise.resolve(self.catch_up()).then(self.idle, self.idle)

    def idle(self, value: Any) -> None:
        self.busy = False
        # Something may have changed while the last one was being made.
        for job_id in self.order:
            if not self.current(self.results[job_id]):
                self.refresh()
                return

    async def catch_up(self) -> None:
        """Remake every stale download, oldest job first, one at a time."""
        for job_id in list(self.order):
            if job_id not in self.results:
                continue
            result = self.results[job_id]
            if self.current(result):
                continue
            await self.remake(result)

    async def remake(self, result: Result) -> None:
        key = self.key_for(result)
        name = self.name_for(result)
        if self.untouched(result):
            blob = result.png
            url = result.png_url
        else:
            alpha = result.edits.alpha if result.edits is not None and result.edits.version else None
            try:
                blob = await self.exporter.export(result.photo, result.png, alpha, self.settings,
                                                  self.background_image)
            except AnyError as exc:
                console.error("backgrone: export failed", result.file_name, exc)
                # Not remade until the user retries or something changes: no retry loop.
                result.key = key
                result.error = error_text(exc)
                if result.job_id in self.results and self.current(result):
                    self.show_failure(result.job_id, result.error)
                self.settle(result, exc)
                return
            url = ""
        if result.job_id not in self.results:
            return
        self.drop_url(result)
        result.blob = blob
        result.url = url or URL.createObjectURL(blob)
        result.key = key
        result.error = ""
        # Settings may have moved on meanwhile: only a current download is marked ready.
        self.set_link(result.job_id, result.url, name, self.current(result))
        self.settle(result, None)

    def settle(self, result: Result, error: Any) -> None:
        waiters = result.waiters
        result.waiters = []
        for waiter in waiters:
            if error:
                waiter.reject(error)
            else:
                waiter.resolve(result.blob)

    def retry(self, job_id: int) -> None:
        """Make the job's download again after a failure."""
        result = self.find(job_id)
        if result is None or not result.error:
            return
        result.error = ""
        result.key = ""
        self.set_link(job_id, "", self.name_for(result), False)
        self.refresh()

    def latest(self, job_id: int) -> Any:
        """Promise of the job's current download Blob, waiting for it if it is being remade."""
        result = self.results[job_id]
        if self.current(result):
            if result.error:
                return Promise.reject(__new__(Error(result.error)))
            return Promise.resolve(result.blob)

        waiter = Deferred()
        result.waiters.append(waiter)
        self.refresh()
        return waiter.promise

    def name_for_id(self, job_id: int) -> str:
        return self.name_for(self.results[job_id])

    def as_png(self, job_id: int) -> Any:
        """Promise of the job's download as a PNG Blob: the download itself when it is one,
        else the same picture made as a PNG (for the clipboard)."""
        if self.settings.mime() == "image/png":
            return self.latest(job_id)
        result = self.results[job_id]
        alpha = result.edits.alpha if result.edits is not None and result.edits.version else None
        return self.exporter.export(result.photo, result.png, alpha, self.settings.as_png(),
                                    self.background_image)

    async def zip_all(self, job_ids: List[int]) -> Any:
        """One zip of the current downloads of these jobs (those with a result), in this order,
        under unique names."""
        files = await self.current_files(job_ids)
        return await self.exporter.zip(files.names, files.blobs)

    async def current_files(self, job_ids: List[int]) -> Files:
        """The current downloads of these jobs (those with a result), in this
        order, under unique names (what the zip and the folder get)."""
        names: List[str] = []
        blobs: List[Any] = []
        for job_id in job_ids:
            if job_id not in self.results:
                continue
            result = self.results[job_id]
            blob = await self.latest(job_id)
            names.append(self.name_for(result))
            blobs.append(blob)
        return Files(unique_names(names), blobs)
