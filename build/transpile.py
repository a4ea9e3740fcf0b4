"""Transcrypt, made strict: the dialect checks it lacks, and a run that fails when its output
says so (Transcrypt exits 0 even when compilation failed). The rules are in
frontend_py/TRANSCRYPT.md."""
from __future__ import annotations

import subprocess
import time
from pathlib import Path

from layout import BIN, CACHE, ROOT, SOURCE, BuildError, newest, up_to_date
from dialect import problems

# Transcrypt exits 0 on failure; these in its output are how a failure shows.
TRANSCRYPT_FAILURES = ("Error while compiling", "Traceback", "Aborted")


def python_sources() -> list[Path]:
    return sorted(SOURCE.rglob("*.py"))


def check_transcryptable(paths: list[Path]) -> None:
    """Reject what Transcrypt turns into broken or wrong JS while still exiting 0."""
    found = []
    for path in paths:
        found += [str(path.relative_to(ROOT)) + ":" + line for line in problems(path.read_text(), str(path))]
    if found:
        raise BuildError("Transcrypt cannot compile these correctly (see frontend_py/TRANSCRYPT.md):\n"
                         + "\n".join(found))


def run_transcrypt(entry: Path, out: Path, extra: list[str]) -> None:
    """Transcrypt `entry` into `out` (-b wipes it); BuildError with its log when it failed."""
    command = [str(BIN / "transcrypt"), "-n", "-b", *extra, "-od", str(out), str(entry)]
    run = subprocess.run(command, cwd=SOURCE, capture_output=True, text=True)
    log = run.stdout + run.stderr
    if run.returncode != 0 or any(f in log for f in TRANSCRYPT_FAILURES) or "Ready" not in log:
        raise BuildError("Transcrypt failed on " + entry.name + ":\n" + log)


def transpile(entry: str, force: bool) -> Path:
    """Transcrypt one entry into its own folder (-b wipes the folder it writes to)."""
    out = CACHE / "transpiled" / entry
    stamp = out / ".ok"
    if not force and up_to_date([stamp], python_sources()):
        return out
    check_transcryptable([p for p in python_sources() if p.name != "jsglobals.py"])
    started = time.time()
    try:
        run_transcrypt(SOURCE / (entry + "_entry.py"), out, ["-m"])
    except BuildError:
        stamp.unlink(missing_ok=True)
        raise
    if newest(python_sources()) >= started:
        # A source saved while Transcrypt ran may not be in its output: no stamp, so the
        # next build transpiles again instead of trusting this one.
        stamp.unlink(missing_ok=True)
        print("build: sources changed during the build; run it again", flush=True)
        return out
    stamp.write_text("ok\n")
    return out
