"""The stage's Fix tool: a click on the cutout says "this is the subject" (keep), Alt-click or
the Remove button "this is background"; each click re-runs the job with every click so far
(core/correct.py in the job worker, on the mask it remembers: no new inference). The clicks
stay on the stage as dots; Undo and Redo (Ctrl+Z, Ctrl+Y) drop and bring back the last one. By
keyboard: on the focused cutout, arrow keys move a point, Enter keeps, Delete removes."""
# __pragma__('skip')
from typing import Any, Callable, Dict, List
from backgrone.jsglobals import document
# __pragma__('noskip')
import math

# __pragma__('skip')
CorrectFn = Callable[[int, List[Any]], None]  # a type alias: mypy only
# __pragma__('noskip')


class FixTool:
    def __init__(self, root: Any, viewer: Any, on_correct: CorrectFn,
                 announce: Callable[[str], None]) -> None:
        self.viewer = viewer
        self.on_correct = on_correct
        self.announce = announce
        self.toggle = root.querySelector("[data-fix-toggle]")
        self.controls = root.querySelector("[data-fix-controls]")
        self.remove_button = root.querySelector("[data-fix-remove]")
        self.undo_button = root.querySelector("[data-fix-undo]")
        self.redo_button = root.querySelector("[data-fix-redo]")
        self.dots = root.querySelector("[data-fix-dots]")
        self.on = False
        # Per job: its clicks [x, y, keep] oldest first, and the ones undone (for redo).
        self.hints: Dict[int, List[Any]] = {}
        self.undone: Dict[int, List[Any]] = {}
        self.toggle.addEventListener("click", lambda event: self.set_on(not self.on))
        self.remove_button.addEventListener("click", lambda event: self.set_remove(
            self.remove_button.getAttribute("aria-pressed") != "true"))
        self.undo_button.addEventListener("click", lambda event: self.undo())
        self.redo_button.addEventListener("click", lambda event: self.redo())
        viewer.canvas.addEventListener("click", self.clicked)
        viewer.canvas.addEventListener("keydown", self.key_down)
        root.addEventListener("keydown", self.shortcut)
        # The keyboard's point on the photo, in 0..1 of its width and height.
        self.at = [0.5, 0.5]
        # One tool at a time: Touch up puts Fix away.
        root.querySelector("[data-brush-toggle]").addEventListener("click", lambda event: self.put_away())

    def put_away(self) -> None:
        if self.on:
            self.set_on(False)

    def job_id(self) -> int:
        return self.viewer.result.job_id if self.viewer.result else 0

    def set_on(self, on: bool) -> None:
        self.on = on and self.job_id() > 0
        self.toggle.setAttribute("aria-pressed", "true" if self.on else "false")
        self.controls.hidden = not self.on
        self.viewer.root.dataset.fix = "on" if self.on else "off"
        if self.on:
            self.viewer.set_brush(False)
            self.viewer.set_split(0)  # the whole cutout in view
            self.viewer.canvas.tabIndex = 0
        elif self.viewer.root.dataset.brush != "on":
            self.viewer.canvas.tabIndex = -1
            self.announce("Fix on: click what the cutout got wrong; Alt-click or Remove for background.")
        self.viewer.layout()
        self.show()

    def key_down(self, event: Any) -> None:
        """On the focused cutout: arrow keys move the point (Shift: further), Enter keeps,
        Delete or Alt+Enter removes."""
        if not self.on:
            return
        step = 0.1 if event.shiftKey else 0.02
        moves = {"ArrowLeft": [-step, 0.0], "ArrowRight": [step, 0.0], "ArrowUp": [0.0, -step],
                 "ArrowDown": [0.0, step]}
        if event.key in moves:
            move = moves[event.key]
            self.at = [min(1.0, max(0.0, self.at[0] + move[0])), min(1.0, max(0.0, self.at[1] + move[1]))]
            self.show()
        elif event.key == "Enter" or event.key == "Delete":
            result = self.viewer.result
            if result:
                keep = event.key == "Enter" and not event.altKey
                x = math.floor(self.at[0] * (result.width - 1))
                y = math.floor(self.at[1] * (result.height - 1))
                self.add(x, y, keep and self.remove_button.getAttribute("aria-pressed") != "true")
        else:
            return
        event.preventDefault()

    def shortcut(self, event: Any) -> None:
        if self.on and (event.ctrlKey or event.metaKey):
            key = event.key.lower()
            if key == "z" and not event.shiftKey:
                event.preventDefault()
                self.undo()
            elif key == "y" or key == "z" and event.shiftKey:
                event.preventDefault()
                self.redo()

    def set_remove(self, on: bool) -> None:
        self.remove_button.setAttribute("aria-pressed", "true" if on else "false")

    def clicked(self, event: Any) -> None:
        job_id = self.job_id()
        if not self.on or job_id == 0:
            return
        result = self.viewer.result
        box = self.viewer.canvas.getBoundingClientRect()
        x = math.floor((event.clientX - box.left) / box.width * result.width)
        y = math.floor((event.clientY - box.top) / box.height * result.height)
        keep = not (event.altKey or self.remove_button.getAttribute("aria-pressed") == "true")
        self.add(x, y, keep)

    def add(self, x: int, y: int, keep: bool) -> None:
        job_id = self.job_id()
        if job_id not in self.hints:
            self.hints[job_id] = []
        self.hints[job_id].append([x, y, keep])
        self.undone[job_id] = []
        self.run(job_id, "keep" if keep else "remove")

    def undo(self) -> None:
        job_id = self.job_id()
        if job_id in self.hints and len(self.hints[job_id]) > 0:
            last = self.hints[job_id][len(self.hints[job_id]) - 1]
            self.hints[job_id] = self.hints[job_id][:-1]
            self.undone[job_id].append(last)
            self.run(job_id, "undone")

    def redo(self) -> None:
        job_id = self.job_id()
        if job_id in self.undone and len(self.undone[job_id]) > 0:
            again = self.undone[job_id][len(self.undone[job_id]) - 1]
            self.undone[job_id] = self.undone[job_id][:-1]
            self.hints[job_id].append(again)
            self.run(job_id, "redone")

    def run(self, job_id: int, said: str) -> None:
        self.show()
        self.announce("Fix: " + said + "; " + str(len(self.hints[job_id])) + " clicks")
        self.on_correct(job_id, self.hints[job_id])

    def after_result(self, job_id: int) -> None:
        """A corrected result is on the stage: keep the tool as it was."""
        if self.on and job_id == self.job_id():
            self.viewer.set_split(0)
        self.show()

    def show(self) -> None:
        """The dots of the shown job's clicks, and the buttons' states."""
        job_id = self.job_id()
        hints = self.hints[job_id] if job_id in self.hints else []
        undone = self.undone[job_id] if job_id in self.undone else []
        self.undo_button.disabled = len(hints) == 0
        self.redo_button.disabled = len(undone) == 0
        self.dots.textContent = ""
        self.dots.hidden = not self.on
        result = self.viewer.result
        if not result:
            return
        if self.on:
            point = document.createElement("span")  # the keyboard's point
            point.className = "fix-point"
            point.style.left = str(self.at[0] * 100) + "%"
            point.style.top = str(self.at[1] * 100) + "%"
            self.dots.appendChild(point)
        for hint in hints:
            dot = document.createElement("span")
            dot.className = "fix-dot"
            dot.dataset.keep = "true" if hint[2] else "false"
            dot.style.left = str((hint[0] + 0.5) / result.width * 100) + "%"
            dot.style.top = str((hint[1] + 0.5) / result.height * 100) + "%"
            self.dots.appendChild(dot)
