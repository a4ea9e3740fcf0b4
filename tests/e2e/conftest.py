"""The browser fixtures: one Chromium per test module, handed out as a `Page`; and BROWSER
(chromium, firefox or webkit; all when unset), which keeps the e2e tests of that engine only."""
from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from support.browser import Page, ready
from support.chromium import ChromiumPage, NetLog
from support.offline import site_without
from support.server import ROOT, Server

ENGINES = ("chromium", "firefox", "webkit")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With BROWSER set, deselect the tests of the other engines: test_browsers.py's are
    parametrised by `engine`; every other e2e module drives Chromium."""
    chosen = os.environ.get("BROWSER", "")
    if not chosen:
        return
    if chosen not in ENGINES:
        raise pytest.UsageError(f"BROWSER={chosen}: expected one of {', '.join(ENGINES)}")
    kept: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        callspec = getattr(item, "callspec", None)
        engine = callspec.params.get("engine", "chromium") if callspec else "chromium"
        in_e2e = Path(str(item.fspath)).parent == Path(__file__).parent
        (dropped if in_e2e and engine != chosen else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(scope="session")
def manifest(site: Path) -> dict[str, Any]:
    """The built models/manifest.json (the engines and their chunks)."""
    found: dict[str, Any] = json.loads((site / "models" / "manifest.json").read_text())
    return found


@pytest.fixture(scope="session")
def axe() -> str:
    """axe-core's script, from node_modules (`make setup`)."""
    return (ROOT / "node_modules" / "axe-core" / "axe.min.js").read_text()


@pytest.fixture(scope="session")
def own_model_site(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site as a build without Balanced: the engine the tests' small generated models go to
    through the user's own-file path, whether or not this build bundles RMBG-1.4."""
    return site_without(site, tmp_path_factory.mktemp("own-model-site"), "balanced")


@pytest.fixture(scope="module")
def own_model_server(own_model_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = Server(tmp_path_factory.mktemp("own-model-server") / "requests.log", root=own_model_site)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def net_log(tmp_path_factory: pytest.TempPathFactory) -> NetLog:
    return NetLog(tmp_path_factory.mktemp("netlog") / "net.json")


@pytest.fixture(scope="module")
def browser(net_log: NetLog) -> Iterator[ChromiumPage]:
    """One Chromium for the module, on no page yet."""
    page = ChromiumPage.start(net_log.path)
    yield page
    page.quit()


@pytest.fixture(scope="module")
def page(browser: ChromiumPage, server: Server) -> Page:
    """The app loaded and ready to take files."""
    browser.get(server.url)
    ready(browser)
    return browser
