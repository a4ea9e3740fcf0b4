"""Peak memory of one big photo: `make bench` runs this after bench/bench.py.

For each size (12, 24 and 48 MP JPEGs, made like bench/benchsite.py's 12 MP photo), each
starting point and each refine setting, in a fresh headless Chromium:
- fresh: the page loaded and ready, then its first job (session creation included);
- session: the page loaded, one 512x512 job run (the session is open), then the big photo; the
  tree's settled memory before and after that small job is the session's own ("session" column).
The Chromium process tree's resident memory (the sum of VmRSS over chromedriver's descendants,
sampled from /proc every 20 ms) is recorded just before the job and at its peak during the job:
"added" is the difference. `performance.measureUserAgentSpecificMemory()` (page and workers;
isolated pages only, made eager by a Blink flag) is read before and after the job.

    python bench/memory.py [--sizes 12,24,48] [--engine lightweight,precision] [--label after]
                           [--refine on,off] [--starts fresh,session]
                           [--canvas-limit PIXELS]  (the one-canvas PNG up to this size)
                           [--options JSON]  (removeBackground's output options: a framed
                           download is made after the cutout, within the same measured call)
    python bench/memory.py --compare results/memory-before.json results/memory-after.json
"""
from __future__ import annotations

import argparse
import base64
import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image
from selenium.common.exceptions import WebDriverException

ROOT = Path(__file__).resolve().parents[1]
for folder in (ROOT / "tests", ROOT / "bench"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

import benchsite  # noqa: E402
import machine  # noqa: E402
from benchsite import PUT_PHOTO  # noqa: E402
from support.browser import run_async  # noqa: E402
from support.chromium import start_chromium  # noqa: E402
from support.server import Server  # noqa: E402

RESULTS = ROOT / "bench" / "results"
PAGE = os.sysconf("SC_PAGE_SIZE")
SHAPES = {12: (4000, 3000), 24: (6000, 4000), 48: (8000, 6000)}
MB = 1024 * 1024


JOB = """
const [name, engine, refine, output] = args;
const options = {engine, refine, ...output};
const result = await window.backgrone.removeBackground(window.__bench[name], options);
return {width: result.width, height: result.height, bytes: result.png.size, timings: result.timings,
        file_bytes: result.file.size};
"""

UA_MEMORY = """
if (!self.crossOriginIsolated || !performance.measureUserAgentSpecificMemory) return null;
return (await performance.measureUserAgentSpecificMemory()).bytes;
"""


def photo(megapixels: int) -> Path:
    """The coffee cup at 4:3 (3:2 at 24 MP), upscaled with mild noise; JPEG q92. Noise is added
    a band of rows at a time, so that making the 48 MP photo takes no gigabyte of floats."""
    from skimage import data

    path = benchsite.CACHE / "photos" / f"photo-{megapixels}mp.jpg"
    if path.exists():
        return path
    width, height = SHAPES[megapixels]
    cup = Image.fromarray(data.coffee())  # type: ignore[no-untyped-call]
    crop = (33, 0, 567, 400) if width * 3 == height * 4 else (0, 0, 600, 400)
    pixels = np.asarray(cup.crop(crop).resize((width, height), Image.Resampling.BICUBIC)).copy()
    rng = np.random.default_rng(megapixels)
    for top in range(0, height, 500):
        band = pixels[top:top + 500].astype(np.float32)
        band += rng.normal(0, 3.0, band.shape).astype(np.float32)
        pixels[top:top + 500] = np.clip(band, 0, 255).astype(np.uint8)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(pixels).save(path, quality=92)
    return path


def tree_rss(root: int) -> int:
    """Bytes resident in `root`'s descendants (Chromium's browser, renderers, GPU, utilities)."""
    children: dict[int, list[int]] = {}
    for pid, (parent, _) in machine.processes().items():
        children.setdefault(parent, []).append(pid)
    total = 0
    stack = list(children.get(root, []))
    while stack:
        pid = stack.pop()
        stack.extend(children.get(pid, []))
        try:
            with open(f"/proc/{pid}/statm") as statm:
                total += int(statm.read().split()[1]) * PAGE
        except OSError:
            continue
    return total


class Sampler:
    """The tree's peak resident memory while running: a thread reading /proc every 20 ms."""

    def __init__(self, root: int) -> None:
        self.root = root
        self.peak = tree_rss(root)
        self.began = time.monotonic()
        self.peak_at = 0.0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.loop, daemon=True)
        self.thread.start()

    def loop(self) -> None:
        while not self.stop.wait(0.02):
            now = tree_rss(self.root)
            if now > self.peak:
                self.peak = now
                self.peak_at = time.monotonic() - self.began

    def close(self) -> int:
        self.stop.set()
        self.thread.join()
        self.peak = max(self.peak, tree_rss(self.root))
        return self.peak


