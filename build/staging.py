"""Model and runtime staging: ORT's wasm beside the bundles, and each engine's model as
sha256-named chunks with the manifest the worker bundle embeds."""
from __future__ import annotations

import hashlib
import json
import urllib.request
from collections.abc import Iterable, Iterator
from pathlib import Path

from layout import MANIFEST, MODEL_CACHE, NODE_MODULES, PUBLIC, SOURCES, BuildError, copy_if_changed
from backgrone.core.engines import ENGINES, RECIPE_AS_IS, RECIPE_STATIC_INT8, WEIGHTS_PACKAGE, Engine

# Static hosts cap file sizes (Cloudflare Pages: 25 MiB); 4 MiB also keeps progress smooth.
CHUNK_BYTES = 4 * 1024 * 1024
ORT_FILES = ("ort-wasm-simd-threaded.wasm", "ort-wasm-simd-threaded.mjs")


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


def package_pieces(engine: Engine) -> Iterator[bytes]:
    """The weights package's chunks, each checked against the sha256 that names it."""
    for path in package_chunks(engine):
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != path.name:
            raise BuildError(engine.engine_id + ": chunk " + path.name + " is damaged")
        yield data


def file_pieces(path: Path) -> Iterator[bytes]:
    with path.open("rb") as model:
        while piece := model.read(CHUNK_BYTES):
            yield piece


def stage_model(engine: Engine, pieces: Iterable[bytes]) -> dict[str, object]:
    """Write the model's chunks into public/models/<engine>/, each named by its sha256."""
    whole = hashlib.sha256()
    chunks = []
    total = 0
    for data in pieces:
        if len(data) > CHUNK_BYTES:
            raise BuildError(engine.engine_id + ": a chunk is over " + str(CHUNK_BYTES) + " bytes")
        digest = hashlib.sha256(data).hexdigest()
        whole.update(data)
        total += len(data)
        target = PUBLIC / "models" / engine.engine_id / (digest + ".bin")
        if not target.exists() or target.stat().st_size != len(data):
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        chunks.append({"file": engine.engine_id + "/" + target.name, "bytes": len(data), "sha256": digest})
    if engine.size_bytes and total != engine.size_bytes:
        raise BuildError(
            engine.engine_id + ": model is " + str(total) + " bytes, expected " + str(engine.size_bytes)
        )
    return {"bytes": total, "sha256": whole.hexdigest(), "chunks": chunks}


def fetched_path(engine: Engine) -> Path:
    return MODEL_CACHE / (engine.engine_id + ".onnx")


def recorded_sources() -> dict[str, dict[str, object]]:
    return json.loads(SOURCES.read_text()) if SOURCES.exists() else {}


def fetch_models() -> None:
    """`make models`: download the weights no registry carries (RMBG-1.4) and record their
    sha256 in models/sources.json; where the network does not allow it, say so and go on."""
    recorded = recorded_sources()
    for engine in ENGINES:
        if engine.source == WEIGHTS_PACKAGE or fetched_path(engine).exists():
            continue
        target = fetched_path(engine)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".part")
        digest = hashlib.sha256()
        try:
            with urllib.request.urlopen(engine.source, timeout=60) as response, partial.open("wb") as out:
                while piece := response.read(1 << 20):
                    digest.update(piece)
                    out.write(piece)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            print(f"models: cannot fetch {engine.label} ({engine.source}): {exc}")
            print(f"models: {engine.label} stays not bundled; users can pick their own .onnx file in the app")
            continue
        expected = recorded.get(engine.engine_id, {}).get("sha256")
        if expected and expected != digest.hexdigest():
            partial.unlink()
            raise BuildError(f"{engine.label}: sha256 {digest.hexdigest()} is not the recorded {expected}")
        partial.rename(target)
        recorded[engine.engine_id] = {"url": engine.source, "sha256": digest.hexdigest(),
                                      "bytes": target.stat().st_size, "licence": engine.licence}
        SOURCES.write_text(json.dumps(recorded, indent=1, sort_keys=True) + "\n")
        print(f"models: {engine.label}: {target.stat().st_size} bytes, sha256 {digest.hexdigest()}")


def derived_model(engine: Engine) -> Path:
    """The model a recipe makes from the package's bytes, cached under models/cache/ by the
    source's sha256 and the recipe's version: made once per machine (minutes of CPU), then
    reused by every build until the weights or the recipe change."""
    if engine.recipe != RECIPE_STATIC_INT8:
        raise BuildError(engine.engine_id + ": unknown recipe '" + engine.recipe + "'")
    import isnet_int8  # onnx and onnxruntime: loaded only by builds that need them

    source = b"".join(package_pieces(engine))
    digest = hashlib.sha256(source).hexdigest()
    target = MODEL_CACHE / f"{engine.recipe}-v{isnet_int8.VERSION}-{digest[:16]}.onnx"
    if target.exists():
        return target
    print(f"build: making {engine.label} ({engine.recipe}) from {engine.source_key}; "
          "a few minutes, once per machine", flush=True)
    partial = target.with_suffix(".part")

    def progress(done: int, total: int) -> None:
        print(f"build:   calibrating on photo {done}/{total}", flush=True)

    isnet_int8.build_isnet_static_int8(source, partial, on_photo=progress)
    # Renamed only when complete: an interrupted build leaves no model that looks finished.
    partial.rename(target)
    return target


def stage_models() -> None:
    staged: dict[str, object] = {}
    recorded = recorded_sources()
    for engine in ENGINES:
        if engine.source == WEIGHTS_PACKAGE and engine.recipe != RECIPE_AS_IS:
            staged[engine.engine_id] = stage_model(engine, file_pieces(derived_model(engine)))
            continue
        if engine.source == WEIGHTS_PACKAGE:
            staged[engine.engine_id] = stage_model(engine, package_pieces(engine))
            continue
        local = fetched_path(engine)
        if not local.exists():
            print("build: " + engine.label + " is not bundled (run `make models` where the network allows)")
            continue
        entry = stage_model(engine, file_pieces(local))
        expected = recorded.get(engine.engine_id, {}).get("sha256")
        if expected and entry["sha256"] != expected:
            raise BuildError(engine.label + ": " + str(local) + " does not match models/sources.json")
        staged[engine.engine_id] = entry
    remove_stale_chunks(staged)
    text = json.dumps({"engines": staged}, indent=1, sort_keys=True) + "\n"
    if not MANIFEST.exists() or MANIFEST.read_text() != text:
        MANIFEST.write_text(text)


def remove_stale_chunks(staged: dict[str, object]) -> None:
    """Delete chunk files no manifest entry names (an earlier model's), so that a deployed
    public/ carries only what the app can load."""
    wanted = {chunk["file"] for entry in staged.values() if isinstance(entry, dict)
              for chunk in entry["chunks"]}
    for path in sorted((PUBLIC / "models").glob("*/*.bin")):
        if path.parent.name + "/" + path.name not in wanted:
            path.unlink()
