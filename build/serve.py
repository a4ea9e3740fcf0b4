"""The dev server: serves public/ on loopback with the headers the app needs.

COOP/COEP make the page crossOriginIsolated (ORT threads need SharedArrayBuffer); tests use
--no-store for models so that the HTTP cache cannot hide a refetch, and --log to record
every request. Usage: python build/serve.py [--port 8000] [--root public] [--prefix /sub/]
"""
from __future__ import annotations

import argparse
import functools
import http.server
import socket
import sys
import threading
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT / "frontend_py"))
from policy import HEADER_POLICY  # noqa: E402
from backgrone.core.isolation import ISOLATION_HEADERS  # noqa: E402

MIME = {
    ".wasm": "application/wasm",
    ".mjs": "text/javascript",
    ".js": "text/javascript",
    ".webmanifest": "application/manifest+json",
    ".json": "application/json",
    ".bin": "application/octet-stream",
    ".map": "application/json",
    ".svg": "image/svg+xml",
}


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **MIME}
    isolate = True
    no_store_models = False
    prefix = "/"
    log_lock = threading.Lock()
    # [path substring, how many more matching requests to cut off midway]
    drops: list[list[Any]] = []
    log_file: Any = None

    def translate_path(self, path: str) -> str:
        # Serve the site under a sub-path, as a static host would (/tools/backgrone/...).
        if self.prefix != "/" and path.startswith(self.prefix):
            path = "/" + path[len(self.prefix):]
        elif self.prefix != "/":
            path = "/__outside_prefix__"
        return super().translate_path(path)

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", HEADER_POLICY)
        if self.isolate:
            for name, value in ISOLATION_HEADERS:
                self.send_header(name, value)
        if self.no_store_models and "/models/" in self.path:
            self.send_header("Cache-Control", "no-store")
        else:
            self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def do_GET(self) -> None:
        for rule in self.drops:
            if rule[0] in self.path and rule[1] > 0:
                rule[1] -= 1
                self.drop_midway()
                return
        super().do_GET()

    def drop_midway(self) -> None:
        """Announce the whole file, send half of it, and cut the connection: a network drop."""
        path = Path(self.translate_path(self.path))
        data = path.read_bytes() if path.is_file() else b""
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data[: len(data) // 2])
        self.wfile.flush()
        self.close_connection = True
        self.connection.shutdown(socket.SHUT_RDWR)

    def log_message(self, format: str, *args: Any) -> None:
        if self.log_file is not None:
            with self.log_lock:
                self.log_file.write(self.command + " " + self.path + "\n")
                self.log_file.flush()


def serve(root: Path, port: int, isolate: bool, no_store: bool, prefix: str, log: str | None,
          drops: list[str] | None = None) -> None:
    handler: Any = functools.partial(Handler, directory=str(root))
    Handler.isolate = isolate
    Handler.no_store_models = no_store
    Handler.drops = [[rule.rsplit(":", 1)[0], int(rule.rsplit(":", 1)[1])] for rule in drops or []]
    Handler.prefix = prefix if prefix.endswith("/") else prefix + "/"
    if log:
        Handler.log_file = open(log, "a", buffering=1)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    print(f"Backgrone on http://127.0.0.1:{server.server_port}{Handler.prefix}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--root", default=str(ROOT / "public"))
    parser.add_argument("--prefix", default="/", help="serve the site under this sub-path")
    parser.add_argument("--no-isolation", action="store_true", help="omit COOP/COEP, as plain hosts do")
    parser.add_argument("--no-store", action="store_true", help="send Cache-Control: no-store for models")
    parser.add_argument("--log", help="append each request's method and path to this file")
    parser.add_argument("--drop", action="append", metavar="TEXT:COUNT",
                        help="tests: cut off the first COUNT responses whose path contains TEXT midway")
    args = parser.parse_args()
    serve(Path(args.root), args.port, not args.no_isolation, args.no_store, args.prefix, args.log,
          args.drop)
    return 0


if __name__ == "__main__":
    sys.exit(main())
