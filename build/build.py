"""The build driver: transpile (Transcrypt) -> bundle (esbuild) -> stage ORT and models.

Each step is skipped when its outputs are newer than its inputs, so a second build with
nothing changed takes about a second. Usage: python build/build.py [--force]
"""
from __future__ import annotations

import argparse
import ast
import fcntl
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "frontend_py"
CACHE = ROOT / "build" / ".cache"
PUBLIC = ROOT / "public"
NODE_MODULES = ROOT / "node_modules"
BIN = Path(sys.executable).parent

sys.path.insert(0, str(SOURCE))
from backgrone.core.engines import ENGINES, WEIGHTS_PACKAGE, Engine  # noqa: E402

# Static hosts cap file sizes (Cloudflare Pages: 25 MiB); 4 MiB also keeps progress smooth.
CHUNK_BYTES = 4 * 1024 * 1024
ORT_FILES = ("ort-wasm-simd-threaded.wasm", "ort-wasm-simd-threaded.mjs")
# Transcrypt exits 0 on failure; these in its output are how a failure shows.
TRANSCRYPT_FAILURES = ("Error while compiling", "Traceback", "Aborted")


class BuildError(Exception):
    pass


def newest(paths: list[Path]) -> float:
    return max((p.stat().st_mtime for p in paths if p.exists()), default=0.0)


def up_to_date(outputs: list[Path], inputs: list[Path]) -> bool:
    if not all(o.exists() for o in outputs):
        return False
    return min(o.stat().st_mtime for o in outputs) >= newest(inputs)


def python_sources() -> list[Path]:
    return sorted(SOURCE.rglob("*.py"))


def check_transcryptable(paths: list[Path]) -> None:
    """Reject what Transcrypt turns into broken JS while still exiting 0."""
    problems = []
    for path in paths:
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Module, ast.ClassDef)):
                for stmt in node.body:
                    # Module level: the name is silently not exported. Class level without a
                    # value: invalid JS. Annotate in __init__ or leave it to inference instead.
                    if isinstance(stmt, ast.AnnAssign):
                        problems.append(f"{path.relative_to(ROOT)}:{stmt.lineno}: annotated assignment")
    if problems:
        raise BuildError("Transcrypt cannot compile these correctly:\n" + "\n".join(problems))


def transpile(entry: str, force: bool) -> Path:
    """Transcrypt one entry into its own folder (-b wipes the folder it writes to)."""
    out = CACHE / "transpiled" / entry
    stamp = out / ".ok"
    if not force and up_to_date([stamp], python_sources()):
        return out
    check_transcryptable([p for p in python_sources() if p.name != "jsglobals.py"])
    command = [
        str(BIN / "transcrypt"), "-n", "-b", "-m", "-od", str(out),
        str(SOURCE / (entry + "_entry.py")),
    ]
    run = subprocess.run(command, cwd=SOURCE, capture_output=True, text=True)
    log = run.stdout + run.stderr
    if run.returncode != 0 or any(f in log for f in TRANSCRYPT_FAILURES) or "Ready" not in log:
        stamp.unlink(missing_ok=True)
        raise BuildError("Transcrypt failed on " + entry + ":\n" + log)
    stamp.write_text("ok\n")
    return out


def bundle(entry: str, force: bool) -> None:
    shim = SOURCE / "backgrone" / "shims" / (entry + ".js")
    target = PUBLIC / "assets" / (entry + ".js")
    transpiled = CACHE / "transpiled" / entry
    inputs = [shim, transpiled / ".ok", ROOT / "package-lock.json"]
    if not force and up_to_date([target], inputs):
        return
    command = [
        str(NODE_MODULES / ".bin" / "esbuild"), str(shim), "--bundle", "--format=esm",
        "--minify", "--sourcemap", "--target=es2020", "--outfile=" + str(target),
        "--alias:transpiled=" + str(CACHE / "transpiled"),
        # ORT's build that loads its .mjs/.wasm from env.wasm.wasmPaths instead of inlining them.
        "--conditions=onnxruntime-web-use-extern-wasm",
        "--log-level=warning",
    ]
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if run.returncode != 0:
        raise BuildError("esbuild failed on " + entry + ":\n" + run.stdout + run.stderr)


def copy_if_changed(source: Path, target: Path) -> None:
    if target.exists() and target.stat().st_size == source.stat().st_size \
            and target.stat().st_mtime >= source.stat().st_mtime:
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)


def stage_ort() -> None:
    for name in ORT_FILES:
        copy_if_changed(NODE_MODULES / "onnxruntime-web" / "dist" / name, PUBLIC / "ort" / name)


def package_chunks(engine: Engine) -> list[Path]:
    """The weights package's ordered chunk files for this engine's model."""
    dist = NODE_MODULES / WEIGHTS_PACKAGE.rsplit("@", 1)[0] / "dist"
    resources = json.loads((dist / "resources.json").read_text())
    if engine.source_key not in resources:
        raise BuildError(engine.engine_id + ": " + engine.source_key + " not in resources.json")
    return [dist / chunk["hash"] for chunk in resources[engine.source_key]["chunks"]]


def stage_model(engine: Engine) -> dict[str, object]:
    """Copy the model's chunks into public/models/<engine>/, named by their sha256."""
    whole = hashlib.sha256()
    chunks = []
    total = 0
    for path in package_chunks(engine):
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if digest != path.name or len(data) > CHUNK_BYTES:
            raise BuildError(engine.engine_id + ": chunk " + path.name + " is damaged or too big")
        whole.update(data)
        total += len(data)
        target = PUBLIC / "models" / engine.engine_id / (digest + ".bin")
        copy_if_changed(path, target)
        chunks.append({"file": engine.engine_id + "/" + target.name, "bytes": len(data), "sha256": digest})
    if engine.size_bytes and total != engine.size_bytes:
        raise BuildError(
            engine.engine_id + ": model is " + str(total) + " bytes, expected " + str(engine.size_bytes)
        )
    return {"bytes": total, "sha256": whole.hexdigest(), "chunks": chunks}


def stage_models() -> None:
    staged: dict[str, object] = {}
    for engine in ENGINES:
        if engine.source == WEIGHTS_PACKAGE:
            staged[engine.engine_id] = stage_model(engine)
        else:
            print("build: " + engine.engine_id + " is not bundled (no local copy of its weights)")
    manifest = PUBLIC / "models" / "manifest.json"
    text = json.dumps({"engines": staged}, indent=1, sort_keys=True) + "\n"
    if not manifest.exists() or manifest.read_text() != text:
        manifest.write_text(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--force", action="store_true", help="rebuild every step")
    args = parser.parse_args()
    CACHE.mkdir(parents=True, exist_ok=True)
    # Test runs build too: one build at a time, or Transcrypt's -b wipes what esbuild reads.
    lock = open(CACHE / "build.lock", "w")
    fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        for entry in ("page", "worker"):
            transpile(entry, args.force)
            bundle(entry, args.force)
        stage_ort()
        stage_models()
    except BuildError as exc:
        print("build failed: " + str(exc), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
