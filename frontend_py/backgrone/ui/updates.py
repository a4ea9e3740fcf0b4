"""The service worker seen from the page: registration, the one reload that makes a plain
static host cross-origin isolated, and the prompt that offers a new version."""
# __pragma__('skip')
from typing import Any, Callable
from backgrone.jsglobals import console
# __pragma__('noskip')

from backgrone.core.errors import AnyError
from backgrone.core import protocol
from backgrone.sw import contract

# Set just before the isolating reload: one per tab session, so a browser that ignores the
# worker's headers never loops.
RELOAD_MARK = "backgrone:isolating-reload"
# Browsers look for a new sw.js on each visit; a tab left open also looks every hour.
CHECK_EVERY_MS = 60 * 60 * 1000


class Updates:
    def __init__(self, window: Any, has_work: Callable[[], bool]) -> None:
        self.window = window
        self.container = window.navigator.serviceWorker
        self.prompt = window.document.querySelector("[data-update]")
        self.has_work = has_work
        self.registration: Any = None
        self.was_controlled = False
        self.accepted = False

    def start(self) -> None:
        if not self.container:
            return  # no service workers here (an insecure origin, some private modes)
        self.was_controlled = bool(self.container.controller)
        self.container.addEventListener("controllerchange", self.on_controller_change)
        self.container.register(contract.SCRIPT).then(self.on_registered, self.on_failed)

    def on_failed(self, error: Any) -> None:
        console.warn("backgrone: no offline copy (service worker not registered):", error)

    def on_registered(self, registration: Any) -> None:
        self.registration = registration
        if registration.waiting and self.was_controlled:
            self.offer()
        if registration.installing:
            self.track(registration.installing)
        registration.addEventListener("updatefound", lambda event: self.track(registration.installing))
        self.window.setInterval(self.check, CHECK_EVERY_MS)

    def check(self) -> None:
        # Offline, the check fails; the next one may not.
        self.registration.js_update().catch(lambda error: None)

    def track(self, worker: Any) -> None:
        if not worker:
            return

        def changed(event: Any) -> None:
            # Installed while a worker controls this page: a new version waits for the user.
            if worker.state == "installed" and self.container.controller:
                self.offer()

        worker.addEventListener("statechange", changed)
        changed(None)

    def offer(self) -> None:
        if not self.prompt or not self.prompt.hidden:
            return
        doc = self.window.document
        self.prompt.textContent = ""
        text = doc.createElement("span")
        text.textContent = "A new version of Backgrone is available."
        button = doc.createElement("button")
        button.setAttribute("type", "button")
        button.className = "button"
        button.textContent = "Reload"
        button.addEventListener("click", self.accept)
        self.prompt.appendChild(text)
        self.prompt.appendChild(button)
        self.prompt.hidden = False

    def accept(self, event: Any) -> None:
        waiting = self.registration.waiting if self.registration else None
        if not waiting:
            # Another tab already switched to the new version: this page only needs a reload.
            self.window.location.reload()
            return
        self.accepted = True
        waiting.postMessage(protocol.skip_waiting())

    def on_controller_change(self, event: Any) -> None:
        if self.accepted:
            self.window.location.reload()
        elif self.was_controlled:
            # Another tab accepted a new version: this page runs old code against new files.
            self.offer()
        else:
            self.was_controlled = True
            self.isolate()

    def isolate(self) -> None:
        """The worker now controls this first visit: reload once, so that its headers make the
        page cross-origin isolated and inference gets its threads."""
        if self.window.crossOriginIsolated:
            return  # the host sends the headers itself
        if self.has_work():
            return  # never throw away the user's photos; the next visit is isolated
        try:
            storage = self.window.sessionStorage
            if storage.getItem(RELOAD_MARK):
                return
            storage.setItem(RELOAD_MARK, "1")
        except AnyError:
            return  # without the mark a reload could repeat: stay single-threaded instead
        self.window.location.reload()


def start(window: Any, has_work: Callable[[], bool]) -> None:
    Updates(window, has_work).start()
