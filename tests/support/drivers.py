"""The engines beside Chromium behind support.browser's `Page`: Firefox ESR through Marionette,
WebKitGTK's MiniBrowser through WebKitWebDriver; and `start`, which opens any of the three."""
from __future__ import annotations

import glob
import json
import os
import subprocess
from pathlib import Path
from typing import Any

from support.browser import SCRIPT_TIMEOUT, Page, SeleniumPage
from support.server import free_port, wait_listening

FIREFOX = "/usr/bin/firefox-esr"
WEBKIT_DRIVER = "/usr/bin/WebKitWebDriver"
# Installed with the WebKitGTK library, in its folder (named for the machine's architecture).
MINIBROWSER = next(iter(sorted(glob.glob("/usr/lib/*/webkit2gtk-4.1/MiniBrowser"))), "MiniBrowser")
XVFB = "/usr/bin/Xvfb"
# The engines test_browsers.py runs its promises in (Chromium runs every other module).
ENGINES = ("firefox", "webkit")

def missing() -> list[str]:
    """The programs these engines need that this machine lacks (see `make browser`)."""
    return [path for path in (FIREFOX, WEBKIT_DRIVER, MINIBROWSER, XVFB) if not Path(path).exists()]


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

    def find(self, selector: str) -> Any:
        return self.client.find_element("css selector", selector)

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


class WebKitPage(SeleniumPage):
    """MiniBrowser in automation mode under its own Xvfb display, through WebKitWebDriver."""

    name = "webkit"
    label = "WebKitGTK"

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

    def console(self) -> list[str]:
        current = self.driver.execute_script("return window.__testConsole || [];")
        return self.lines + list(current)

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
