"""The service worker under test: waiting for it, cutting the network, deploying a new build."""
from __future__ import annotations

import shutil
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.support.ui import WebDriverWait

from support import modules
from support.server import ROOT

CONTROLLED = """return {isolated: crossOriginIsolated,
                        controlled: !!(navigator.serviceWorker && navigator.serviceWorker.controller),
                        navigation: performance.getEntriesByType('navigation')[0].type};"""


def page_state(driver: webdriver.Chrome) -> dict[str, Any]:
    state: dict[str, Any] = driver.execute_script(CONTROLLED)
    return state


def wait_until_isolated(driver: webdriver.Chrome, timeout: float = 120) -> dict[str, Any]:
    """Wait until a service worker controls the page and the page is crossOriginIsolated
    (on a plain host, after the first visit's one reload); returns the page's state."""

    def isolated(d: webdriver.Chrome) -> dict[str, Any] | bool:
        try:
            state = page_state(d)
        except WebDriverException:
            return False  # the page is reloading
        return state if state["isolated"] and state["controlled"] else False

    result: dict[str, Any] = WebDriverWait(driver, timeout).until(isolated)
    return result


def reload(driver: webdriver.Chrome, timeout: float = 60) -> None:
    """The user's reload (location.reload()), waited for until the new document has loaded.

    Not driver.refresh(): after the isolating reload swaps browsing context groups,
    chromedriver's refresh (CDP Page.reload) brings back the first, non-isolated document
    from the back/forward cache instead of loading the page again.
    """
    before = driver.execute_script("return performance.timeOrigin;")
    driver.execute_script("location.reload();")

    def loaded(d: webdriver.Chrome) -> bool:
        try:
            return bool(d.execute_script(
                "return performance.timeOrigin !== arguments[0] && document.readyState === 'complete';",
                before))
        except WebDriverException:
            return False

    WebDriverWait(driver, timeout).until(loaded)


def set_offline(driver: webdriver.Chrome, offline: bool) -> None:
    """Chromium's own network emulation (DevTools' "Offline")."""
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.emulateNetworkConditions", {
        "offline": offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1,
    })


def copy_site(source: Path, target: Path) -> Path:
    """A deployable copy of the built site without the model chunks (IndexedDB holds models;
    the service worker never stores them)."""

    def skip(folder: str, names: list[str]) -> list[str]:
        inside_models = Path(folder).parent == source / "models"
        return [name for name in names if inside_models and name.endswith(".bin")]

    shutil.copytree(source, target, ignore=skip)
    return target


@cache
def build_driver() -> ModuleType:
    """build/shell.py as a module: a test deploys a changed site with the build's own code."""
    return modules.load(ROOT / "build" / "shell.py", "backgrone_shell")


def redeploy(site: Path) -> str:
    """Rewrite site/sw.js for the site's current files, as the build does; returns the version."""
    version: str = build_driver().write_service_worker(site)
    return version
