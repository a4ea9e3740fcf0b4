"""Levers, measured one at a time in headless Chromium with our onnxruntime-web (1.30).

    python bench/micro.py models     # speed of model variants (fp16, uint8, our static 8-bit ...)
    python bench/micro.py options    # session options, threads, first run vs later runs
    python bench/micro.py encode     # PNG encoding and the alpha step at 12 MP

Each case runs in a fresh module worker session (bench/pages/ort_worker.js): create the session
from the model's bytes, run it `--repeats` times on a 1024x1024 input; the first run is reported
apart from the rest (what a warm-up would move out of the first job). Results go to
bench/results/micro-<what>-<time>.json; the machine's busyness is recorded per case.
"""
from __future__ import annotations

import argparse
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
import machine  # noqa: E402
from support import reference  # noqa: E402
from support.browser import run_async  # noqa: E402
from support.chromium import start_chromium  # noqa: E402

QUANT = ROOT / "bench" / ".cache" / "quant"
RESULTS = ROOT / "bench" / "results"
CALL = "const [cmd, a] = args; return await window.ortbench.call(cmd, a);"


def model_files(wanted: list[str]) -> dict[str, Path]:
    """fp16 and uint8 are the weights package's models, int8 the Lightweight engine's (as the
    build staged it); the rest are files in bench/.cache/quant/."""
    files = {}
    for name in wanted:
        if name in ("fp16", "uint8", "int8"):
            path = QUANT / (name + ".onnx")
            if name == "int8":
                # Rewritten each time: a rebuilt model must not be measured as the old one.
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(reference.model_bytes("lightweight"))
            elif not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                key = "/models/medium" if name == "fp16" else "/models/small"
                path.write_bytes(benchsite.package_model(key))
        else:
            path = QUANT / (name + ".onnx")
        if path.exists():
            files[name] = path
        else:
            print(f"skipping {name}: {path} not built (python bench/quantize.py build --variant {name})")
    return files


class Micro:
    def __init__(self, models: dict[str, Path]) -> None:
        photos = benchsite.make_photos()
        site = benchsite.build(models, {p.name: p for p in photos.values()})
        logs = ROOT / "bench" / ".cache" / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        self.server = benchsite.SiteServer(logs / "micro.log", root=site)
        self.driver = start_chromium()
        self.driver.set_script_timeout(900)
        self.roots = [self.server.process.pid]
        if self.driver.service.process is not None:
            self.roots.append(self.driver.service.process.pid)
        self.driver.get(self.server.url + "micro/")
        self.records: list[dict[str, Any]] = []

    def call(self, cmd: str, args: dict[str, Any]) -> Any:
        return run_async(self.driver, CALL, cmd, args)

    def reload(self) -> None:
        """A fresh page: ORT reads numThreads once, when its WASM starts."""
        self.driver.get(self.server.url + "micro/")

    def interleaved(self, models: list[str], rounds: int, quiet_wait: float, threads: int = 0) -> None:
        """All models' sessions live at once; each round runs each model once, so that the
        machine's noise falls on every model alike."""
        self.reload()
        created = {}
        for model in models:
            created[model] = self.call("create", {"name": model, "url": f"models/{model}.onnx",
                                                  "options": BASE, "keep": True, "threads": threads})
        times: dict[str, list[float]] = {m: [] for m in models}
        busy: dict[str, list[dict[str, Any]]] = {m: [] for m in models}
        for _ in range(rounds):
            for model in models:
                quiet = machine.wait_quiet(self.roots, limit_s=quiet_wait)
                window = machine.Window(self.roots)
                times[model] += self.call("run", {"name": model, "repeats": 1, "side": 1024})["times"]
                busy[model].append({**window.close(), "waited_s": quiet["waited_s"]})
        for model in models:
            later = times[model][1:]
            cpu = [b["ours_cpu_s"] for b in busy[model][1:]]
            record = {"cpu_s_median": statistics.median(cpu) if cpu else None,
                      "label": "interleaved", "model": model, "threads": created[model]["threads"],
                      "create_ms": created[model]["create"], "first_ms": times[model][0],
                      "later_ms": later, "later_median_ms": statistics.median(later) if later else None,
                      "later_min_ms": min(later) if later else None,
                      "others_cpu_max": max(b["others_cpu"] for b in busy[model]), "busy": busy[model]}
            self.records.append(record)
            print(f"{model:14} create {record['create_ms']:6.0f} ms  first {record['first_ms']:6.0f} ms  "
                  f"later median {record['later_median_ms'] or 0:6.0f}"
                  f" min {record['later_min_ms'] or 0:6.0f} ms"
                  f"  CPU {record['cpu_s_median'] or 0:5.1f} s/run  threads {record['threads']}"
                  f"  others max {record['others_cpu_max']:.0%}", flush=True)

    def case(self, label: str, model: str, options: dict[str, Any], repeats: int,
             threads: int = 0, quiet_wait: float = 20.0) -> dict[str, Any]:
        """A fresh page and session with these options; the first run, then `repeats` more."""
        self.reload()
        quiet = machine.wait_quiet(self.roots, limit_s=quiet_wait)
        created = self.call("create", {"url": f"models/{model}.onnx", "options": options, "threads": threads})
        runs: list[float] = []
        busy: list[dict[str, Any]] = []
        for _ in range(repeats + 1):
            window = machine.Window(self.roots)
            runs += self.call("run", {"repeats": 1, "side": 1024})["times"]
            busy.append(window.close())
        cpu = [float(b["ours_cpu_s"]) for b in busy[1:]]
        record = {"label": label, "model": model, "options": options, "threads": created["threads"],
                  "create_ms": created["create"], "first_ms": runs[0], "later_ms": runs[1:],
                  "later_median_ms": statistics.median(runs[1:]) if len(runs) > 1 else None,
                  "cpu_s_median": statistics.median(cpu) if cpu else None,
                  "others_cpu_max": max(float(b["others_cpu"]) for b in busy),
                  "waited_s": quiet["waited_s"], "busy": busy}
        self.records.append(record)
        print(f"{label:32} {model:11} threads {created['threads']}  create {created['create']:5.0f} ms"
              f"  first {runs[0]:6.0f} ms  later {record['later_median_ms'] or 0:6.0f} ms"
              f"  CPU {record['cpu_s_median'] or 0:5.1f} s/run  others max {record['others_cpu_max']:.0%}",
              flush=True)
        return record

    def close(self) -> None:
        self.driver.quit()
        self.server.stop()


