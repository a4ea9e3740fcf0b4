"""Headless Chromium through selenium and chromedriver, behind the suite's `Page`, and its net log."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from support.browser import SCRIPT_TIMEOUT, SeleniumPage

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


# Headless Chromium offers a WebGPU adapter only with these (SwiftShader, a CPU emulation:
# `isFallbackAdapter`, no shader-f16), and only on a secure origin (127.0.0.1 is one).
WEBGPU_FLAGS = ("--enable-unsafe-webgpu", "--enable-features=Vulkan", "--use-vulkan=swiftshader",
                "--use-webgpu-adapter=swiftshader", "--use-angle=swiftshader")


def start_chromium(net_log: Path | None = None, extra: tuple[str, ...] = (),
                   webgpu: bool = False) -> webdriver.Chrome:
    """Headless Chromium without a WebGPU adapter, or with SwiftShader's when `webgpu`;
    `extra`: more command-line flags (the memory bench's Blink feature)."""
    options = webdriver.ChromeOptions()
    if net_log is not None:
        options.add_argument("--log-net-log=" + str(net_log))
    options.binary_location = CHROMIUM
    flags = ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--disable-quic", "--window-size=1280,900", *extra)
    for flag in flags + (WEBGPU_FLAGS if webgpu else ("--disable-gpu",)):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_script_timeout(SCRIPT_TIMEOUT)
    return driver


class ChromiumPage(SeleniumPage):
    """A Chromium tab; `driver` is the raw selenium driver, for what only Chromium offers (CDP,
    its browser log) and for selenium's element and keyboard actions."""

    name = "chromium"
    label = "Chromium"
    driver: webdriver.Chrome

    @classmethod
    def start(cls, net_log: Path | None = None, webgpu: bool = False) -> ChromiumPage:
        return cls(start_chromium(net_log, webgpu=webgpu))

    def console(self) -> list[str]:
        """The browser log's lines since the last call (chromedriver hands each out once)."""
        return [entry["message"] for entry in self.driver.get_log("browser")]


class NetLog:
    """Chromium's own record of every request it sent (--log-net-log): page, workers and
    service worker alike, which CDP's page session does not show for workers.

    A request belongs to the page when its network isolation key names the page's site, or
    the page's origin initiated it; Chromium's own background requests match neither.
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    def requests(self) -> list[dict[str, Any]]:
        text = self.path.read_text() if self.path.exists() else ""
        marker = text.find('"events": [')
        if marker < 0:
            return []
        constants = json.loads(text[:marker] + '"events": []}')["constants"]
        start_job = constants["logEventTypes"]["URL_REQUEST_START_JOB"]
        sent = []
        for line in text[marker:].splitlines()[1:]:
            try:
                event = json.loads(line.rstrip().rstrip(","))
            except ValueError:
                continue  # the line Chromium is still writing, or the closing lines
            params = event.get("params", {})
            if event.get("type") == start_job and "url" in params:
                sent.append(params)
        return sent

    def page_requests(self, origin: str) -> list[dict[str, Any]]:
        site = origin.rsplit(":", 1)[0]  # http://127.0.0.1
        return [r for r in self.requests()
                if r.get("initiator") == origin or r.get("network_isolation_key", "").startswith(site)]
