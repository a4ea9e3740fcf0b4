"""What a corrective click costs in the browser against the automatic cutout, in one run: the
same 12 MP photo through window.backgrone.removeBackground without hints (after a first,
untimed run, which also leaves its mask in the worker's memory: worker/recall.py) and with
one, two and three clicks, alternately. A correction runs no inference: decode, the
correction (timings.correct), postprocess and encode. Medians over the repeats; each run records
how busy the rest of the machine was (bench/machine.py). Refinement off (the default).

Usage: .venv/bin/python bench/clicks_cost.py [--engines lightweight precision] [--repeats 3]
Needs a built site and Chromium. Writes bench/results/clicks-cost.json.
"""
from __future__ import annotations

import statistics
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
for folder in (ROOT / "frontend_py", ROOT / "tests", ROOT / "bench"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

import machine  # noqa: E402
import quality_cost  # noqa: E402  (its driver: the 12 MP photo in one page)
from support.browser import run_async  # noqa: E402

# Clicks on the 4000 x 3000 photo: the cup's middle (keep), a corner (remove), the saucer (keep).
CLICKS = [{"x": 2000, "y": 1500, "keep": True}, {"x": 200, "y": 200, "keep": False},
          {"x": 2000, "y": 2500, "keep": True}]

JOB = """
const [engine, hints] = args;
const result = await window.backgrone.removeBackground(window.__photo, {engine, hints});
return {timings: result.timings, confidence: result.confidence};
"""


def measure(driver: Any, engine: str, repeats: int, roots: list[int]) -> dict[str, Any]:
    run_async(driver, JOB, engine, [])  # warm-up: model, session, the photo's mask remembered
    runs: dict[str, list[dict[str, Any]]] = {"automatic": [], "clicked": []}
    for i in range(repeats):
        for label in (("automatic", "clicked") if i % 2 == 0 else ("clicked", "automatic")):
            machine.wait_quiet(roots, limit_s=20)
            window = machine.Window(roots)
            # The automatic cutout needs its inference: a fresh copy of the bytes is another
            # photo to the worker only if they differ, so the automatic runs pass a new name
            # and a one-byte-different copy (a JPEG comment byte past the end).
            hints = CLICKS[:1 + i % 3] if label == "clicked" else []
            if label == "automatic":
                run_async(driver, "window.__fresh = new File([window.__photo, new Uint8Array([" + str(i)
                          + "])], 'fresh.jpg', {type: 'image/jpeg'}); return true;")
                result = run_async(driver, JOB.replace("window.__photo", "window.__fresh"), engine, [])
            else:
                result = run_async(driver, JOB, engine, hints)
            busy = window.close()
            result["others_cpu"] = busy["others_cpu"]
            result["clicks"] = len(hints)
            runs[label].append(result)
            t = result["timings"]
            print(f"  {engine} {label:9s} ({len(hints)} clicks): total {t['total']:7.0f} ms, inference "
                  f"{t.get('inference', 0.0):6.0f} ms, correct {t.get('correct', 0.0):5.0f} ms, postprocess "
                  f"{t['postprocess']:5.0f} ms, encode {t['encode']:5.0f} ms, "
                  f"others {busy['others_cpu']:.0%}",
                  flush=True)
    automatic = statistics.median(r["timings"]["total"] for r in runs["automatic"])
    clicked = statistics.median(r["timings"]["total"] for r in runs["clicked"])
    correct = statistics.median(r["timings"].get("correct", 0.0) for r in runs["clicked"])
    summary = {"automatic_ms": automatic, "clicked_ms": clicked, "correct_ms": correct,
               "ratio": clicked / automatic, "others_cpu": statistics.median(
                   r["others_cpu"] for r in runs["automatic"] + runs["clicked"])}
    print(f"{engine}: automatic {automatic:.0f} ms, with clicks {clicked:.0f} ms (the correction step "
          f"{correct:.0f} ms): {summary['ratio']:.2f} of the automatic cutout (goal <= 0.33)", flush=True)
    return {"summary": summary, "runs": runs}


def main(argv: list[str] | None = None) -> int:
    return quality_cost.run(argv, __doc__.split("\n\n")[0], "clicks-cost", measure)


if __name__ == "__main__":
    sys.exit(main())
