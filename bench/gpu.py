"""`make bench`'s GPU section: each real engine on the CPU and on whatever WebGPU adapter
Chromium offers, in one browser and one run, and the peer @imgly/background-removal with
`device: 'gpu'` on the same adapter, for a same-adapter ratio.

Headless Chromium here offers only SwiftShader (a CPU emulation of a GPU): its figures are
labelled "emulated adapter: not a speed figure". Where an engine has no GPU form this adapter
can run (fp16 needs shader-f16), the table says so instead of a time. Each GPU job has a time
limit (--limit): ORT's WebGPU kernels take minutes per 1024² run on SwiftShader.

    python bench/gpu.py [--engines precision,lightweight] [--repeats 2] [--limit 300] [--no-peer]
"""
from __future__ import annotations

import argparse
import base64
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
for folder in (ROOT / "frontend_py", ROOT / "tests", ROOT / "bench"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

import benchsite  # noqa: E402
from support.browser import run_async  # noqa: E402
from support.chromium import start_chromium  # noqa: E402
from support.server import Server  # noqa: E402

RESULTS = ROOT / "bench" / "results"
EMULATED = "emulated adapter: not a speed figure"
PEER_MODEL = {"precision": "isnet_fp16", "lightweight": "isnet_quint8"}

PUT_PHOTO = """
const [base64] = args;
window.__photo = new File([Uint8Array.from(atob(base64), c => c.charCodeAt(0))], 'photo-512.jpg',
                          {type: 'image/jpeg'});
return true;
"""

OUR_JOB = """
const [engine, device] = args;
const result = await window.backgrone.removeBackground(window.__photo, {engine, device, refine: false});
return {timings: result.timings, status: window.backgrone.status(),
        line: document.querySelector('[data-device-status]').textContent};
"""

PEER_JOB = """
const [model, device] = args;
const result = await window.peer.run(window.__photo, model, device);
return {timings: result.timings};
"""

ADAPTER = """
const adapter = navigator.gpu && await navigator.gpu.requestAdapter();
if (!adapter) return null;
return {vendor: adapter.info.vendor, architecture: adapter.info.architecture,
        fallback: !!adapter.info.isFallbackAdapter, f16: adapter.features.has('shader-f16')};
"""


def timed(driver: Any, limit: float, script: str, *args: Any) -> dict[str, Any]:
    """One job; {"error": why} when it fails or runs past `limit` seconds."""
    driver.set_script_timeout(limit)
    try:
        return dict(run_async(driver, script, *args))
    except Exception as exc:  # noqa: BLE001 - a bench row records any failure and goes on
        return {"error": str(exc).splitlines()[0][:160]}


def photo() -> str:
    return base64.b64encode(benchsite.make_photos()["512"].read_bytes()).decode()


def ours(driver: Any, server: Server, engine: str, device: str, args: argparse.Namespace) -> dict[str, Any]:
    driver.get(server.url)
    run_async(driver, "await window.backgrone.ready;")
    run_async(driver, PUT_PHOTO, photo())
    runs = []
    for _ in range(args.repeats + 1):  # the first run includes the model and session
        runs.append(timed(driver, args.limit, OUR_JOB, engine, device))
        if "error" in runs[-1] or runs[-1]["status"]["backend"] != ("webgpu" if device == "gpu" else "wasm"):
            break
    return summarise("ours", engine, device, runs)


def peer(driver: Any, site: str, engine: str, device: str, args: argparse.Namespace) -> dict[str, Any]:
    driver.get(site + "peer/")
    run_async(driver, "await window.peer.ready;")
    run_async(driver, PUT_PHOTO, photo())
    runs = []
    for _ in range(args.repeats + 1):
        runs.append(timed(driver, args.limit, PEER_JOB, PEER_MODEL[engine], device))
        if "error" in runs[-1]:
            break
    return summarise("peer", engine, device, runs)


def summarise(who: str, engine: str, device: str, runs: list[dict[str, Any]]) -> dict[str, Any]:
    row: dict[str, Any] = {"who": who, "engine": engine, "device": device, "runs": runs}
    failed = [run["error"] for run in runs if "error" in run]
    if failed:
        row["note"] = failed[0]
    status = runs[-1].get("status") if runs else None
    if status:
        row["backend"] = status["backend"]
        if device == "gpu" and status["backend"] != "webgpu":
            row["note"] = runs[-1]["line"]
    elif failed:
        row["backend"] = "-"  # it did not run
    else:
        row["backend"] = "webgpu" if device == "gpu" else "wasm"
    warm = [run["timings"]["inference"] for run in runs[1:] if "timings" in run]
    if warm and "note" not in row:
        row["inference_ms"] = statistics.median(warm)
        row["total_ms"] = statistics.median(run["timings"]["total"] for run in runs[1:] if "timings" in run)
    return row


def table(rows: list[dict[str, Any]], adapter: dict[str, Any] | None) -> str:
    label = "no adapter" if not adapter else adapter["vendor"] + " " + adapter["architecture"]
    if adapter and adapter["fallback"]:
        label += " (" + EMULATED + ")"
    lines = ["GPU section, adapter: " + label, "",
             "| who | engine | device | backend | warm inference | warm total | note |",
             "|---|---|---|---|---|---|---|"]
    for row in rows:
        inference = f"{row['inference_ms'] / 1000:.2f} s" if "inference_ms" in row else "-"
        total = f"{row['total_ms'] / 1000:.2f} s" if "total_ms" in row else "-"
        if row["backend"] == "webgpu" and adapter and adapter["fallback"] and "inference_ms" in row:
            inference += " (" + EMULATED + ")"
        lines.append(f"| {row['who']} | {row['engine']} | {row['device']} | {row['backend']} | {inference} | "
                     f"{total} | {row.get('note', '')} |")
    for engine in sorted({row["engine"] for row in rows}):
        gpu = {row["who"]: row for row in rows if row["engine"] == engine and row["device"] == "gpu"
               and "inference_ms" in row}
        if "ours" in gpu and "peer" in gpu:
            ratio = gpu["ours"]["total_ms"] / gpu["peer"]["total_ms"]
            lines.append(f"\n{engine}: ours / peer on the same adapter, warm total: {ratio:.2f}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engines", default="precision,lightweight")
    parser.add_argument("--repeats", type=int, default=2, help="warm jobs per engine and device")
    parser.add_argument("--limit", type=float, default=300.0, help="seconds per job at most")
    parser.add_argument("--no-peer", action="store_true")
    args = parser.parse_args()
    benchsite.build_peer()
    RESULTS.mkdir(parents=True, exist_ok=True)
    app = Server(RESULTS / "gpu-app-requests.log")
    site = benchsite.SiteServer(RESULTS / "gpu-site-requests.log")
    driver = start_chromium(webgpu=True)
    rows: list[dict[str, Any]] = []
    try:
        driver.get(app.url)
        adapter = run_async(driver, ADAPTER)
        print("adapter:", adapter, flush=True)
        for engine in args.engines.split(","):
            for device in ("cpu", "gpu"):
                rows.append(ours(driver, app, engine, device, args))
                print(" ", "ours", engine, device, rows[-1].get("inference_ms"), rows[-1].get("note", ""),
                      flush=True)
                if not args.no_peer and engine in PEER_MODEL:
                    rows.append(peer(driver, site.url, engine, device, args))
                    print(" ", "peer", engine, device, rows[-1].get("inference_ms"), rows[-1].get("note", ""),
                          flush=True)
    finally:
        driver.quit()
        app.stop()
        site.stop()
    text = table(rows, adapter)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out = RESULTS / f"gpu-{stamp}.json"
    out.write_text(json.dumps({"adapter": adapter, "emulated": bool(adapter and adapter["fallback"]),
                               "rows": rows}, indent=1))
    print()
    print(text)
    print(f"\nresults: {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
