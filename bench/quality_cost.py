"""What edge refinement costs in the browser: the same 12 MP photo through
window.backgrone.removeBackground with refine on and off, alternately, after a warm-up.

The figure is (postprocess with refine - postprocess without) / inference, per engine, from
medians over the repeats; timings.refine (the refinement step alone) is reported beside it.
Each run records how busy the rest of the machine was (bench/machine.py).

Usage: .venv/bin/python bench/quality_cost.py [--engines lightweight precision] [--repeats 3]
Needs a built site (`make build`) and Chromium. Writes bench/results/quality-cost.json.
"""
from __future__ import annotations

import argparse
import base64
import json
import statistics
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
for folder in (ROOT / "frontend_py", ROOT / "tests", ROOT / "bench"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

import benchsite  # noqa: E402  (bench/benchsite.py: the photos `make bench` uses)
import machine  # noqa: E402
from support.browser import run_async  # noqa: E402
from support.chromium import start_chromium  # noqa: E402
from support.server import Server  # noqa: E402

RESULTS = ROOT / "bench" / "results"

JOB = """
const [engine, refine] = args;
const result = await window.backgrone.removeBackground(window.__photo, {engine, refine});
return {timings: result.timings, width: result.width, height: result.height};
"""

PUT_PHOTO = """
const [base64] = args;
const bytes = Uint8Array.from(atob(base64), c => c.charCodeAt(0));
window.__photo = new File([bytes], 'photo-12mp.jpg', {type: 'image/jpeg'});
return true;
"""


def median(runs: list[dict[str, Any]], stage: str) -> float:
    return float(statistics.median(run["timings"].get(stage, 0.0) for run in runs))


def measure(driver: Any, engine: str, repeats: int, roots: list[int]) -> dict[str, Any]:
    run_async(driver, JOB, engine, True)  # warm-up: model, session, first inference
    runs: dict[str, list[dict[str, Any]]] = {"on": [], "off": []}
    for i in range(repeats):
        for label in (("on", "off") if i % 2 == 0 else ("off", "on")):
            machine.wait_quiet(roots, limit_s=20)
            window = machine.Window(roots)
            result = run_async(driver, JOB, engine, label == "on")
            busy = window.close()
            result["others_cpu"] = busy["others_cpu"]
            runs[label].append(result)
            t = result["timings"]
            print(f"  {engine} refine {label:3s}: inference {t['inference']:7.0f} ms, postprocess "
                  f"{t['postprocess']:6.0f} ms, refine {t.get('refine', 0.0):6.0f} ms, "
                  f"others {busy['others_cpu']:.0%}", flush=True)
    inference = median(runs["on"] + runs["off"], "inference")
    post_on = median(runs["on"], "postprocess")
    post_off = median(runs["off"], "postprocess")
    refine = median(runs["on"], "refine")
    summary = {
        "inference_ms": inference, "postprocess_on_ms": post_on, "postprocess_off_ms": post_off,
        "refine_ms": refine, "extra_ms": post_on - post_off,
        "extra_over_inference": (post_on - post_off) / inference,
        "refine_over_inference": refine / inference,
    }
    print(f"{engine}: postprocess {post_off:.0f} -> {post_on:.0f} ms (+{post_on - post_off:.0f} ms), "
          f"refine step {refine:.0f} ms, inference {inference:.0f} ms: extra = "
          f"{summary['extra_over_inference']:.1%} of inference (goal <= 15 %)", flush=True)
    return {"summary": summary, "runs": runs}


def run(argv: list[str] | None, description: str, name: str,
        measure: Callable[[Any, str, int, list[int]], dict[str, Any]]) -> int:
    """The cost benches' driver: the 12 MP photo in one Chromium page of the built site,
    `measure(driver, engine, repeats, roots)` for each engine, bench/results/<name>.json."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--engines", nargs="+", default=["lightweight", "precision"])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    photo = benchsite.make_photos()["12mp"]
    RESULTS.mkdir(parents=True, exist_ok=True)
    server = Server(RESULTS / f"{name}-server.log")
    driver = start_chromium()
    report: dict[str, Any] = {"photo": str(photo), "size": "4000x3000", "engines": {}}
    try:
        driver.set_script_timeout(600)
        driver.get(server.url)
        run_async(driver, "await window.backgrone.ready;")
        run_async(driver, PUT_PHOTO, base64.b64encode(photo.read_bytes()).decode())
        roots = [server.process.pid, driver.service.process.pid]
        for engine in args.engines:
            report["engines"][engine] = measure(driver, engine, args.repeats, roots)
    finally:
        driver.quit()
        server.stop()
    out = RESULTS / f"{name}.json"
    out.write_text(json.dumps(report, indent=1))
    print(f"written: {out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    return run(argv, __doc__.split("\n\n")[0], "quality-cost", measure)


if __name__ == "__main__":
    sys.exit(main())
