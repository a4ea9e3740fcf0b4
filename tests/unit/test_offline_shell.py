"""The build's offline shell: what the service worker precaches, the version that names its
cache, and the host headers file (build/build.py, on a site made here)."""
from __future__ import annotations

import fnmatch
import hashlib
from pathlib import Path

import pytest
from policy import HEADER_POLICY

from backgrone.core.engines import ENGINES
from support.offline import build_driver

SHELL = ["app.css", "assets/page.js", "assets/worker.js", "icons/icon-192.png", "index.html",
         "manifest.webmanifest", "ort/ort-wasm-simd-threaded.mjs", "ort/ort-wasm-simd-threaded.wasm"]
MODELS = ["models/lightweight/" + "ab" * 32 + ".bin", "models/manifest.json"]
NOT_SHELL = MODELS + ["assets/page.js.map", "sw.js", "sw.js.map", "_headers", ".DS_Store",
                      "icons/.hidden.png"]


@pytest.fixture
def site(tmp_path: Path) -> Path:
    for path in SHELL + NOT_SHELL:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text("contents of " + path)
    return tmp_path


def test_shell_is_the_site_but_models_maps_and_host_files(site: Path) -> None:
    assert build_driver().shell_files(site) == sorted(SHELL)


def test_every_file_is_listed_with_its_hash_and_the_document_under_its_folder(site: Path) -> None:
    build = build_driver().shell_build(site, b"worker code")
    listed = {entry["path"]: entry["sha256"] for entry in build["files"]}
    assert listed.pop("./") == ""  # the document: unchecked, some hosts rewrite HTML
    assert "index.html" not in listed
    for path in SHELL:
        if path != "index.html":
            assert listed.pop(path) == hashlib.sha256((site / path).read_bytes()).hexdigest()
    assert listed == {}


@pytest.mark.parametrize("path", ["index.html", "assets/worker.js", "ort/ort-wasm-simd-threaded.wasm",
                                  "icons/icon-192.png"])
def test_a_changed_shell_file_is_a_new_version(site: Path, path: str) -> None:
    before = build_driver().shell_build(site, b"worker code")["version"]
    (site / path).write_text("changed")
    assert build_driver().shell_build(site, b"worker code")["version"] != before


def test_only_the_shell_and_the_worker_make_the_version(site: Path) -> None:
    shell_build = build_driver().shell_build
    before = shell_build(site, b"worker code")["version"]
    for path in NOT_SHELL:
        (site / path).write_text("changed")
    assert shell_build(site, b"worker code")["version"] == before
    assert shell_build(site, b"new worker code")["version"] != before


def rules(headers: str) -> list[tuple[str, dict[str, str]]]:
    parsed: list[tuple[str, dict[str, str]]] = []
    for line in headers.splitlines():
        if line.startswith("/"):
            parsed.append((line, {}))
        elif line.startswith("  "):
            name, value = line.strip().split(": ", 1)
            parsed[-1][1][name] = value
    return parsed


def test_headers_isolate_everything_and_give_each_path_one_cache_policy(site: Path) -> None:
    build_driver().write_headers(site)
    parsed = rules((site / "_headers").read_text())
    everything = [values for pattern, values in parsed if pattern == "/*"]
    assert everything == [{
        "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp",
        "Cross-Origin-Resource-Policy": "same-origin", "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": HEADER_POLICY}]
    chunks = ["/models/" + engine.engine_id + "/" + "cd" * 32 + ".bin" for engine in ENGINES]
    revalidated = ["/", "/sw.js", "/models/manifest.json"] + ["/" + path for path in SHELL]
    for path in chunks + revalidated:
        # Hosts join the values of every matching rule: two Cache-Control rules would clash.
        policies = [values["Cache-Control"] for pattern, values in parsed
                    if "Cache-Control" in values and fnmatch.fnmatchcase(path, pattern)]
        expected = "no-cache" if path in revalidated else "public, max-age=31536000, immutable"
        assert policies == [expected], path
