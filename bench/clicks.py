"""Corrective clicks (issue 20) by the standard simulated-click protocol, and `confidence`.

Each click goes to the point deepest inside the largest wrong region of the current cutout
(distance transform), "keep" where the truth is subject, "remove" where it is background; every
click so far is passed to core/correct.py, run as the page runs it (transpiled by Transcrypt,
in Node: clicks_node.mjs), on the native mask (bench/quality_native.py, cached) and the photo
at the model's size. Scored at the photo's size through the page's bilinear upscaling. Beside
it, the ideal correction: each click fixes exactly the connected wrong region it lands in.
Sets: the eval photos and the composites (bench/composites.py: tune half, held-back half).
Also the Spearman rank correlation of core/confidence.py with the automatic cutout's IoU.

Usage: .venv/bin/python bench/clicks.py [--engines precision lightweight] [--sets photos held tune]
                                        [--clicks 10]
Results: bench/results/clicks.json; tables on stdout.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import re
import subprocess
import sys
import tempfile
from array import array
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image
from scipy import ndimage  # type: ignore[import-untyped]
from scipy.stats import spearmanr  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parents[1]
for folder in (ROOT / "frontend_py", ROOT / "tests", ROOT / "bench", ROOT / "build"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

import composites  # noqa: E402
import quality  # noqa: E402
import quality_native  # noqa: E402
from backgrone.core.confidence import confidence  # noqa: E402
from support import bilinear, metrics  # noqa: E402

RESULTS = ROOT / "bench" / "results"
SIDE = 1024
CAP = 10
SHOWN = (0, 1, 3, 5)
MAX_DROP = 0.01


class Corrector:
    """core/correct.py transpiled and run by Node, one request a line."""

    def __init__(self, settings: list[str]) -> None:
        from transpile import run_transcrypt

        self.folder = Path(tempfile.mkdtemp(prefix="clicks-"))
        run_transcrypt(ROOT / "bench" / "clicks_entry.py", self.folder, ["-xp", str(ROOT / "frontend_py")])
        # --set NAME=VALUE: a parameter of core/correct.py changed in the compiled copy (tuning).
        module = self.folder / "backgrone.core.correct.js"
        text = module.read_text()
        for setting in settings:
            name, value = setting.split("=")
            text, found = re.subn(rf"^export var {name} = [^;]*;", f"export var {name} = {float(value)};",
                                  text, flags=re.M)
            assert found == 1, name
        module.write_text(text)
        self.node = subprocess.Popen(["node", str(ROOT / "bench" / "clicks_node.mjs"), str(self.folder)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.input = self.folder / "in.bin"
        self.output = self.folder / "out.bin"

    def load(self, mask: np.ndarray, rgba: np.ndarray) -> None:
        self.input.write_bytes(mask.tobytes() + rgba.tobytes())

    def correct(self, clicks: list[tuple[float, float, bool]]) -> tuple[np.ndarray, float]:
        assert self.node.stdin and self.node.stdout
        request = {"input": str(self.input), "output": str(self.output), "side": SIDE,
                   "clicks": [[x, y, keep] for x, y, keep in clicks]}
        self.node.stdin.write(json.dumps(request) + "\n")
        self.node.stdin.flush()
        answer = json.loads(self.node.stdout.readline())
        out = np.frombuffer(self.output.read_bytes(), dtype=np.uint8).reshape(SIDE, SIDE)
        return out, float(answer["ms"])


def next_click(pred: np.ndarray, truth: np.ndarray) -> tuple[int, int, bool] | None:
    """The deepest point of the largest wrong region (x, y, keep), or None when all is right."""
    fg = truth >= 128
    ours = pred >= 128
    best: tuple[float, np.ndarray, bool] | None = None
    for wrong, keep in ((fg & ~ours, True), (~fg & ours, False)):
        labels, n = ndimage.label(wrong)
        if n == 0:
            continue
        sizes = ndimage.sum(wrong, labels, range(1, n + 1))
        k = int(np.argmax(sizes))
        if best is None or sizes[k] > best[0]:
            best = (float(sizes[k]), labels == k + 1, keep)
    if best is None:
        return None
    depth = ndimage.distance_transform_edt(np.pad(best[1], 1))[1:-1, 1:-1]
    y, x = np.unravel_index(int(np.argmax(depth)), depth.shape)
    return int(x), int(y), best[2]


def ideal_fix(pred: np.ndarray, truth: np.ndarray, click: tuple[int, int, bool]) -> np.ndarray:
    fg = truth >= 128
    labels, _ = ndimage.label((pred >= 128) != fg)
    region = labels == labels[click[1], click[0]]
    out = pred.copy()
    out[region] = np.where(fg[region], 255, 0)
    return out


def ideal_run(mask: np.ndarray, truth: np.ndarray) -> list[float]:
    height, width = truth.shape
    pred = bilinear.alpha(mask, width, height)
    ious = [metrics.iou(pred, truth)]
    for _ in range(CAP):
        click = next_click(pred, truth)
        if click is not None:
            pred = ideal_fix(pred, truth, click)
        ious.append(metrics.iou(pred, truth))
    return ious


def clicked_run(corrector: Corrector, mask: np.ndarray, rgb: np.ndarray,
                truth: np.ndarray) -> tuple[list[float], list[float]]:
    """IoU after 0..CAP clicks through core/correct.py, and each correction's time (ms)."""
    height, width = truth.shape
    small = np.asarray(Image.fromarray(rgb).resize((SIDE, SIDE), Image.Resampling.BICUBIC))
    rgba = np.concatenate([small, np.full((SIDE, SIDE, 1), 255, np.uint8)], axis=2)
    corrector.load(np.ascontiguousarray(mask), np.ascontiguousarray(rgba))
    pred = bilinear.alpha(mask, width, height)
    ious = [metrics.iou(pred, truth)]
    clicks: list[tuple[float, float, bool]] = []
    times = []
    for _ in range(CAP):
        click = next_click(pred, truth)
        if click is None:
            ious.append(ious[-1])
            continue
        # The photo's pixel centre onto the mask's grid, as the worker maps a hint.
        clicks.append(((click[0] + 0.5) * SIDE / width, (click[1] + 0.5) * SIDE / height, click[2]))
        corrected, ms = corrector.correct(clicks)
        times.append(ms)
        pred = bilinear.alpha(corrected, width, height)
        ious.append(metrics.iou(pred, truth))
    return ious, times


