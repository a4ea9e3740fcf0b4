"""`make bench`: our app, the peer and native onnxruntime on the same photos, models and run.

For each engine the build staged (public/models/manifest.json) and each photo (512x512 and
4000x3000, made from scikit-image's sample photos): ours in headless Chromium through
window.backgrone.removeBackground (cold = first job after a page load, then warm jobs, with
the API's per-stage timings), the peer @imgly/background-removal 1.7.0 with its models
(bench/benchsite.py serves it locally): Precision against its fp16 model (the same bytes), and
Lightweight (our static int8 ISNet, made from those fp16 weights) against both its dynamic uint8
model and its fp16; and native onnxruntime with the pipeline of tests/support/reference.py.
Every measurement records how busy the machine was (bench/machine.py) and waits, a bounded
time, for a quiet machine first.

Output: a table on stdout, bench/results/bench-<time>.json (and latest.json), and a PNG chart.
Then bench/quality.py (when it exists) scores the engines on an eval folder.

    python bench/bench.py [--engines precision,lightweight] [--repeats 3] [--no-peer] [--no-native]
"""
from __future__ import annotations

import argparse
import base64
import io
import json
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
for folder in (ROOT / "frontend_py", ROOT / "tests", ROOT / "bench"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

import benchsite  # noqa: E402
import machine  # noqa: E402
from backgrone.core.engines import OUTPUT_MINMAX, find_engine  # noqa: E402
from support import reference  # noqa: E402
from support.browser import run_async, start_chromium  # noqa: E402
from support.server import Server  # noqa: E402

RESULTS = ROOT / "bench" / "results"
CACHE = ROOT / "bench" / ".cache"
STAGES = ("decode", "preprocess", "inference", "postprocess", "encode")
# The peer's model names for our engines' model bytes (see bench/benchsite.py).
PEER_MODEL = {"precision": "isnet_fp16", "lightweight": "isnet_quint8"}
# Our static 8-bit ISNet (bench/quantize.py), compared with both of the peer's models.
INT8 = "int8"


# ---------------------------------------------------------------- ours, in Chromium

PUT_PHOTO = """
const [name, base64] = args;
const bytes = Uint8Array.from(atob(base64), c => c.charCodeAt(0));
window.__bench = window.__bench || {};
window.__bench[name] = new File([bytes], name, {type: 'image/jpeg'});
return true;
"""

OUR_JOB = """
const [name, engine, refine] = args;
const result = await window.backgrone.removeBackground(window.__bench[name], {engine, refine});
return {timings: result.timings, width: result.width, height: result.height,
        bytes: result.png.size, type: result.png.type, at_ms: performance.now()};
"""

READY = """
await window.backgrone.ready;
const status = window.backgrone.status ? window.backgrone.status() : null;
return {ready_ms: performance.now(), threads: status ? status.threads : null,
        isolated: self.crossOriginIsolated};
"""


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.photos = benchsite.make_photos()
        self.roots: list[int] = []
        self.records: list[dict[str, Any]] = []
        self.errors: list[str] = []
        # Our edge refinement (on by default in the app) is work the peer does not do.
        self.refine = not args.no_refine

    def measure(self, label: str, action: Any) -> tuple[Any, dict[str, Any]]:
        """Wait for a quiet machine (bounded), then run `action` inside a busyness window."""
        quiet = machine.wait_quiet(self.roots, limit_s=self.args.quiet_wait)
        window = machine.Window(self.roots)
        value = action()
        busy = window.close()
        busy.update({"waited_s": quiet["waited_s"], "quiet_before": quiet["quiet"]})
        flag = "  NOISY" if busy["noisy"] else ""
        print(f"    {label}: {busy['wall_s']:.2f} s wall, others {busy['others_cpu']:.0%}{flag}", flush=True)
        return value, busy

    def record(self, **fields: Any) -> None:
        self.records.append(fields)

    # -- ours

    def load_app(self, driver: Any, server: Server, photo: str) -> dict[str, Any]:
        """Navigate, wait for window.backgrone.ready, hand the page one photo."""
        driver.get(server.url)
        ready = dict(run_async(driver, READY))
        run_async(driver, PUT_PHOTO, photo, base64.b64encode(self.photos[photo].read_bytes()).decode())
        return ready

    def our_cold(self, driver: Any, server: Server, engine_id: str, photo: str, kind: str) -> None:
        """Load the page, then at once one job: the first job after a page load."""
        server.clear_log()

        def action() -> tuple[dict[str, Any], dict[str, Any]]:
            ready = self.load_app(driver, server, photo)
            return ready, run_async(driver, OUR_JOB, photo, engine_id, self.refine)

        (ready, result), busy = self.measure(f"ours {photo} {kind}", action)
        fetched = [r for r in server.requests() if f"/models/{engine_id}/" in r]
        # When the pipeline could start on the photo, counted from the navigation: includes the
        # worker's start, the model from IndexedDB (or the download) and its session, and any
        # preload of the page's current engine that the job queued behind.
        stages = sum(result["timings"].get(k, 0.0) for k in STAGES)
        self.record(who="ours", engine=engine_id, photo=photo, kind=kind,
                    source="download" if fetched else "indexeddb",
                    ready_ms=ready["ready_ms"], ready_to_run_ms=result["at_ms"] - stages,
                    threads=ready.get("threads"), isolated=ready.get("isolated"),
                    timings=result["timings"], size=[result["width"], result["height"]],
                    png_bytes=result["bytes"], busy=busy)

    def our_warm(self, driver: Any, engine_id: str, photo: str, repeat: int) -> None:
        """One warm job on the page our_cold left loaded (session open, photo in hand)."""
        result, busy = self.measure(f"ours {photo} warm {repeat + 1}",
                                    lambda: run_async(driver, OUR_JOB, photo, engine_id, self.refine))
        self.record(who="ours", engine=engine_id, photo=photo, kind="warm",
                    timings=result["timings"], png_bytes=result["bytes"], busy=busy)

    def ours_int8(self, driver: Any, server: Server, model: Path) -> None:
        """Our app running a model file through the Balanced engine's own-file import (the
        only way to run an unbundled model without a rebuild). Same worker, session options and
        stages; only normalisation differs (p/255 vs p/256), which costs nothing."""
        from selenium.webdriver.support.ui import WebDriverWait

        self.load_app(driver, server, "512")
        # The engine list (with its import button) is drawn once the worker has answered.
        WebDriverWait(driver, 60).until(
            lambda d: d.find_elements("css selector", "[data-import-model=balanced]"))
        driver.find_element("css selector", "[data-import-model=balanced]").click()
        driver.find_element("css selector", "input[data-model-file]").send_keys(str(model.resolve()))
        notice = driver.find_element("css selector", "[data-engine-notice]")
        WebDriverWait(driver, 120).until(lambda d: "is ready" in notice.text)
        for photo, path in self.photos.items():
            run_async(driver, PUT_PHOTO, photo, base64.b64encode(path.read_bytes()).decode())
            # The import left the session open: the first job is warm but for its first run.
            for repeat in range(self.args.repeats + 1):
                kind = "first" if repeat == 0 else "warm"
                result, busy = self.measure(f"{photo} {kind} {repeat}",
                                            lambda photo=photo: run_async(driver, OUR_JOB, photo, "balanced",
                                                                          self.refine))
                self.record(who="ours", engine=INT8, photo=photo, kind=kind, source="imported",
                            timings=result["timings"], png_bytes=result["bytes"], busy=busy)

    # -- the peer

    def peer_cold(self, driver: Any, server: benchsite.SiteServer, engine_id: str, photo: str) -> None:
        """Load the peer's page, then at once its first job on `photo`."""
        driver.get(server.url + "peer/")
        ready_ms = run_async(driver, "await window.peer.ready; return performance.now();")
        server.clear_log()
        result, busy = self.measure(f"peer {photo} cold", lambda: self.peer_job(driver, engine_id, photo))
        # The peer keeps no cache of its own: the browser's HTTP cache (no-cache: revalidated).
        self.record(who="peer", engine=engine_id, photo=photo, kind="cold",
                    source="download" if photo == "512" else "http cache",
                    ready_ms=ready_ms, threads=result["threads"], timings=result["timings"],
                    png_bytes=result["bytes"], busy=busy)

    def peer_warm(self, driver: Any, engine_id: str, photo: str, repeat: int) -> None:
        result, busy = self.measure(f"peer {photo} warm {repeat + 1}",
                                    lambda: self.peer_job(driver, engine_id, photo))
        self.record(who="peer", engine=engine_id, photo=photo, kind="warm",
                    timings=result["timings"], png_bytes=result["bytes"], busy=busy)

    def peer_job(self, driver: Any, engine_id: str, photo: str) -> dict[str, Any]:
        job = """
const [name, model] = args;
window.__bench = window.__bench || {};
if (!window.__bench[name]) window.__bench[name] = await (await fetch('../photos/' + name)).blob();
const result = await window.peer.run(window.__bench[name], model);
return {timings: result.timings, bytes: result.png.size, threads: result.threads};
"""
        return dict(run_async(driver, job, self.photos[photo].name, PEER_MODEL[engine_id]))

    def engine_pairs(self, drivers: dict[str, Any], app: Server, peer: benchsite.SiteServer,
                     engine_id: str) -> None:
        """Ours and the peer, each in its own browser: per photo both cold jobs, then their warm
        jobs in turns (ours, peer, ours, ...), so that a machine that drifts slower or faster
        over minutes weighs on both alike and the ratio stays fair."""
        with_peer = not self.args.no_peer and engine_id in PEER_MODEL
        print(f"  ours{' and peer' if with_peer else ''}, {engine_id}", flush=True)
        for photo in self.photos:
            self.our_cold(drivers["ours"], app, engine_id, photo, "cold")
            if with_peer:
                try:
                    self.peer_cold(drivers["peer"], peer, engine_id, photo)
                except AssertionError as exc:
                    # Keep the rest of the run; the table shows the peer as missing.
                    print(f"  peer failed: {exc}", flush=True)
                    self.errors.append(f"peer {engine_id}: {exc}")
                    with_peer = False
            for repeat in range(self.args.repeats):
                self.our_warm(drivers["ours"], engine_id, photo, repeat)
                if with_peer:
                    self.peer_warm(drivers["peer"], engine_id, photo, repeat)
        # The small photo again after a reload: the model now comes from IndexedDB.
        self.our_cold(drivers["ours"], app, engine_id, "512", "reload")

    # -- native onnxruntime

    def native(self, engine_id: str) -> None:
        import onnxruntime as ort  # type: ignore[import-untyped]

        print(f"  native, {engine_id}", flush=True)
        engine = find_engine(engine_id)
        options = ort.SessionOptions()
        options.intra_op_num_threads = machine.CORES

        def create() -> ort.InferenceSession:
            return ort.InferenceSession(reference.model_bytes(engine_id), options,
                                        providers=["CPUExecutionProvider"])

        def job(session: ort.InferenceSession, path: Path) -> dict[str, float]:
            timings: dict[str, float] = {}
            mark = time.perf_counter()
            image = Image.open(path)
            image.load()
            timings["decode"] = (time.perf_counter() - mark) * 1000
            mark = time.perf_counter()
            feeds = {engine.input_name: reference.input_tensor(image, engine)}
            timings["preprocess"] = (time.perf_counter() - mark) * 1000
            mark = time.perf_counter()
            raw = session.run([engine.output_name], feeds)[0][0, 0]
            timings["inference"] = (time.perf_counter() - mark) * 1000
            mark = time.perf_counter()
            mask = raw.astype(np.float32)
            if engine.output_mode == OUTPUT_MINMAX:
                mask = (mask - mask.min()) / max(float(mask.max() - mask.min()), 1e-12)
            small = np.clip(np.floor(mask * 255 + 0.5), 0, 255).astype(np.uint8)
            alpha = Image.fromarray(small).resize(image.size, Image.Resampling.BILINEAR)
            cutout = image.convert("RGBA")
            cutout.putalpha(alpha)
            timings["postprocess"] = (time.perf_counter() - mark) * 1000
            mark = time.perf_counter()
            cutout.save(io.BytesIO(), format="PNG")
            timings["encode"] = (time.perf_counter() - mark) * 1000
            timings["total"] = sum(timings.values())
            return timings

        for photo, path in self.photos.items():
            def cold(path: Path = path) -> dict[str, float]:
                mark = time.perf_counter()
                session = create()
                model_ms = (time.perf_counter() - mark) * 1000
                timings = job(session, path)
                timings["model"] = model_ms
                timings["total"] += model_ms
                self._session = session
                return timings

            timings, busy = self.measure(f"{photo} cold", cold)
            self.record(who="native", engine=engine_id, photo=photo, kind="cold", source="memory",
                        threads=machine.CORES, timings=timings, busy=busy)
            for repeat in range(self.args.repeats):
                timings, busy = self.measure(f"{photo} warm {repeat + 1}",
                                             lambda path=path: job(self._session, path))
                self.record(who="native", engine=engine_id, photo=photo, kind="warm",
                            timings=timings, busy=busy)
            del self._session

    # -- the run

    def run(self) -> dict[str, Any]:
        manifest = json.loads((ROOT / "public" / "models" / "manifest.json").read_text())
        engines = [e for e in (self.args.engines.split(",") if self.args.engines else manifest["engines"])
                   if e in manifest["engines"]]
        site = benchsite.build({}, {p.name: p for p in self.photos.values()})
        logs = CACHE / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        app = Server(logs / "app.log", no_store=True)
        peer = benchsite.SiteServer(logs / "peer.log", root=site)
        drivers = {"ours": start_chromium(), "peer": start_chromium()}
        driver = drivers["ours"]
        self.roots = [app.process.pid, peer.process.pid]
        for each in drivers.values():
            each.set_script_timeout(600)
            if each.service.process is not None:
                self.roots.append(each.service.process.pid)
        began = time.time()
        try:
            for engine_id in engines:
                print(f"engine {engine_id}", flush=True)
                self.engine_pairs(drivers, app, peer, engine_id)
                if not self.args.no_native:
                    self.native(engine_id)
                # What is measured so far survives an interrupted run.
                RESULTS.mkdir(parents=True, exist_ok=True)
                (RESULTS / "partial.json").write_text(json.dumps({"records": self.records}, indent=1))
            if self.args.int8:
                print("engine int8 (a candidate 8-bit ISNet, imported into the Balanced slot)", flush=True)
                try:
                    self.ours_int8(driver, app, Path(self.args.int8))
                    engines.append(INT8)
                except Exception as exc:  # noqa: BLE001 - keep the run's other results
                    print(f"  int8 failed: {exc}", flush=True)
                    self.errors.append(f"int8: {exc}")
            browser = driver.capabilities.get("browserVersion", "")
        finally:
            for each in drivers.values():
                each.quit()
            app.stop()
            peer.stop()
        return {
            "started": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(began)),
            "seconds": round(time.time() - began, 1),
            "machine": {"cores": machine.CORES, "platform": platform.platform(), "chromium": browser,
                        "noisy_share": machine.NOISY_SHARE},
            "photos": {k: {"file": v.name, "size": list(Image.open(v).size), "bytes": v.stat().st_size}
                       for k, v in self.photos.items()},
            "engines": engines,
            "refine": self.refine,
            "repeats": self.args.repeats,
            "records": self.records,
            "errors": self.errors,
        }


