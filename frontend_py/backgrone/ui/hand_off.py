"""The stage's ways out besides Download: Copy (the download as image/png on the clipboard),
Share (the file itself, where the browser shares files: phones) and dragging the download out
to the desktop or another app. Each says why where the browser cannot do it."""
# __pragma__('skip')
from typing import Any, Callable
from backgrone.jsglobals import ClipboardItem, File, Promise, console, __new__, __pragma__
# __pragma__('noskip')

from backgrone.core.errors import AnyError
from backgrone.ui.downloads import Downloads, error_text

# __pragma__('skip')
ShownFn = Callable[[], int]  # the job on the stage: mypy only
AnnounceFn = Callable[[str], None]
# __pragma__('noskip')

NO_IMAGE_CLIPBOARD = "This browser cannot put images on the clipboard: use Download or drag the picture out."
NO_CLIPBOARD = "The clipboard is not available here (it needs a secure page in a recent browser)."


def copy_support(window: Any) -> str:
    """"" where image/png can go on the clipboard, else why not (the button's words)."""
    clipboard = window.navigator.clipboard
    if not clipboard or not clipboard.write:
        return NO_CLIPBOARD
    if not window.ClipboardItem:
        return NO_IMAGE_CLIPBOARD
    if window.ClipboardItem.supports and not window.ClipboardItem.supports("image/png"):
        return NO_IMAGE_CLIPBOARD
    return ""


def can_share_files(window: Any) -> bool:
    navigator = window.navigator
    if not navigator.share or not navigator.canShare:
        return False
    __pragma__("jsiter")
    probe = {"files": [__new__(File([], "probe.png", {"type": "image/png"}))]}
    __pragma__("nojsiter")
    try:
        return bool(navigator.canShare(probe))
    except AnyError:
        return False


class HandOff:
    def __init__(self, window: Any, root: Any, downloads: Downloads, shown: ShownFn,
                 announce: AnnounceFn) -> None:
        self.window = window
        self.downloads = downloads
        self.shown = shown
        self.announce = announce
        self.copy_button = root.querySelector("[data-stage-copy]")
        self.copy_note = root.querySelector("[data-copy-note]")
        self.share_button = root.querySelector("[data-stage-share]")
        self.drag = root.querySelector("[data-stage-drag]")
        self.why_not = copy_support(window)
        self.copy_button.dataset.supported = "false" if self.why_not else "true"
        if self.why_not:
            # The button says why instead of failing silently: its title, and the note on a click.
            self.copy_button.setAttribute("aria-describedby", "copy-note")
            self.copy_button.title = self.why_not
            self.copy_note.textContent = self.why_not
        self.copy_button.addEventListener("click", lambda event: self.copy())
        self.share_button.hidden = not can_share_files(window)
        self.share_button.addEventListener("click", lambda event: self.share())
        self.drag.addEventListener("dragstart", self.drag_start)
        # The drag handle shows the download; its URL is the job's own download link's.
        self.drag_url = ""

    def copy(self) -> None:
        """The download as image/png on the clipboard. The ClipboardItem is made at once with
        a promise of the PNG, so that the click's user activation covers the write (Safari)."""
        if self.why_not:
            self.copy_note.hidden = False
            self.announce(self.why_not)
            return
        job_id = self.shown()
        if not job_id:
            return
        __pragma__("jsiter")
        item = __new__(ClipboardItem({"image/png": self.downloads.as_png(job_id)}))
        __pragma__("nojsiter")
        self.announce("Copying\u2026")

        def copied(value: Any) -> None:
            self.copy_button.dataset.copied = str(job_id)
            self.announce("Copied to the clipboard as PNG")

        def refused(error: Any) -> None:
            console.warn("backgrone: copy failed", error)
            self.announce("Could not copy: " + error_text(error))

        Promise.resolve(self.window.navigator.clipboard.write([item])).then(copied, refused)

    def share(self) -> None:
        job_id = self.shown()
        if not job_id:
            return
        name = self.downloads.name_for_id(job_id)

        def send(blob: Any) -> Any:
            __pragma__("jsiter")
            data = {"files": [__new__(File([blob], name, {"type": blob.type}))], "title": name}
            __pragma__("nojsiter")
            return self.window.navigator.share(data)

        def refused(error: Any) -> None:
            # AbortError: the user closed the share sheet; nothing to say.
            if error and error.js_name != "AbortError":
                self.announce("Could not share: " + error_text(error))

        Promise.resolve(self.downloads.latest(job_id)).then(send).catch(refused)

    def show(self, url: str, name: str, mime: str) -> None:
        """The stage's download changed (or is being remade: url "")."""
        self.drag_url = url
        self.drag.hidden = not url
        self.drag.dataset.name = name
        self.drag.dataset.mime = mime
        if url:
            self.drag.src = url

    def drag_start(self, event: Any) -> None:
        """Chromium saves a DownloadURL ("mime:name:url") dropped on the desktop as the file;
        other browsers drag the picture itself, and every one gives the URL."""
        if not self.drag_url:
            event.preventDefault()
            return
        data = event.dataTransfer
        data.effectAllowed = "copy"
        data.setData("DownloadURL", self.drag.dataset.mime + ":" + self.drag.dataset.name + ":"
                     + self.drag_url)
        data.setData("text/uri-list", self.drag_url)
