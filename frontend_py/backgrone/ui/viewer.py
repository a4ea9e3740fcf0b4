"""The stage's view: a photo still being worked on (the original), or the cutout over a
checkerboard (or the chosen background, the blurred photo made by the export worker), a
before/after compare slider (pointer, touch, keys), fit-to-screen and 100 % zoom, and the
touch-up brush. What is on the stage is decided by ui/stage.py."""
# __pragma__('skip')
from typing import Any, Callable
from backgrone.jsglobals import Promise, URL, console
# __pragma__('noskip')
import math

from backgrone.core.output import BACKGROUND_KINDS, OutputSettings
from backgrone.ui.downloads import Result
from backgrone.ui.export_client import ExportClient
from backgrone.ui.touchup import TouchUp

FIT = "fit"  # the zoom a new result starts in; the buttons' data-zoom names the others

# __pragma__('skip')
AnnounceFn = Callable[[str], None]  # a type alias: mypy only
EditedFn = Callable[[int], None]
# __pragma__('noskip')


def log_failure(error: Any) -> None:
    console.error("backgrone viewer:", error)


class Viewer:
    def __init__(self, document: Any, window: Any, root: Any, exporter: ExportClient,
                 on_edit: EditedFn, announce: AnnounceFn) -> None:
        self.document = document
        self.window = window
        self.root = root
        self.announce = announce
        self.on_edit = on_edit
        self.result: Any = None
        self.zoom = FIT
        self.split = 50.0
        self.before_url = ""
        self.return_focus: Any = None
        # The job shown while it is still being worked on (0: none), and its photo's size.
        self.pending_id = 0
        self.natural = [0, 0]
        # The blurred-photo backdrop's object URL, and whether it is wanted.
        self.blur_url = ""
        self.blur_wanted = False
        self.exporter = exporter
        # Called when the stage is put away (Close, Esc).
        self.on_close: Any = None
        self.title = root.querySelector("[data-viewer-title]")
        self.stage = root.querySelector("[data-stage]")
        self.compare = root.querySelector("[data-compare]")
        self.backdrop = root.querySelector("[data-backdrop]")
        self.before = root.querySelector("[data-before]")
        self.divider = root.querySelector("[data-divider]")
        self.canvas = root.querySelector("[data-canvas]")
        self.brush_toggle = root.querySelector("[data-brush-toggle]")
        self.brush_controls = root.querySelector("[data-brush-controls]")
        cursor = root.querySelector("[data-cursor]")
        self.touchup = TouchUp(document, self.brush_controls, self.canvas, cursor, exporter,
                               self.edited, announce)
        zooms = root.querySelectorAll("[data-zoom]")
        for i in range(zooms.length):
            button = zooms[i]
            button.addEventListener("click", self.zoom_clicked)
        root.querySelector("[data-viewer-close]").addEventListener("click", lambda event: self.close())
        self.brush_toggle.addEventListener("click", lambda event: self.toggle_brush())
        self.divider.addEventListener("pointerdown", self.divider_down)
        self.divider.addEventListener("pointermove", self.divider_move)
        self.divider.addEventListener("keydown", self.divider_key)
        self.before.addEventListener("load", self.photo_loaded)
        root.addEventListener("keydown", self.shortcut)
        window.addEventListener("resize", lambda event: self.layout())

    def edited(self) -> None:
        if self.result:
            self.on_edit(self.result.job_id)
            self.refresh_blur()

    # --- open and close -------------------------------------------------------------------------

    def open(self, result: Result, opener: Any, focus: bool = True) -> None:
        """Show the result; `focus`: the user asked for it (focus and scroll to it), else it
        came on the stage by itself and must not take the keyboard focus."""
        if self.result and self.result.job_id == result.job_id and not self.root.hidden:
            if focus:
                self.return_focus = opener
                self.title.focus()
            return
        self.release()
        self.result = result
        self.return_focus = opener
        self.show_photo(result.job_id, result.file_name, result.photo, "result")
        self.natural = [result.width, result.height]
        self.set_brush(False)
        self.set_split(50.0)
        self.set_zoom(FIT)
        self.refresh_blur()
        if focus:
            self.root.scrollIntoView()
            self.title.focus()
            self.announce("Showing " + result.file_name)
        Promise.resolve(self.touchup.show(result)).catch(log_failure)

    def pending(self, job_id: int, file_name: str, photo: Any) -> None:
        """Show a photo that is still queued or being worked on: the original, whole."""
        if self.pending_id == job_id and not self.root.hidden:
            return
        self.release()
        self.result = None
        self.return_focus = None
        self.show_photo(job_id, file_name, photo, "pending")
        self.pending_id = job_id
        self.set_brush(False)
        self.set_split(100.0)
        self.set_zoom(FIT)

    def show_photo(self, job_id: int, file_name: str, photo: Any, mode: str) -> None:
        self.root.hidden = False
        self.root.dataset.showing = str(job_id)
        self.root.dataset.mode = mode
        self.title.textContent = file_name
        self.natural = [0, 0]
        self.before_url = URL.createObjectURL(photo)
        self.before.src = self.before_url
        self.before.alt = "Original " + file_name

    def photo_loaded(self, event: Any) -> None:
        if self.result is None and self.before.naturalWidth:
            self.natural = [self.before.naturalWidth, self.before.naturalHeight]
            self.layout()

    def shown_id(self) -> int:
        """The job on the stage (a result or a photo still in the works), 0 for none."""
        if self.root.hidden:
            return 0
        return self.result.job_id if self.result else self.pending_id

    def release(self) -> None:
        self.touchup.close()
        self.pending_id = 0
        self.drop_blur()
        if self.before_url:
            URL.revokeObjectURL(self.before_url)
            self.before_url = ""

    def close(self) -> None:
        if self.root.hidden:
            return
        self.release()
        self.result = None
        self.root.hidden = True
        if self.on_close:
            self.on_close()
        if self.return_focus and self.return_focus.isConnected:
            self.return_focus.focus()

    # --- backdrop -------------------------------------------------------------------------------

    def set_backdrop(self, settings: OutputSettings, image_url: str) -> None:
        """Preview the download's background behind the cutout."""
        kind = settings.kind()
        style = self.backdrop.style
        for other in BACKGROUND_KINDS:
            self.backdrop.classList.toggle(other.css_class, other.kind_id == kind.kind_id)
        self.backdrop.classList.toggle("checkerboard", kind.checkerboard)
        self.backdrop.dataset.background = kind.kind_id
        style.backgroundColor = settings.color if kind.takes_color else ""
        style.backgroundImage = "url(" + image_url + ")" if kind.takes_image and image_url else ""
        # The photo's own background is made by the export worker (refresh_blur).
        self.blur_wanted = kind.takes_photo
        self.refresh_blur()

    def refresh_blur(self) -> None:
        """The blurred-photo backdrop of the shown result, asked of the export worker (small,
        so it comes at once); it also follows the brush's edits."""
        result = self.result
        if not self.blur_wanted or not result:
            self.drop_blur()
            return
        alpha = result.edits.alpha if result.edits is not None and result.edits.version else None

        def made(blob: Any) -> None:
            if self.result != result or not self.blur_wanted:
                return
            self.drop_blur()
            self.blur_url = URL.createObjectURL(blob)
            self.backdrop.style.backgroundImage = "url(" + self.blur_url + ")"
            self.backdrop.dataset.blurReady = "true"

        Promise.resolve(self.exporter.backdrop(result.photo, result.png, alpha)).then(made).catch(log_failure)

    def drop_blur(self) -> None:
        if self.blur_url:
            URL.revokeObjectURL(self.blur_url)
            self.blur_url = ""
            if self.blur_wanted:
                self.backdrop.style.backgroundImage = ""
        self.backdrop.dataset.blurReady = "false"

    # --- zoom -----------------------------------------------------------------------------------

    def zoom_clicked(self, event: Any) -> None:
        self.set_zoom(event.currentTarget.dataset.zoom)

    def set_zoom(self, zoom: str) -> None:
        self.zoom = zoom
        buttons = self.root.querySelectorAll("[data-zoom]")
        for i in range(buttons.length):
            buttons[i].setAttribute("aria-pressed", "true" if buttons[i].dataset.zoom == zoom else "false")
        self.root.dataset.zoom = zoom
        self.layout()

    def layout(self) -> None:
        width = self.natural[0]
        height = self.natural[1]
        if self.root.hidden or not width or not height:
            return
        scale = 1.0
        tools = self.root.dataset.brush == "on" or self.root.dataset.fix == "on"
        if self.zoom == FIT:
            # The whole picture in the first screen with the bars above it, a phone's too;
            # with Touch up or Fix open, in what the viewer's bars and tools leave of it.
            room_w = max(100, self.stage.clientWidth - 2)
            room_h = max(160, self.window.innerHeight * 0.6)
            if tools:
                chrome = self.root.offsetHeight - self.stage.offsetHeight
                room_h = max(120, self.window.innerHeight - chrome - 16)
            scale = min(1.0, room_w / width, room_h / height)
        self.compare.style.width = str(math.floor(width * scale)) + "px"
        self.compare.style.height = str(math.floor(height * scale)) + "px"
        if tools:
            self.root.scrollIntoView()

    # --- compare slider -------------------------------------------------------------------------

    def set_split(self, percent: float) -> None:
        split = min(100.0, max(0.0, percent))
        self.split = split
        rounded = math.floor(split + 0.5)
        self.before.style.clipPath = "inset(0 " + str(100 - split) + "% 0 0)"
        self.divider.style.left = str(split) + "%"
        self.divider.setAttribute("aria-valuenow", str(rounded))
        self.divider.setAttribute("aria-valuetext", str(rounded) + "% original, "
                                  + str(100 - rounded) + "% cutout")

    def divider_down(self, event: Any) -> None:
        event.preventDefault()
        self.divider.setPointerCapture(event.pointerId)
        self.divider.focus()
        self.divider_move(event)

    def divider_move(self, event: Any) -> None:
        if not self.divider.hasPointerCapture(event.pointerId):
            return
        box = self.compare.getBoundingClientRect()
        self.set_split((event.clientX - box.left) / box.width * 100)

    def divider_key(self, event: Any) -> None:
        key = event.key
        step = 10 if event.shiftKey else 2
        if key == "ArrowLeft" or key == "ArrowDown":
            self.set_split(self.split - step)
        elif key == "ArrowRight" or key == "ArrowUp":
            self.set_split(self.split + step)
        elif key == "PageDown":
            self.set_split(self.split - 25)
        elif key == "PageUp":
            self.set_split(self.split + 25)
        elif key == "Home":
            self.set_split(0)
        elif key == "End":
            self.set_split(100)
        else:
            return
        event.preventDefault()

    # --- brush ----------------------------------------------------------------------------------

    def toggle_brush(self) -> None:
        self.set_brush(self.brush_toggle.getAttribute("aria-pressed") != "true")

    def set_brush(self, on: bool) -> None:
        self.brush_toggle.setAttribute("aria-pressed", "true" if on else "false")
        self.brush_controls.hidden = not on
        self.root.dataset.brush = "on" if on else "off"
        self.layout()
        if on:
            # The whole cutout in view while painting.
            self.set_split(0)
            self.canvas.tabIndex = 0
            Promise.resolve(self.touchup.activate()).catch(log_failure)
            self.announce("Touch-up on: drag to paint, or focus the image and use the arrow keys "
                          + "and Space. E erases, R restores.")
        else:
            self.canvas.tabIndex = -1
            self.touchup.deactivate()

    def shortcut(self, event: Any) -> None:
        tag = event.target.tagName
        if event.key == "Escape":
            event.preventDefault()
            self.close()
            return
        if not (event.ctrlKey or event.metaKey) or tag == "INPUT" and event.target.js_type == "text":
            return
        key = event.key.lower()
        if self.root.dataset.fix == "on":
            return  # the Fix tool's own undo and redo (ui/fix_tool.py)
        if key == "z" and not event.shiftKey:
            event.preventDefault()
            self.touchup.undo()
        elif key == "y" or key == "z" and event.shiftKey:
            event.preventDefault()
            self.touchup.redo()