# ---------------------------------------------------------------- summary, table, chart


def median_timings(records: list[dict[str, Any]]) -> dict[str, float]:
    keys = {k for r in records for k in r["timings"]}
    return {k: statistics.median(r["timings"][k] for r in records if k in r["timings"]) for k in keys}


def summarise(result: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for engine_id in result["engines"]:
        for photo in result["photos"]:
            row: dict[str, Any] = {"engine": engine_id, "photo": photo}
            for who in ("ours", "peer", "native"):
                picked = [r for r in result["records"]
                          if r["who"] == who and r["engine"] == engine_id and r["photo"] == photo]
                warm = [r for r in picked if r["kind"] == "warm"]
                cold = [r for r in picked if r["kind"] == "cold"]
                if not warm:
                    continue
                # Runs that others disturbed are kept in the JSON but left out of the median
                # when at least one quiet run exists.
                quiet = [r for r in warm if not r["busy"]["noisy"]]
                med = median_timings(quiet or warm)
                row[who] = {
                    "warm": med,
                    "warm_min_total": min(r["timings"]["total"] for r in warm),
                    "cold_total": cold[0]["timings"]["total"] if cold else None,
                    "cold_model": cold[0]["timings"].get("model") if cold else None,
                    "cold_source": cold[0].get("source") if cold else None,
                    "ready_ms": cold[0].get("ready_ms") if cold else None,
                    "ready_to_run_ms": cold[0].get("ready_to_run_ms") if cold else None,
                    "reload": next(({"source": r["source"], "ready_to_run_ms": r["ready_to_run_ms"],
                                     "model_ms": r["timings"].get("model"), "total": r["timings"]["total"]}
                                    for r in picked if r["kind"] == "reload"), None),
                    "quiet_runs": len(quiet),
                    "warm_runs": len(warm),
                    "others_cpu": max(r["busy"]["others_cpu"] for r in (quiet or warm)),
                    "noisy": not quiet,
                }
            if engine_id in (INT8, "lightweight"):
                # An 8-bit model of ours against the peer's 8-bit one and its fp16 (whose
                # weights ours is made from).
                pairs = (("peer", "lightweight"), ("peer_fp16", "precision"))
                for name, peer_engine in pairs[1:] if engine_id == "lightweight" else pairs:
                    warm = [r for r in result["records"] if r["who"] == "peer" and r["engine"] == peer_engine
                            and r["photo"] == photo and r["kind"] == "warm"]
                    quiet = [r for r in warm if not r["busy"]["noisy"]]
                    if warm:
                        row[name] = {"warm": median_timings(quiet or warm), "others_cpu": 0.0,
                                     "noisy": not quiet, "cold_total": None}
            ours = row.get("ours")
            if ours:
                w = ours["warm"]
                row["prepost_share"] = (w["decode"] + w["preprocess"] + w["postprocess"]) / w["inference"]
                row["prepost_encode_share"] = row["prepost_share"] + w["encode"] / w["inference"]
                for who in ("peer", "peer_fp16", "native"):
                    if who in row:
                        row["ours/" + who] = w["total"] / row[who]["warm"]["total"]
                        row["ours/" + who + " inference"] = w["inference"] / row[who]["warm"]["inference"]
            rows.append(row)
    return rows


def table(rows: list[dict[str, Any]]) -> str:
    def s(ms: float | None) -> str:
        return "    -" if ms is None else f"{ms / 1000:5.2f}"

    def r(value: float | None) -> str:
        return "   -" if value is None else f"{value:4.2f}"

    lines = [
        "warm end to end (median of quiet runs, s) | our stages: decode pre infer post encode | cold (source)"
        " | ratios ours/peer ours/native (infer) | pre+post/infer | others' CPU (max)",
        "-" * 150,
    ]
    for row in rows:
        ours, peer, native = row.get("ours"), row.get("peer"), row.get("native")
        w = ours["warm"] if ours else {}
        stages = " ".join(s(w.get(k)) for k in STAGES)
        busy = max((x["others_cpu"] for x in (ours, peer, native) if x), default=0.0)
        noisy = any(x["noisy"] for x in (ours, peer, native) if x)
        lines.append(
            f"{row['engine']:11} {row['photo']:>4} | ours {s(w.get('total'))} peer "
            f"{s(peer['warm']['total'] if peer else None)} "
            f"native {s(native['warm']['total'] if native else None)}"
            f" (infer {s(native['warm']['inference'] if native else None)})"
            f" | {stages} | {s(ours['cold_total'] if ours else None)}"
            f" ({ours['cold_source'] if ours else '-'})"
            f" | {r(row.get('ours/peer'))} {r(row.get('ours/native'))}"
            f" ({r(row.get('ours/native inference'))})"
            f" | {row.get('prepost_share', 0):4.0%} | {busy:4.0%}{' NOISY' if noisy else ''}")
    for row in rows:
        if row["engine"] in (INT8, "lightweight") and "ours" in row:
            lines.append(f"{row['engine']} {row['photo']:>4}: ours {s(row['ours']['warm']['total'])} s"
                         f" (inference {s(row['ours']['warm']['inference'])});"
                         f" ours/peer uint8 {r(row.get('ours/peer'))},"
                         f" ours/peer fp16 {r(row.get('ours/peer_fp16'))}")
    ready = [row["ours"]["ready_ms"] for row in rows if row.get("ours") and row["ours"]["ready_ms"]]
    if ready:
        lines.append(f"reload to window.backgrone.ready: median {statistics.median(ready):.0f} ms")
    for row in rows:
        reload = row.get("ours", {}).get("reload")
        if reload:
            lines.append(f"reload to ready to run, {row['engine']}: {reload['ready_to_run_ms']:.0f} ms"
                         f" (model from {reload['source']};"
                         f" the job's own model step {reload['model_ms']:.0f} ms)")
    return "\n".join(lines)


def chart(rows: list[dict[str, Any]], path: Path) -> None:
    """Stacked bars of warm stage times: ours, peer, native for each engine and photo."""
    from PIL import ImageDraw

    colours = {"decode": (120, 160, 220), "preprocess": (90, 200, 160), "inference": (230, 150, 60),
               "postprocess": (200, 90, 120), "encode": (150, 110, 200)}
    groups = [(row, who) for row in rows for who in ("ours", "peer", "native") if who in row]
    peak = max(x[0][x[1]]["warm"]["total"] for x in groups) if groups else 1.0
    width, height, left, bottom, bar = 120 + 70 * len(groups) + 30 * len(rows), 520, 70, 90, 44
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    scale = (height - bottom - 40) / peak
    draw.text((10, 10), "Warm end to end per stage (median, seconds): ours / peer / native", fill="black")
    for tick in range(0, int(peak / 1000) + 2):
        y = height - bottom - tick * 1000 * scale
        if y < 30:
            break
        draw.line((left - 5, y, width - 10, y), fill=(225, 225, 225))
        draw.text((left - 30, y - 6), f"{tick}s", fill="black")
    x = left + 10
    previous = None
    for row, who in groups:
        if previous is not None and previous is not row:
            x += 30
        previous = row
        timings = row[who]["warm"]
        y = height - bottom
        for stage in STAGES:
            h = timings.get(stage, 0.0) * scale
            draw.rectangle((x, y - h, x + bar, y), fill=colours[stage])
            y -= h
        draw.text((x, y - 14), f"{timings['total'] / 1000:.1f}", fill="black")
        draw.text((x, height - bottom + 5), who, fill="black")
        draw.text((x, height - bottom + 20), row["photo"], fill="black")
        draw.text((x, height - bottom + 35), row["engine"][:9], fill="black")
        x += bar + 26
    legend_x = left
    for stage, colour in colours.items():
        draw.rectangle((legend_x, height - 25, legend_x + 12, height - 13), fill=colour)
        draw.text((legend_x + 16, height - 26), stage, fill="black")
        legend_x += 110
    image.save(path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engines", default="", help="comma-separated engine ids (default: all staged)")
    parser.add_argument("--repeats", type=int, default=3, help="warm jobs per photo")
    parser.add_argument("--quiet-wait", type=float, default=20.0,
                        help="max seconds to wait for a quiet machine")
    parser.add_argument("--no-peer", action="store_true")
    parser.add_argument("--no-native", action="store_true")
    parser.add_argument("--no-quality", action="store_true")
    parser.add_argument("--no-refine", action="store_true", help="our jobs without edge refinement")
    parser.add_argument("--int8", default="",
                        help="also run this .onnx (a candidate 8-bit ISNet) in the app, imported as Balanced")
    parser.add_argument("--eval", default="",
                        help="eval folder for bench/quality.py (default: BENCH_EVAL or ../shared/eval)")
    parser.add_argument("--summarise", default="",
                        help="print the table of a saved results JSON, run nothing")
    args = parser.parse_args()
    if args.summarise:
        print(table(summarise(json.loads(Path(args.summarise).read_text()))))
        return 0
    result = Bench(args).run()
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "partial.json").write_text(json.dumps(result, indent=1))
    rows = summarise(result)
    result["summary"] = rows
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out = RESULTS / f"bench-{stamp}.json"
    out.write_text(json.dumps(result, indent=1))
    (RESULTS / "latest.json").write_text(json.dumps(result, indent=1))
    chart(rows, RESULTS / f"bench-{stamp}.png")
    chart(rows, RESULTS / "latest.png")
    print()
    print(table(rows))
    print(f"\nresults: {out.relative_to(ROOT)}, chart: {out.with_suffix('.png').relative_to(ROOT)}")
    quality = ROOT / "bench" / "quality.py"
    if quality.exists() and not args.no_quality:
        import os

        eval_dir = args.eval or os.environ.get("BENCH_EVAL") or str(ROOT.parent / "shared" / "eval")
        if Path(eval_dir).exists():
            print("\nquality (bench/quality.py):", flush=True)
            # It scores the ISNet engines (their masks natively, with and without refinement).
            engines = [e for e in result["engines"] if e in ("precision", "lightweight")]
            return subprocess.run([sys.executable, str(quality), "--eval", eval_dir,
                                   "--engines", *engines]).returncode
        print(f"\nquality: skipped ({eval_dir} not found)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
