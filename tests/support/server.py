"""The project's own dev server (build/serve.py), started on a free loopback port per test module."""
from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_listening(port: int, what: str) -> None:
    """Return once something accepts connections on the loopback port; 20 s at most."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(what + " did not start")


class Server:
    """A running build/serve.py; `requests()` reads what it was asked for, in order."""

    def __init__(self, log: Path, root: Path | None = None, prefix: str = "/",
                 isolate: bool = True, no_store: bool = True, drops: tuple[str, ...] = ()) -> None:
        self.port = free_port()
        self.log = log
        self.prefix = prefix
        command = [sys.executable, str(ROOT / "build" / "serve.py"), "--port", str(self.port),
                   "--log", str(log), "--prefix", prefix,
                   "--root", str(root or ROOT / "public")]
        if not isolate:
            command.append("--no-isolation")
        if no_store:
            command.append("--no-store")
        for rule in drops:  # "path text:count": cut those responses off midway
            command += ["--drop", rule]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        wait_listening(self.port, "dev server")

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return self.origin + self.prefix


    def requests(self) -> list[str]:
        if not self.log.exists():
            return []
        return [line.rstrip("\n") for line in self.log.read_text().splitlines()]

    def clear_log(self) -> None:
        self.log.write_text("")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


def altered_site(site: Path, root: Path, relative: str, change: Callable[[bytes], bytes]) -> Path:
    """A copy of `site` in `root` made of links, but for the one file at `relative`, written
    as `change` makes its bytes: a server that damages exactly one file on the way."""
    source, target = site, root
    parts = relative.split("/")
    for depth, part in enumerate(parts):
        for entry in source.iterdir():
            if entry.name != part:
                (target / entry.name).symlink_to(entry)
        source, target = source / part, target / part
        if depth < len(parts) - 1:
            target.mkdir()
    target.write_bytes(change(source.read_bytes()))
    return root