def settled_rss(root: int) -> int:
    """The tree's memory once it stops moving (Chromium frees and trims lazily): the median
    of a second of samples."""
    samples = []
    for _ in range(10):
        samples.append(tree_rss(root))
        time.sleep(0.1)
    return sorted(samples)[len(samples) // 2]


def measure(url: str, engine: str, megapixels: int, start: str, refine: bool, small: Path,
            canvas_limit: int, output: dict[str, Any]) -> dict[str, Any]:
    driver = start_chromium(extra=("--enable-blink-features=ForceEagerMeasureMemory",))
    # A 48 MP job on a busy machine outlasts selenium's 120 s default wait for a reply.
    driver.command_executor.client_config.timeout = 900
    driver.set_script_timeout(900)
    try:
        root = driver.service.process.pid
        driver.get(url)
        run_async(driver, "await window.backgrone.ready; return true;")
        if canvas_limit:
            # One output canvas up to this many pixels (the app's default: worker/strips.py).
            run_async(driver, "window.backgrone.setCanvasLimit(args[0], 1048576); return true;",
                      canvas_limit)
        session = None
        if start == "session":
            run_async(driver, PUT_PHOTO, "small.jpg", base64.b64encode(small.read_bytes()).decode())
            idle = settled_rss(root)
            run_async(driver, JOB, "small.jpg", engine, refine, {})
            session = settled_rss(root) - idle
        big = photo(megapixels)
        run_async(driver, PUT_PHOTO, big.name, base64.b64encode(big.read_bytes()).decode())
        ua_before = run_async(driver, UA_MEMORY)
        before = settled_rss(root)
        sampler = Sampler(root)
        began = time.monotonic()
        result = run_async(driver, JOB, big.name, engine, refine, output)
        seconds = time.monotonic() - began
        peak = sampler.close()
        try:
            ua_after = run_async(driver, UA_MEMORY)
        except WebDriverException as exc:  # seen once: the tab crashed measuring, machine short of memory
            print("  measureUserAgentSpecificMemory failed:", str(exc).splitlines()[0], flush=True)
            ua_after = None
        row = {"megapixels": megapixels, "start": start, "refine": refine, "engine": engine,
               "session": session, "load": os.getloadavg()[0], "size": [result["width"], result["height"]],
               "png_bytes": result["bytes"], "file_bytes": result["file_bytes"], "options": output,
               "rss_before": before, "rss_peak": peak,
               "added": peak - before, "ua_before": ua_before, "ua_after": ua_after,
               "job_s": seconds, "peak_at_s": sampler.peak_at, "timings": result["timings"]}
        stages = ", ".join(f"{k} {result['timings'].get(k, 0) / 1000:.1f}"
                           for k in ("decode", "inference", "refine", "postprocess", "encode"))
        print(f"  {megapixels} MP {start} {engine} refine {'on' if refine else 'off'}: "
              f"+{(peak - before) / MB:.0f} MB at peak (session {mb(session)} MB, load {row['load']:.1f}) "
              f"(tree {before / MB:.0f} -> {peak / MB:.0f} MB at {sampler.peak_at:.1f} s), {seconds:.1f} s "
              f"({stages} s)", flush=True)
        return row
    finally:
        driver.quit()


def mb(value: Any) -> str:
    return "-" if value is None else f"{value / MB:.0f}"


def table(runs: dict[str, list[dict[str, Any]]]) -> str:
    """Markdown: one row per size, start, engine and refine setting, one column group per
    labelled run; "session" is the open session's own memory (session starts only)."""
    labels = list(runs)
    head = "| photo | start | engine | refine | " + " | ".join(
        f"{label}: added at peak (MB) | {label}: session (MB) | {label}: UA memory after (MB) | "
        f"{label}: load" for label in labels) + " |"
    lines = [head, "|---|---|---|---|" + "---:|---:|---:|---:|" * len(labels)]

    def key(row: dict[str, Any]) -> tuple[Any, ...]:
        return (row["megapixels"], row["start"], row.get("engine", "lightweight"), row.get("refine", True))

    for megapixels, start, engine, refine in [key(r) for r in runs[labels[0]]]:
        cells = []
        for label in labels:
            row = next((r for r in runs[label] if key(r) == (megapixels, start, engine, refine)), None)
            cells += [mb(row["added"]), mb(row.get("session")), mb(row["ua_after"]),
                      f"{row['load']:.1f}" if row.get("load") is not None else "-"] if row else ["-"] * 4
        what = "fresh page (session created)" if start == "fresh" else "open session"
        lines.append(f"| {megapixels} MP | {what} | {engine} | {'on' if refine else 'off'} | " +
                     " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="12,24,48", help="megapixels, comma-separated")
    parser.add_argument("--starts", default="fresh,session")
    parser.add_argument("--engine", default="lightweight,precision",
                        help="one engine, or several comma-separated (each session's own memory differs)")
    parser.add_argument("--refine", default="on,off", help="edge refinement: on, off, or both")
    parser.add_argument("--options", default="{}", help="removeBackground's output options (JSON)")
    parser.add_argument("--label", default="now", help="names the results file memory-<label>.json")
    parser.add_argument("--root", default=str(ROOT / "public"), help="the built site to serve")
    parser.add_argument("--canvas-limit", type=int, default=0,
                        help="PNG from one canvas up to this many pixels (default: the app's own)")
    parser.add_argument("--compare", nargs="+", default=[], help="print the table of saved runs")
    args = parser.parse_args()
    if args.compare:
        runs = {Path(p).stem.removeprefix("memory-"): json.loads(Path(p).read_text())["rows"]
                for p in args.compare}
        print(table(runs))
        return 0
    small = benchsite.make_photos()["512"]
    RESULTS.mkdir(parents=True, exist_ok=True)
    rows = []
    server = Server(RESULTS / "memory-server.log", root=Path(args.root))
    try:
        for engine in args.engine.split(","):
            for megapixels in [int(s) for s in args.sizes.split(",")]:
                for start in args.starts.split(","):
                    for refine in args.refine.split(","):
                        rows.append(measure(server.url, engine, megapixels, start, refine == "on", small,
                                            args.canvas_limit, json.loads(args.options)))
    finally:
        server.stop()
    out = RESULTS / f"memory-{args.label}.json"
    out.write_text(json.dumps({"label": args.label, "rows": rows}, indent=1))
    print()
    print(table({args.label: rows}))
    print(f"\nresults: {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
