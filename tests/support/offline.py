"""The service worker under test: cutting the network, deploying a new build."""
from __future__ import annotations

import shutil
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from support import modules
from support.server import ROOT

if TYPE_CHECKING:  # the unit tests use this module without a browser driver
    from support.chromium import ChromiumPage


def set_offline(page: ChromiumPage, offline: bool) -> None:
    """Chromium's own network emulation (DevTools' "Offline")."""
    page.driver.execute_cdp_cmd("Network.enable", {})
    page.driver.execute_cdp_cmd("Network.emulateNetworkConditions", {
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
