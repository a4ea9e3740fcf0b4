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
Then bench/quality.py scores the ISNet engines on an eval folder and composites made from it.

    python bench/bench.py [--engines precision,lightweight] [--repeats 3] [--no-peer] [--no-native]
"""
from __future__ import annotations

import argparse
import base64
import io
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
for folder in (ROOT / "frontend_py", ROOT / "tests", ROOT / "bench"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

import benchsite  # noqa: E402
from benchsite import PUT_PHOTO  # noqa: E402
import machine  # noqa: E402
from report import INT8, STAGES, chart, summarise, table  # noqa: E402
from backgrone.core.engines import find_engine  # noqa: E402
from support import reference  # noqa: E402
from support.browser import run_async  # noqa: E402
from support.chromium import start_chromium  # noqa: E402
from support.server import Server  # noqa: E402

RESULTS = ROOT / "bench" / "results"
CACHE = ROOT / "bench" / ".cache"
# The peer's model names for our engines' model bytes (see bench/benchsite.py).
PEER_MODEL = {"precision": "isnet_fp16", "lightweight": "isnet_quint8"}


# ---------------------------------------------------------------- ours, in Chromium


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
            small = reference.alpha8(raw, engine)
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
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out = RESULTS / f"bench-{stamp}.json"
    out.write_text(json.dumps(result, indent=1))
    (RESULTS / "latest.json").write_text(json.dumps(result, indent=1))
    chart(rows, RESULTS / f"bench-{stamp}.png")
    chart(rows, RESULTS / "latest.png")
    print()
    print(table(rows))
    print(f"\nresults: {out.relative_to(ROOT)}, chart: {out.with_suffix('.png').relative_to(ROOT)}")
    if args.no_quality:
        return 0
    eval_dir = args.eval or os.environ.get("BENCH_EVAL") or str(ROOT.parent / "shared" / "eval")
    if not Path(eval_dir).exists():
        print(f"\nquality: skipped ({eval_dir} not found)")
        return 0
    print("\nquality (bench/quality.py):", flush=True)
    # It scores the ISNet engines (their masks natively, with and without refinement), on the
    # eval photos and on composites made from them.
    engines = [e for e in result["engines"] if e in ("precision", "lightweight")]
    return subprocess.run([sys.executable, str(ROOT / "bench" / "quality.py"), "--eval", eval_dir,
                           "--engines", *engines]).returncode

if __name__ == "__main__":
    sys.exit(main())
