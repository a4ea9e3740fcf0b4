"""One small interface over the browsers the suite drives, so that a test is written once and
runs in each: `Page` (Chromium in support.chromium, Firefox ESR and WebKitGTK in
support.drivers), and the helpers over it (waits, reloads, the API call, blobs as bytes).

A `Page` can open a URL, run a script (plain or async), give files to a file input, click or
read an element, and say what the page wrote to its console. The helpers below it use only that
interface. Nothing here imports a driver: `pytest tests/unit` needs no browser.
"""
from __future__ import annotations

import base64
import io
import time
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any

from PIL import Image

SCRIPT_TIMEOUT = 240

# Wraps `body` (an async function body over `args`) for a WebDriver async script: a rejection
# comes back as {"error": message} so that the test sees the page's own words.
ASYNC_WRAPPER = (
    "const done = arguments[arguments.length - 1];"
    "const args = Array.from(arguments).slice(0, -1);"
    "(async (...args) => {%s})(...args)"
    ".then(value => done({value}), error => done({error: String(error && error.message || error)}));"
)


class Page(ABC):
    """A browser with one tab, driven from the test."""

    name = ""

    @abstractmethod
    def get(self, url: str) -> None:
        """Navigate and wait for the load event."""

    @abstractmethod
    def execute(self, script: str, *args: Any) -> Any:
        """Run `script` (a function body; `arguments` holds `args`) in the page; its return value."""

    @abstractmethod
    def _execute_async(self, script: str, *args: Any) -> Any:
        """A WebDriver-style async script: it calls its last argument with the result."""

    @abstractmethod
    def find(self, selector: str) -> Any:
        """The first element matching `selector`, as the engine's driver hands it out (it can
        be clicked, sent keys, and has `.text`)."""

    @abstractmethod
    def console(self) -> list[str]:
        """What the page has written to its console so far (as far as the engine tells)."""

    @abstractmethod
    def version(self) -> str: ...

    @abstractmethod
    def quit(self) -> None: ...

    def upload(self, selector: str, paths: list[Path]) -> None:
        """Give these files to the file input `selector`, as a user choosing them would."""
        self.find(selector).send_keys("\n".join(map(str, paths)))

    def click(self, selector: str) -> None:
        self.find(selector).click()

    def text(self, selector: str) -> str:
        """The rendered text of the first element matching `selector`."""
        return str(self.find(selector).text)

    def leaving(self) -> None:
        """Called before the page's document is replaced (a reload the test starts)."""
        return None  # nothing to keep for engines that report the console themselves

    def loaded(self) -> None:
        """Called once a new document has loaded (after get, reloads, the isolating reload)."""
        return None

    def run_async(self, body: str, *args: Any) -> Any:
        """Run `body` (the inside of an async function taking `args`) and return its result."""
        outcome = self._execute_async(ASYNC_WRAPPER % body, *args)
        if "error" in outcome:
            raise AssertionError(self.name + " page rejected: " + outcome["error"])
        return outcome.get("value")


class SeleniumPage(Page):
    """A Page over a selenium WebDriver (`driver`): Chromium's and WebKitGTK's."""

    label = ""  # the engine's name in `version`

    def __init__(self, driver: Any) -> None:
        self.driver = driver

    def get(self, url: str) -> None:
        self.driver.get(url)

    def execute(self, script: str, *args: Any) -> Any:
        return self.driver.execute_script(script, *args)

    def _execute_async(self, script: str, *args: Any) -> Any:
        return self.driver.execute_async_script(script, *args)

    def find(self, selector: str) -> Any:
        return self.driver.find_element("css selector", selector)

    def version(self) -> str:
        return self.label + " " + str(self.driver.capabilities.get("browserVersion", "?"))

    def quit(self) -> None:
        self.driver.quit()


def run_async(page: Any, body: str, *args: Any) -> Any:
    """`page.run_async(body, *args)`; a raw selenium Chrome driver (the bench's) is taken too."""
    if not isinstance(page, Page):
        from support.chromium import ChromiumPage

        page = ChromiumPage(page)
    return page.run_async(body, *args)


