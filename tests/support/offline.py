"""The service worker under test: cutting the network, deploying a new build."""
from __future__ import annotations

import json
import re
import shutil
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from support import modules
from support.server import ROOT, altered_site

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


def site_without(site: Path, root: Path, engine_id: str) -> Path:
    """`site` as a build that does not bundle `engine_id`: the engine the tests' own model
    files go to through the user's path (only an engine the site does not bundle takes one),
    whatever this build bundles. Links to `site` but for the worker bundle, whose embedded model
    manifest loses that engine, and the service worker stamped for it as the build does."""
    manifest = json.loads((site / "models" / "manifest.json").read_text())
    if engine_id not in manifest["engines"]:
        return site

    def unbundle(code: bytes) -> bytes:
        # esbuild writes the manifest's keys bare or quoted: `balanced:{bytes:`.
        entry = re.compile(rb"(?<![\w$])([\"']?)" + re.escape(engine_id.encode()) + rb"\1:\{bytes:")
        renamed, count = entry.subn(b'"unbundled-by-the-tests":{bytes:', code)
        assert count == 1, f"the worker bundle names {engine_id}'s manifest entry {count} times"
        return renamed

    altered_site(site, root, "assets/worker.js", unbundle)
    for name in ("sw.js", "sw.js.map"):  # links into site: replaced, never written through
        (root / name).unlink()
        shutil.copyfile(site / name, root / name)
    redeploy(root)
    return root