def save(what: str, payload: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"micro-{what}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(payload, indent=1))
    return path


BASE = {"graphOptimizationLevel": "all"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=("models", "options", "encode"))
    parser.add_argument("--models", default="fp16,uint8,int8")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", default="0", help="models: thread counts to try (0 = cores)")
    parser.add_argument("--quiet-wait", type=float, default=20.0)
    args = parser.parse_args()
    names = args.models.split(",")
    files = model_files(names)
    micro = Micro(files)
    payload: dict[str, Any] = {"what": args.what, "cores": machine.CORES}
    try:
        if args.what == "models":
            for threads in [int(t) for t in args.threads.split(",")]:
                micro.interleaved(list(files), args.repeats + 1, args.quiet_wait, threads)
        elif args.what == "options":
            cases: list[tuple[str, dict[str, Any], int]] = [
                ("app today (all)", BASE, 0),
                ("graphOptimizationLevel extended", {"graphOptimizationLevel": "extended"}, 0),
                ("graphOptimizationLevel basic", {"graphOptimizationLevel": "basic"}, 0),
                ("enableCpuMemArena false", {**BASE, "enableCpuMemArena": False}, 0),
                ("enableMemPattern false", {**BASE, "enableMemPattern": False}, 0),
                ("executionMode parallel", {**BASE, "executionMode": "parallel"}, 0),
                ("1 thread", BASE, 1),
            ]
            for name in files:
                for label, options, threads in cases:
                    micro.case(label, name, options, args.repeats, threads, quiet_wait=args.quiet_wait)
        else:
            photo = "../photos/photo-12mp.jpg"
            quiet = machine.wait_quiet(micro.roots, limit_s=args.quiet_wait)
            window = machine.Window(micro.roots)
            payload["encode"] = [micro.call("encode", {"width": 4000, "height": 3000, "url": photo})
                                 for _ in range(args.repeats)]
            payload["alpha_step"] = [micro.call("alphaStep", {"width": 4000, "height": 3000, "url": photo,
                                                              "side": 1024}) for _ in range(args.repeats)]
            payload["busy"] = {**window.close(), "waited_s": quiet["waited_s"]}
            print(json.dumps({k: payload[k] for k in ("encode", "alpha_step", "busy")}, indent=1))
    finally:
        micro.close()
    payload["records"] = micro.records
    print("results:", save(args.what, payload).relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
