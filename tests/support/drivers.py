"""One small interface over the engines the suite drives, so that a test is written once and
runs in each: Firefox ESR through Marionette, WebKitGTK's MiniBrowser through WebKitWebDriver.

A `Page` can open a URL, run a script (plain or async), give files to a file input, and say
what the page wrote to its console. Helpers below it (waits, reloads, the API call) use only
that interface.
"""
from __future__ import annotations

import base64
import glob
import json
import os
import subprocess
import time
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any

from support.browser import BLOB_TO_BASE64, JOB_CARDS, REMOVE_BACKGROUND
from support.server import free_port, wait_listening

FIREFOX = "/usr/bin/firefox-esr"
WEBKIT_DRIVER = "/usr/bin/WebKitWebDriver"
# Installed with the WebKitGTK library, in its folder (named for the machine's architecture).
MINIBROWSER = next(iter(sorted(glob.glob("/usr/lib/*/webkit2gtk-4.1/MiniBrowser"))), "MiniBrowser")
XVFB = "/usr/bin/Xvfb"
ENGINES = ("firefox", "webkit")
SCRIPT_TIMEOUT = 240

# Wraps `body` (an async function body over `args`) for a WebDriver async script: a rejection
# comes back as {"error": message} so that the test sees the page's own words.
ASYNC_WRAPPER = (
    "const done = arguments[arguments.length - 1];"
    "const args = Array.from(arguments).slice(0, -1);"
    "(async (...args) => {%s})(...args)"
    ".then(value => done({value}), error => done({error: String(error && error.message || error)}));"
)


def missing() -> list[str]:
    """The programs these engines need that this machine lacks (see `make browser`)."""
    return [path for path in (FIREFOX, WEBKIT_DRIVER, MINIBROWSER, XVFB) if not Path(path).exists()]


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
    def upload(self, selector: str, paths: list[Path]) -> None:
        """Give these files to the file input `selector`, as a user choosing them would."""

    @abstractmethod
    def console(self) -> list[str]:
        """What the page has written to its console so far (as far as the engine tells)."""

    @abstractmethod
    def version(self) -> str: ...

    @abstractmethod
    def quit(self) -> None: ...

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


class FirefoxPage(Page):
    """firefox-esr with Marionette on a free port and a fresh profile (Debian has no geckodriver).

    Console messages, the workers' included, go to Firefox's stdout, which is kept in a file.
    """

    name = "firefox"

    def __init__(self, workdir: Path) -> None:
        from marionette_driver.marionette import Marionette

        profile = workdir / "profile"
        profile.mkdir(parents=True)
        port = free_port()
        prefs = {
            "marionette.port": port,
            "devtools.console.stdout.content": True,
            # A quiet first run: no welcome pages, updates, telemetry or background fetches.
            "browser.shell.checkDefaultBrowser": False,
            "browser.startup.homepage_override.mstone": "ignore",
            "browser.aboutwelcome.enabled": False,
            "datareporting.policy.dataSubmissionEnabled": False,
            "toolkit.telemetry.reportingpolicy.firstRun": False,
            "app.update.disabledForTesting": True,
            "network.captive-portal-service.enabled": False,
            "network.connectivity-service.enabled": False,
            "browser.safebrowsing.update.enabled": False,
            "extensions.update.enabled": False,
        }
        (profile / "user.js").write_text("".join(
            f"user_pref({json.dumps(key)}, {json.dumps(value)});\n" for key, value in prefs.items()))
        self.log_path = workdir / "firefox.log"
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(
                [FIREFOX, "--marionette", "--headless", "--no-remote", "--profile", str(profile)],
                stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "MOZ_HEADLESS": "1"})
        try:
            wait_listening(port, "Firefox's Marionette")
            self.client = Marionette(host="127.0.0.1", port=port)
            self.client.start_session()
        except BaseException:
            self.process.kill()
            raise
        self.client.timeout.script = SCRIPT_TIMEOUT

    def get(self, url: str) -> None:
        self.client.navigate(url)

    def execute(self, script: str, *args: Any) -> Any:
        # sandbox=None: the page's own globals (window.backgrone), not an X-ray view of them.
        return self.client.execute_script(script, script_args=list(args), sandbox=None)

    def _execute_async(self, script: str, *args: Any) -> Any:
        return self.client.execute_async_script(script, script_args=list(args), sandbox=None,
                                                script_timeout=SCRIPT_TIMEOUT * 1000)

    def upload(self, selector: str, paths: list[Path]) -> None:
        self.client.find_element("css selector", selector).send_keys("\n".join(map(str, paths)))

    def console(self) -> list[str]:
        return [line for line in self.log_path.read_text(errors="replace").splitlines()
                if line.startswith("console.")]

    def version(self) -> str:
        return "Firefox " + str(self.client.session_capabilities["browserVersion"])

    def quit(self) -> None:
        try:
            self.client.delete_session()
        finally:
            self.process.terminate()
            self.process.wait(20)


# WebKitWebDriver reports no console: the page's messages and uncaught errors are recorded by
# this listener, injected after every navigation (Page.loaded). Workers' messages are not seen.
CONSOLE_LISTENER = """
if (!window.__testConsole) {
  const lines = window.__testConsole = [];
  for (const level of ['log', 'info', 'warn', 'error']) {
    const original = console[level].bind(console);
    console[level] = (...parts) => {
      lines.push('console.' + level + ': ' + parts.join(' '));
      original(...parts);
    };
  }
  addEventListener('error', event => lines.push('error: ' + event.message));
  addEventListener('unhandledrejection', event => lines.push('unhandled: ' + event.reason));
}
"""


