"""The build driver: stage ORT, the lazy WebGPU runtime and the models -> transpile
(Transcrypt, the dialect checked) -> bundle (esbuild), page and worker -> the offline shell
(icons, the service worker stamped with the build's files, _headers).

Each step is skipped when its outputs are newer than its inputs, so a second build with
nothing changed takes seconds. Usage: python build/build.py [--force] [--fetch-models]
Steps: staging.py (ORT, models; --fetch-models first downloads the weights no package carries),
gpu_runtime.py, transpile.py with dialect.py, bundler.py, shell.py; the CSP: policy.py; paths
and file helpers: layout.py.
"""
from __future__ import annotations

import argparse
import fcntl
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bundler import bundle  # noqa: E402
from gpu_runtime import stage_gpu_runtime  # noqa: E402
from layout import CACHE, PUBLIC, BuildError  # noqa: E402
from shell import bundle_service_worker, write_headers, write_icons, write_service_worker  # noqa: E402
from staging import fetch_models, stage_models, stage_ort  # noqa: E402
from transpile import transpile  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--force", action="store_true", help="rebuild every step")
    parser.add_argument("--fetch-models", action="store_true",
                        help="first download the weights no package carries (make models)")
    args = parser.parse_args()
    CACHE.mkdir(parents=True, exist_ok=True)
    # Test runs build too: one build at a time, or Transcrypt's -b wipes what esbuild reads.
    lock = open(CACHE / "build.lock", "w")
    fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        if args.fetch_models:
            fetch_models()
        stage_ort()
        stage_gpu_runtime(args.force)
        # Models first: the worker bundle embeds their manifest.
        stage_models()
        for entry in ("page", "worker"):
            transpile(entry, args.force)
            bundle(entry, args.force)
        write_icons(PUBLIC, args.force)
        transpile("sw", args.force)
        bundle_service_worker(args.force)
        # Last: the service worker lists and hashes what every step above wrote.
        write_service_worker(PUBLIC)
        write_headers(PUBLIC)
    except BuildError as exc:
        print("build failed: " + str(exc), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
