"""The engine picker: each engine's name, download size and cache state; the cache's size on
this device, deleting it, and a user's own model file for engines the site does not bundle."""
# __pragma__('skip')
from typing import Any, Callable, List
from backgrone.jsglobals import console, navigator
# __pragma__('noskip')
import math

from backgrone.core.engines import DEFAULT_ENGINE
from backgrone.core.errors import AnyError
from backgrone.ui.job_client import JobClient

# __pragma__('skip')
ChangeFn = Callable[[str], None]
# __pragma__('noskip')


def megabytes(size: float) -> str:
    return str(math.floor(size / 1048576 + 0.5)) + " MB"


def engine_note(info: Any) -> str:
    """What the picker says beside an engine's name."""
    if info["cached"]:
        return megabytes(info["bytes"]) + ", saved on this device"
    if info["bundled"]:
        return megabytes(info["bytes"]) + " download, once"
    return "not bundled with this site: use your own model file"


class EnginePicker:
    def __init__(self, document: Any, root: Any, worker: JobClient, on_change: ChangeFn) -> None:
        self.document = document
        self.root = root
        self.worker = worker
        self.on_change = on_change
        self.selected = DEFAULT_ENGINE
        self.listing: List[Any] = []
        self.list = root.querySelector("[data-engine-list]")
        self.storage = root.querySelector("[data-storage]")
        self.notice = root.querySelector("[data-engine-notice]")
        self.model_input = root.querySelector("input[data-model-file]")
        self.import_for = ""
        root.querySelector("[data-clear-cache]").addEventListener("click", lambda event: self.clear())
        self.model_input.addEventListener("change", lambda event: self.import_model())

    def current(self) -> str:
        return self.selected

    async def refresh(self) -> List[Any]:
        """Ask the worker for the engines' state and redraw; returns the listing."""
        self.listing = await self.worker.list_engines()
        self.render()
        await self.show_storage()
        return self.listing

    def render(self) -> None:
        self.list.textContent = ""
        for info in self.listing:
            self.list.appendChild(self.option(info))

    def option(self, info: Any) -> Any:
        doc = self.document
        engine_id = info["id"]
        row = doc.createElement("div")
        row.className = "engine"
        row.dataset.engineId = engine_id
        row.dataset.cached = "true" if info["cached"] else "false"
        row.dataset.available = "true" if info["available"] else "false"
        radio = doc.createElement("input")
        radio.js_type = "radio"
        radio.js_name = "engine"
        radio.id = "engine-" + engine_id
        radio.value = engine_id
        radio.checked = engine_id == self.selected
        radio.disabled = not info["available"]
        radio.addEventListener("change", lambda event: self.select(engine_id))
        label = doc.createElement("label")
        label.htmlFor = radio.id
        title = doc.createElement("strong")
        title.textContent = info["label"]
        label.appendChild(title)
        label.appendChild(doc.createTextNode(" \u2014 " + info["summary"] + ". "))
        note = doc.createElement("span")
        note.className = "engine-note"
        note.textContent = engine_note(info)
        label.appendChild(note)
        row.appendChild(radio)
        row.appendChild(label)
        if not info["bundled"]:
            button = doc.createElement("button")
            button.js_type = "button"
            button.className = "link-button"
            button.dataset.importModel = engine_id
            action = "Replace model file" if info["cached"] else "Use my own model file"
            button.textContent = action + "\u2026"
            button.addEventListener("click", lambda event: self.pick_model(engine_id))
            row.appendChild(button)
        return row

    def select(self, engine_id: str) -> None:
        self.selected = engine_id
        self.on_change(engine_id)

    def say(self, text: str) -> None:
        self.notice.textContent = text

    def pick_model(self, engine_id: str) -> None:
        self.import_for = engine_id
        self.model_input.click()

    async def import_model(self) -> None:
        files = self.model_input.files
        if not files.length:
            return
        model = files[0]
        self.model_input.value = ""
        self.say("Checking " + model.js_name + "\u2026")
        try:
            self.listing = await self.worker.import_model(self.import_for, model)
        except AnyError as exc:
            self.say(getattr(exc, "message", "") or str(exc))
            return
        self.say(model.js_name + " is ready and saved on this device.")
        self.selected = self.import_for
        self.render()
        await self.show_storage()
        self.on_change(self.selected)

    async def clear(self) -> None:
        removed = await self.worker.clear_cache()
        self.say("Deleted " + str(removed) + " saved model" + ("" if removed == 1 else "s") + ".")
        await self.refresh()

    async def show_storage(self) -> None:
        """How much this site stores, and ask once for persistent storage when it holds a model:
        an evicted 88 MB model costs the user a download."""
        cached = 0
        for info in self.listing:
            if info["cached"]:
                cached += info["bytes"]
        text = "Saved models: " + megabytes(cached)
        try:
            if navigator.storage and navigator.storage.estimate:
                estimate = await navigator.storage.estimate()
                text += " \u00b7 this site uses " + megabytes(estimate.usage) + " of " + \
                    megabytes(estimate.quota) + " available"
            if cached > 0 and navigator.storage and navigator.storage.persist:
                persisted = await navigator.storage.persist()
                kept = "kept until you delete them" if persisted else "the browser may evict them"
                text += " \u00b7 " + kept
        except AnyError as exc:
            console.warn("backgrone storage estimate", exc)
        self.storage.textContent = text
