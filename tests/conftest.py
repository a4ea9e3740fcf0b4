"""Fixtures: the site is built once per run; each test module shares one server and one browser."""
from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver

from support.browser import NetLog, run_async, start_chromium
from support.server import ROOT, Server


@pytest.fixture(scope="session")
def site() -> Path:
    """public/ as `make build` leaves it (a no-op when it is up to date)."""
    subprocess.run([sys.executable, str(ROOT / "build" / "build.py")], check=True)
    return ROOT / "public"


@pytest.fixture(scope="module")
def server(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = Server(tmp_path_factory.mktemp("server") / "requests.log")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def net_log(tmp_path_factory: pytest.TempPathFactory) -> NetLog:
    return NetLog(tmp_path_factory.mktemp("netlog") / "net.json")


@pytest.fixture(scope="module")
def browser(net_log: NetLog) -> Iterator[webdriver.Chrome]:
    driver = start_chromium(net_log.path)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def page(browser: webdriver.Chrome, server: Server) -> webdriver.Chrome:
    """The app loaded and ready to take files."""
    browser.get(server.url)
    run_async(browser, "await window.backgrone.ready;")
    return browser
