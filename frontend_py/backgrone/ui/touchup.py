"""The touch-up brush on the result canvas: erase or restore the alpha with the mouse, touch,
pen or keyboard, with undo and redo. Pixel arithmetic is core/brush; this module draws.

The canvas shows colours x mask: the brush's colours (an opaque bitmap the export worker makes:
the cutout's refined colours, the photo's where the cutout has none, see core/brush), then the
mask canvas (alpha = edited alpha) composited with destination-in, one dirty rectangle at a time.
"""
# __pragma__('skip')
from typing import Any, Callable, List
from backgrone.jsglobals import ImageData, Uint8ClampedArray, console, createImageBitmap, __new__, __pragma__
# __pragma__('noskip')
import math

from backgrone.core import brush
from backgrone.core.brush import EditHistory, copy_rect
from backgrone.core.errors import AnyError
from backgrone.ui.downloads import Result
from backgrone.ui.export_client import ExportClient

# __pragma__('skip')
EditedFn = Callable[[], None]  # a type alias: mypy only
# __pragma__('noskip')


def new_bytes(count: int) -> Any:
    return __new__(Uint8ClampedArray(count))


class TouchUp:
    def __init__(self, document: Any, root: Any, canvas: Any, cursor: Any, exporter: ExportClient,
                 on_edit: EditedFn, announce: Callable[[str], None]) -> None:
        self.document = document
        self.root = root
        self.canvas = canvas
        self.cursor = cursor
        self.exporter = exporter
        self.on_edit = on_edit
        self.announce = announce
        self.result: Any = None
        # The brush's colours for the shown result (an ImageBitmap), once the brush was used.
        self.colour: Any = None
        self.active = False
        self.painting = False
        self.key_painting = False
        self.last: List[float] = [0.0, 0.0]
        self.at: List[float] = [0.0, 0.0]
        self.mode_inputs = root.querySelectorAll("input[name=brush-mode]")
        self.size = root.querySelector("[data-brush-size]")
        self.size_value = root.querySelector("[data-brush-size-value]")
        self.hardness = root.querySelector("[data-brush-hardness]")
        self.hardness_value = root.querySelector("[data-brush-hardness-value]")
        self.undo_button = root.querySelector("[data-undo]")
        self.redo_button = root.querySelector("[data-redo]")
        self.undo_button.addEventListener("click", lambda event: self.undo())
        self.redo_button.addEventListener("click", lambda event: self.redo())
        root.addEventListener("input", lambda event: self.show_values())
        canvas.addEventListener("pointerdown", self.pointer_down)
        canvas.addEventListener("pointermove", self.pointer_move)
        canvas.addEventListener("pointerup", self.pointer_up)
        canvas.addEventListener("pointercancel", self.pointer_up)
        canvas.addEventListener("pointerleave", lambda event: self.hide_cursor())
        canvas.addEventListener("keydown", self.key_down)
        canvas.addEventListener("keyup", self.key_up)
        canvas.addEventListener("blur", lambda event: self.end_key_stroke())

    # --- state -------------------------------------------------------------------------------

    def mode(self) -> str:
        for i in range(self.mode_inputs.length):
            if self.mode_inputs[i].checked:
                return str(self.mode_inputs[i].value)
        return brush.ERASE

    def set_mode(self, mode: str) -> None:
        for i in range(self.mode_inputs.length):
            self.mode_inputs[i].checked = self.mode_inputs[i].value == mode
        self.announce("Brush: " + mode)

    def radius(self) -> float:
        return int(self.size.value) / 2

    def hardness_fraction(self) -> float:
        return int(self.hardness.value) / 100

    def show_values(self) -> None:
        self.size_value.textContent = self.size.value + " px"
        self.hardness_value.textContent = self.hardness.value + " %"
        self.place_cursor()

    def sync_buttons(self) -> None:
        edits = self.edits()
        self.undo_button.disabled = edits is None or not edits.can_undo()
        self.redo_button.disabled = edits is None or not edits.can_redo()

    def edits(self) -> Any:
        return self.result.edits if self.result else None

    # --- showing a result ---------------------------------------------------------------------

    async def show(self, result: Result) -> None:
        """Draw `result` (with its edits, if any) on the canvas."""
        self.close_colour()
        self.result = result
        self.active = False
        self.canvas.width = result.width
        self.canvas.height = result.height
        default = max(4, math.floor(min(result.width, result.height) / 20))
        self.size.max = str(max(200, math.floor(min(result.width, result.height) / 2)))
        self.size.value = str(default)
        self.at = [result.width / 2, result.height / 2]
        self.show_values()
        context = self.canvas.getContext("2d")
        context.clearRect(0, 0, result.width, result.height)
        if result.mask:
            if not await self.load_colour(result):
                return
            if self.result != result:
                return
            self.redraw([0, 0, result.width, result.height])
        else:
            cutout = await createImageBitmap(result.png)
            if self.result != result:
                cutout.close()
                return
            context.drawImage(cutout, 0, 0)
            cutout.close()
        self.sync_buttons()

    async def load_colour(self, result: Result) -> bool:
        """The brush's colours for `result`, made off-thread by the export worker; False (and
        logged) when they could not be made."""
        if self.colour:
            return True
        try:
            found = await self.exporter.layers(result.png, result.photo)
        except AnyError as exc:
            console.error("backgrone: cannot prepare the brush's colours", exc)
            return False
        self.keep_colour(result, found["colour"])
        return True

    def keep_colour(self, result: Result, colour: Any) -> None:
        if self.result != result or self.colour:
            colour.close()  # another result is shown now, or this one's arrived first
            return
        self.colour = colour

    def close_colour(self) -> None:
        if self.colour:
            self.colour.close()
            self.colour = None

    async def activate(self) -> None:
        """Ready the brush: the alpha and the colours come from the export worker."""
        result = self.result
        if not result:
            return
        self.active = True
        self.canvas.classList.add("painting")
        if result.edits is None:
            self.root.setAttribute("aria-busy", "true")
            try:
                found = await self.exporter.layers(result.png, result.photo)
            except AnyError as exc:
                console.error("backgrone: cannot read the cutout's alpha", exc)
                self.root.removeAttribute("aria-busy")
                return
            if result.edits is not None:
                found["colour"].close()  # activated twice while the first was on its way
                return
            self.keep_colour(result, found["colour"])
            mask = self.document.createElement("canvas")
            mask.width = result.width
            mask.height = result.height
            cutout = await createImageBitmap(result.png)
            mask.getContext("2d").drawImage(cutout, 0, 0)
            cutout.close()
            result.mask = mask
            result.edits = EditHistory(found["alpha"], result.width, result.height, new_bytes)
            self.root.removeAttribute("aria-busy")
        elif not await self.load_colour(result):
            return
        if self.result != result:
            return
        self.root.dataset.ready = "true"
        self.sync_buttons()

    def deactivate(self) -> None:
        self.active = False
        self.end_key_stroke()
        self.canvas.classList.remove("painting")
        self.hide_cursor()

    def close(self) -> None:
        self.deactivate()
        self.close_colour()
        self.result = None
        self.root.dataset.ready = "false"

    # --- drawing ------------------------------------------------------------------------------

    def redraw(self, rect: List[int]) -> None:
        """Recompose colours x mask inside rect (after the mask canvas was updated there)."""
        if len(rect) < 4 or not self.colour or not self.result or not self.result.mask:
            return
        x = rect[0]
        y = rect[1]
        w = rect[2] - rect[0]
        h = rect[3] - rect[1]
        if w <= 0 or h <= 0:
            return
        context = self.canvas.getContext("2d")
        # destination-in clears everything it does not cover, so confine it to the rectangle.
        context.save()
        context.beginPath()
        context.rect(x, y, w, h)
        context.clip()
        context.clearRect(x, y, w, h)
        context.globalCompositeOperation = "source-over"
        context.drawImage(self.colour, x, y, w, h, x, y, w, h)
        context.globalCompositeOperation = "destination-in"
        context.drawImage(self.result.mask, x, y, w, h, x, y, w, h)
        context.restore()

    def update_mask(self, rect: List[int]) -> None:
        """Copy the edited alpha inside rect into the mask canvas, then recompose."""
        if len(rect) < 4 or rect[0] >= rect[2] or rect[1] >= rect[3]:
            return
        edits = self.result.edits
        w = rect[2] - rect[0]
        h = rect[3] - rect[1]
        patch = __new__(ImageData(w, h))
        data = patch.data
        # The alpha bytes into the patch's alpha channel (every 4th byte from the 4th).
        copy_rect(edits.alpha, edits.width, rect, data, 3, 4)
        self.result.mask.getContext("2d").putImageData(patch, rect[0], rect[1])
        self.redraw(rect)

    def dab(self, x: float, y: float) -> None:
        rect = self.result.edits.dab(x, y, self.radius(), self.hardness_fraction(), self.mode())
        self.update_mask(rect)

    def stroke_to(self, x: float, y: float) -> None:
        spacing = max(1.0, self.radius() / 3)
        for point in brush.stroke_points(self.last[0], self.last[1], x, y, spacing):
            self.dab(point[0], point[1])
        self.last = [x, y]

    def finish_stroke(self) -> None:
        if self.result and self.result.edits is not None and self.result.edits.end_stroke():
            self.sync_buttons()
            self.on_edit()

    def undo(self) -> None:
        if self.result and self.result.edits is not None:
            self.show_history_step(self.result.edits.undo(), "Undone")

    def redo(self) -> None:
        if self.result and self.result.edits is not None:
            self.show_history_step(self.result.edits.redo(), "Redone")

    def show_history_step(self, rect: List[int], said: str) -> None:
        """Redraw what an undo or redo changed (rect is empty when there was nothing to do)."""
        if len(rect) > 0:
            self.update_mask(rect)
            self.sync_buttons()
            self.announce(said)
            self.on_edit()

    # --- pointer ------------------------------------------------------------------------------

    def ready(self) -> bool:
        return bool(self.active and self.result and self.result.edits is not None and self.colour)

    def image_point(self, event: Any) -> List[float]:
        box = self.canvas.getBoundingClientRect()
        x = (event.clientX - box.left) / box.width * self.result.width
        y = (event.clientY - box.top) / box.height * self.result.height
        return [x, y]

    def pointer_down(self, event: Any) -> None:
        if not self.ready() or (event.pointerType == "mouse" and event.button != 0):
            return
        event.preventDefault()
        point = self.image_point(event)
        __pragma__("jsiter")
        still = {"preventScroll": True}
        __pragma__("nojsiter")
        # Keyboard painting continues from here; focusing must not scroll under the pointer.
        self.canvas.focus(still)
        self.canvas.setPointerCapture(event.pointerId)
        self.painting = True
        self.at = point
        self.last = point
        self.dab(point[0], point[1])
        self.place_cursor()

    def pointer_move(self, event: Any) -> None:
        if not self.active or not self.result:
            return
        point = self.image_point(event)
        self.at = point
        self.place_cursor()
        if self.painting:
            self.stroke_to(point[0], point[1])

    def pointer_up(self, event: Any) -> None:
        if not self.painting:
            return
        self.painting = False
        self.finish_stroke()

    # --- keyboard -----------------------------------------------------------------------------

    def key_down(self, event: Any) -> None:
        if not self.ready():
            return
        key = event.key
        step = max(1.0, self.radius() / 2) * (4 if event.shiftKey else 1)
        moves = {"ArrowLeft": [-step, 0], "ArrowRight": [step, 0],
                 "ArrowUp": [0, -step], "ArrowDown": [0, step]}
        if key in moves:
            event.preventDefault()
            x = min(max(self.at[0] + moves[key][0], 0), self.result.width)
            y = min(max(self.at[1] + moves[key][1], 0), self.result.height)
            self.at = [x, y]
            if self.key_painting:
                self.stroke_to(x, y)
            self.place_cursor()
        elif key == " " or key == "Enter":
            event.preventDefault()
            if not self.key_painting and not event.repeat:
                self.key_painting = True
                self.last = [self.at[0], self.at[1]]
                self.dab(self.at[0], self.at[1])
                self.place_cursor()
        elif key == "[" or key == "]":
            event.preventDefault()
            size = int(self.size.value)
            size = max(2, min(int(self.size.max), size + (-4 if key == "[" else 4)))
            self.size.value = str(size)
            self.show_values()
        elif key == "e" or key == "E":
            self.set_mode(brush.ERASE)
        elif key == "r" or key == "R":
            self.set_mode(brush.RESTORE)

    def key_up(self, event: Any) -> None:
        if event.key == " " or event.key == "Enter":
            self.end_key_stroke()

    def end_key_stroke(self) -> None:
        if self.key_painting:
            self.key_painting = False
            self.finish_stroke()

    # --- cursor -------------------------------------------------------------------------------

    def place_cursor(self) -> None:
        if not self.active or not self.result:
            return
        width = self.result.width
        height = self.result.height
        radius = self.radius()
        style = self.cursor.style
        style.left = str((self.at[0] - radius) / width * 100) + "%"
        style.top = str((self.at[1] - radius) / height * 100) + "%"
        style.width = str(2 * radius / width * 100) + "%"
        style.height = str(2 * radius / height * 100) + "%"
        self.cursor.hidden = False

    def hide_cursor(self) -> None:
        if not self.painting and self.document.activeElement != self.canvas:
            self.cursor.hidden = True
