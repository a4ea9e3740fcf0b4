"""Fixtures every part shares: the site, built once per run, and one dev server per module.

No browser driver is imported here (the browser fixtures are in e2e/conftest.py), so that
`pytest tests/unit tests/parity` runs on an unbuilt clone with no browser installed.
"""
from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

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