class WebKitPage(Page):
    """MiniBrowser in automation mode under its own Xvfb display, through WebKitWebDriver."""

    name = "webkit"

    def __init__(self, workdir: Path) -> None:
        from selenium import webdriver
        from selenium.webdriver.webkitgtk.service import Service

        read, write = os.pipe()
        # -displayfd: Xvfb picks a free display and writes its number, so none is guessed.
        self.xvfb = subprocess.Popen([XVFB, "-displayfd", str(write), "-screen", "0", "1280x900x24",
                                      "-nolisten", "tcp"], pass_fds=(write,),
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(write)
        with os.fdopen(read) as pipe:
            display = ":" + pipe.readline().strip()
        self.lines: list[str] = []
        try:
            options = webdriver.WebKitGTKOptions()
            options.binary_location = MINIBROWSER
            options.add_argument("--automation")
            env = {**os.environ, "DISPLAY": display}
            service = Service(WEBKIT_DRIVER, port=free_port(), env=env,
                              log_output=str(workdir / "webkitdriver.log"))
            self.driver = webdriver.WebKitGTK(options=options, service=service)
        except BaseException:
            self.xvfb.terminate()
            raise
        self.driver.set_script_timeout(SCRIPT_TIMEOUT)

    def loaded(self) -> None:
        self.driver.execute_script(CONSOLE_LISTENER)

    def get(self, url: str) -> None:
        self.leaving()
        self.driver.get(url)
        self.loaded()

    def leaving(self) -> None:
        """Save the current document's lines before it goes away."""
        try:
            self.lines += self.driver.execute_script("return window.__testConsole || [];")
        except Exception:  # no document yet, or one that is going away
            pass

    def execute(self, script: str, *args: Any) -> Any:
        return self.driver.execute_script(script, *args)

    def _execute_async(self, script: str, *args: Any) -> Any:
        return self.driver.execute_async_script(script, *args)

    def upload(self, selector: str, paths: list[Path]) -> None:
        self.driver.find_element("css selector", selector).send_keys("\n".join(map(str, paths)))

    def console(self) -> list[str]:
        current = self.driver.execute_script("return window.__testConsole || [];")
        return self.lines + list(current)

    def version(self) -> str:
        return "WebKitGTK " + str(self.driver.capabilities.get("browserVersion", "?"))

    def quit(self) -> None:
        try:
            self.driver.quit()
        finally:
            self.xvfb.terminate()
            self.xvfb.wait(10)


def start(engine: str, workdir: Path) -> Page:
    absent = missing()
    if absent:
        raise RuntimeError("missing " + ", ".join(absent) + ": run `make browser` (as root) or "
                           "apt-get install firefox-esr webkit2gtk-driver xvfb")
    if engine == "firefox":
        return FirefoxPage(workdir)
    if engine == "webkit":
        return WebKitPage(workdir)
    raise ValueError("unknown engine " + engine)


# --- helpers over any Page ---------------------------------------------------------------

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


def reload(page: Page) -> None:
    """The user's reload (location.reload()), waited for until the new document has loaded."""
    page.leaving()
    before = page.execute("return performance.timeOrigin;")
    page.execute("setTimeout(() => location.reload(), 0);")
    wait_until(page, "return performance.timeOrigin !== arguments[0] && document.readyState === 'complete';",
               60, before)
    page.loaded()


ISOLATED = """return crossOriginIsolated && !!(navigator.serviceWorker && navigator.serviceWorker.controller)
              && document.readyState === 'complete' && performance.timeOrigin;"""


def wait_until_isolated(page: Page) -> None:
    """A service worker controls the page and it is crossOriginIsolated (after the first visit's
    one reload on a plain host)."""
    wait_until(page, ISOLATED)
    page.loaded()


def ready(page: Page) -> None:
    page.run_async("await window.backgrone.ready;")


# Resolves once `count` jobs have settled, watching the queue's own state changes.
JOBS_SETTLED = """
const [count] = args;
const settled = () => document.querySelectorAll(
  '[data-job][data-state=done], [data-job][data-state=failed]').length >= count;
if (!settled()) {
  await new Promise(resolve => {
    const observer = new MutationObserver(() => {
      if (settled()) { observer.disconnect(); resolve(); }
    });
    observer.observe(document.body, {subtree: true, childList: true, attributes: true});
  });
}
""" + JOB_CARDS


def wait_for_jobs(page: Page, count: int) -> list[dict[str, str]]:
    jobs: list[dict[str, str]] = page.run_async(JOBS_SETTLED, count)
    return jobs


def fetch_bytes(page: Page, url: str) -> bytes:
    return base64.b64decode(page.run_async(BLOB_TO_BASE64, url))


def remove_background(page: Page, data: bytes, type_: str, name: str,
                      options: dict[str, Any]) -> dict[str, Any]:
    """window.backgrone.removeBackground on these bytes; the PNG comes back as bytes."""
    result: dict[str, Any] = page.run_async(REMOVE_BACKGROUND, base64.b64encode(data).decode(),
                                            type_, name, options)
    result["png"] = base64.b64decode(result["png"])
    result["file"] = base64.b64decode(result["file"])
    return result