Item = tuple[str, str, np.ndarray, np.ndarray, np.ndarray]  # name, source, photo, truth, mask


def items(eval_dir: Path, which: str, engine: str) -> Iterator[Item]:
    digest = quality_native.model_digest(engine)
    if which == "photos":
        for item in csv.DictReader((eval_dir / "manifest.csv").open()):
            rgb = np.asarray(Image.open(eval_dir / item["image"]).convert("RGB"))
            truth = np.asarray(Image.open(eval_dir / item["mask"]).convert("L"))
            mask = quality_native.mask_of(engine, rgb, item["name"], digest)
            yield item["name"], item["source"], rgb, truth, mask
        return
    for made in composites.composites(eval_dir, which):
        mask = quality_native.mask_of(engine, made.rgb, made.name, digest)
        yield made.name, made.source, made.rgb, made.truth, mask


def noc(ious: list[float], target: float) -> int:
    for k, value in enumerate(ious):
        if value >= target:
            return k
    return CAP


def summary(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for name, members in quality.by_source(rows).items():
        entry: dict[str, Any] = {"n": len(members)}
        for kind in ("ours", "ideal"):
            series = np.array([m[kind] for m in members])
            entry[kind] = {f"iou{k}": float(series[:, k].mean()) for k in SHOWN}
            entry[kind]["noc90"] = float(np.mean([noc(list(s), 0.90) for s in series]))
            entry[kind]["noc95"] = float(np.mean([noc(list(s), 0.95) for s in series]))
        drops = [float(np.min(np.diff(m["ours"]))) for m in members]
        entry["worst_drop"] = min(0.0, min(drops))
        entry["dropping"] = sum(1 for d in drops if d < -MAX_DROP)
        out[name] = entry
    return out


def share_of_ideal(entry: dict[str, Any], k: int) -> float:
    ideal = entry["ideal"][f"iou{k}"] - entry["ideal"]["iou0"]
    ours = entry["ours"][f"iou{k}"] - entry["ours"]["iou0"]
    return ours / ideal if ideal > 0 else 1.0


def print_table(title: str, table: dict[str, dict[str, Any]]) -> None:
    print(f"\n{title}: IoU after 0/1/3/5 clicks, NoC@90, NoC@95 (cap {CAP}); ours | ideal correction")
    print(f"{'source':14s} {'n':>3s} | {'ours 0 / 1 / 3 / 5':^31s} {'NoC90':>5s} {'NoC95':>5s} | "
          f"{'ideal 1 / 3 / 5':^23s} {'NoC90':>5s} {'NoC95':>5s} | share@1 share@3 | worst drop (n>0.01)")
    for name, e in table.items():
        o, i = e["ours"], e["ideal"]
        print(f"{name:14s} {e['n']:3d} | " + " / ".join(f"{o[f'iou{k}']:.4f}" for k in SHOWN)
              + f" {o['noc90']:5.2f} {o['noc95']:5.2f} | "
              + " / ".join(f"{i[f'iou{k}']:.4f}" for k in SHOWN[1:])
              + f" {i['noc90']:5.2f} {i['noc95']:5.2f} | "
              f"{share_of_ideal(e, 1):6.0%}  {share_of_ideal(e, 3):6.0%} | "
              f"{e['worst_drop']:+.4f} ({e['dropping']})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--eval", type=Path, default=Path(os.environ.get("BENCH_EVAL", quality.DEFAULT_EVAL)))
    parser.add_argument("--engines", nargs="+", default=quality.ISNET_ENGINES)
    parser.add_argument("--sets", nargs="+", default=["photos", "held", "tune"])
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="a core/correct.py parameter changed for this run (tuning)")
    parser.add_argument("--out", default="clicks.json")
    args = parser.parse_args()
    if not (args.eval / "manifest.csv").exists():
        print(f"clicks: no eval folder at {args.eval}; skipped")
        return
    corrector = Corrector(args.set)
    results: dict[str, Any] = {}
    for engine in args.engines:
        for which in args.sets:
            rows: list[dict[str, Any]] = []
            times: list[float] = []
            for name, source, rgb, truth, mask in items(args.eval, which, engine):
                ours, spent = clicked_run(corrector, mask, rgb, truth)
                times += spent
                rows.append({"name": name, "source": source, "ours": ours, "ideal": ideal_run(mask, truth),
                             "confidence": confidence(array("B", mask.tobytes()), SIDE,
                                                      bytearray(SIDE * SIDE))})
            table = summary(rows)
            rho = float(spearmanr([r["confidence"] for r in rows], [r["ours"][0] for r in rows])[0])
            label = f"{engine}, {which}"
            print_table(label, table)
            print(f"confidence vs IoU (Spearman): {rho:.3f}; correction in Node: median "
                  f"{np.median(times):.0f} ms, max {np.max(times):.0f} ms over {len(times)}")
            results[label] = {"table": table, "spearman": rho, "correction_ms": times, "rows": rows}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / args.out).write_text(json.dumps(results, indent=1))
    print(f"\nwritten: {RESULTS / args.out}")


if __name__ == "__main__":
    main()