def wait_until(page: Page, condition: str, timeout: float = 120, *args: Any) -> Any:
    """Wait until the script `condition` returns something truthy, across reloads (a script
    run while the document is being replaced counts as not yet); returns that value."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = page.execute(condition, *args)
        except Exception:  # the document is being replaced
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{page.name}: timed out waiting for {condition!r}")
        time.sleep(0.1)


def wait_for(page: Page, selector: str, timeout: float = 60) -> None:
    """Wait until an element matches `selector` (one the page draws once its worker answers)."""
    wait_until(page, "return !!document.querySelector(arguments[0]);", timeout, selector)


# Whether an element is laid out (not display:none, not hidden, not in a hidden ancestor) and
# not visibility:hidden: what a user can see, as jQuery's :visible and WebDriver's check it.
SHOWN = """const element = document.querySelector(arguments[0]);
           return !!element && element.getClientRects().length > 0
                  && getComputedStyle(element).visibility !== 'hidden';"""


def shown(page: Page, selector: str) -> bool:
    return bool(page.execute(SHOWN, selector))


# The element's rendered text once it holds `words` (falsy until then).
HOLDS_TEXT = """const element = document.querySelector(arguments[0]);
                return !!element && element.innerText.includes(arguments[1]) && element.innerText.trim();"""


def wait_for_text(page: Page, selector: str, words: str, timeout: float = 60) -> str:
    """Wait until the element `selector` shows `words`; returns its whole text."""
    return str(wait_until(page, HOLDS_TEXT, timeout, selector, words))


NOTICE = "[data-engine-notice]"


def import_model(page: Page, model: Path, engine: str = "balanced") -> None:
    """The user's own model file for `engine`, through the engine picker's button (drawn once
    the worker has answered), waited for until the notice says it is ready."""
    button = f"[data-import-model={engine}]"
    wait_for(page, button)
    page.click(button)
    page.upload("input[data-model-file]", [model])
    wait_for_text(page, NOTICE, "is ready")


def reload(page: Page, timeout: float = 60) -> None:
    """The user's reload (location.reload()), waited for until the new document has loaded.

    Not the driver's refresh: after the isolating reload swaps browsing context groups,
    chromedriver's refresh (CDP Page.reload) brings back the first, non-isolated document
    from the back/forward cache instead of loading the page again.
    """
    page.leaving()
    before = page.execute("return performance.timeOrigin;")
    page.execute("setTimeout(() => location.reload(), 0);")
    wait_until(page, "return performance.timeOrigin !== arguments[0] && document.readyState === 'complete';",
               timeout, before)
    page.loaded()


CONTROLLED = """return {isolated: crossOriginIsolated,
                        controlled: !!(navigator.serviceWorker && navigator.serviceWorker.controller),
                        navigation: performance.getEntriesByType('navigation')[0].type};"""

ISOLATED = """const state = {isolated: crossOriginIsolated,
                             controlled: !!(navigator.serviceWorker && navigator.serviceWorker.controller),
                             navigation: performance.getEntriesByType('navigation')[0].type};
              return state.isolated && state.controlled && document.readyState === 'complete' && state;"""


def page_state(page: Page) -> dict[str, Any]:
    """Whether the page is crossOriginIsolated, controlled by a service worker, and how it came."""
    state: dict[str, Any] = page.execute(CONTROLLED)
    return state


def wait_until_isolated(page: Page, timeout: float = 120) -> dict[str, Any]:
    """Wait until a service worker controls the page and it is crossOriginIsolated (after the
    first visit's one reload on a plain host); returns the page's state."""
    state: dict[str, Any] = wait_until(page, ISOLATED, timeout)
    page.loaded()
    return state


def ready(page: Page) -> None:
    page.run_async("await window.backgrone.ready;")


# Each queue card as the tests read it: its id, state and name, its download (and whether that
# is ready) and its alert.
JOB_CARDS = """
return Array.from(document.querySelectorAll('[data-job]')).map(job => ({
  id: job.dataset.job, state: job.dataset.state,
  name: job.querySelector('.job-name').textContent,
  href: job.querySelector('a[download]')?.href || '',
  download: job.querySelector('a[download]')?.getAttribute('download') || '',
  ready: job.querySelector('a[download]')?.dataset.ready || '',
  alert: job.querySelector('[role=alert]')?.textContent || '',
}));
"""

SETTLED = """return document.querySelectorAll(
  '[data-job][data-state=done], [data-job][data-state=failed]').length >= arguments[0];"""


def wait_for_jobs(page: Page, count: int, timeout: float = SCRIPT_TIMEOUT) -> list[dict[str, str]]:
    """Wait until `count` jobs have settled (done or failed); returns each job's state and texts."""
    wait_until(page, SETTLED, timeout, count)
    cards: list[dict[str, str]] = page.execute(JOB_CARDS)
    return cards


BLOB_TO_BASE64 = """
const [url] = args;
const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
let text = '';
for (let i = 0; i < bytes.length; i += 32768) text += String.fromCharCode(...bytes.subarray(i, i + 32768));
return btoa(text);
"""


def fetch_bytes(page: Page, url: str) -> bytes:
    """Bytes behind a blob: URL (or any same-origin URL) as the page sees them."""
    return base64.b64decode(page.run_async(BLOB_TO_BASE64, url))


def png_from(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    return image


REMOVE_BACKGROUND = """
const [base64, type, name, options] = args;
const bytes = Uint8Array.from(atob(base64), c => c.charCodeAt(0));
const file = new File([bytes], name, {type});
const result = await window.backgrone.removeBackground(file, options);
const encode = async blob => {
  const data = new Uint8Array(await blob.arrayBuffer());
  let text = '';
  for (let i = 0; i < data.length; i += 32768) text += String.fromCharCode(...data.subarray(i, i + 32768));
  return btoa(text);
};
return {png: await encode(result.png), width: result.width, height: result.height, timings: result.timings,
        confidence: result.confidence,
        type: result.png.type, file: await encode(result.file), fileType: result.file.type};
"""


def remove_background(page: Page, data: bytes, type_: str, name: str,
                      options: dict[str, Any]) -> dict[str, Any]:
    """window.backgrone.removeBackground on these bytes; the PNG (the cutout) and the file (the
    download its output options make) come back as bytes."""
    result: dict[str, Any] = page.run_async(REMOVE_BACKGROUND, base64.b64encode(data).decode(),
                                            type_, name, options)
    result["png"] = base64.b64decode(result["png"])
    result["file"] = base64.b64decode(result["file"])
    return result
