"""A lever to weigh (issue 16, item 6): a mirrored second pass. The model also runs on the photo
flipped left to right, its mask is flipped back, and the two masks are fused by a rule fixed in
advance (not chosen per photo): the plain mean, or per pixel the more confident of the two (the
value farther from 1/2). Scored natively, unrefined, on both halves of the eval photos (in
manifest order) and of the held-back composites; the rule would ship only if it gains on all
four halves.

Usage: .venv/bin/python bench/quality_mirror.py [--eval DIR] [--engines precision] [--halves ...]
Writes bench/results/quality-mirror.json. Costs a second inference per photo (cached).
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
for folder in (ROOT / "frontend_py", ROOT / "tests", ROOT / "bench"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

import composites  # noqa: E402
import quality  # noqa: E402
import quality_native  # noqa: E402
from support import bilinear, metrics  # noqa: E402


def fused(first: np.ndarray, second: np.ndarray, rule: str) -> np.ndarray:
    a = first.astype(np.float64)
    b = second.astype(np.float64)
    if rule == "mean":
        value = (a + b) / 2
    else:  # "confident": the pass farther from the threshold
        value = np.where(np.abs(a - 127.5) >= np.abs(b - 127.5), a, b)
    out: np.ndarray = np.floor(value + 0.5).astype(np.uint8)
    return out


RULES = ("single", "mean", "confident")


def score_all(mask: np.ndarray, mirrored: np.ndarray, rgb: np.ndarray, truth: np.ndarray,
              foreground: np.ndarray, colour: tuple[int, int, int]) -> dict[str, dict[str, float]]:
    height, width = truth.shape
    cutouts = {}
    for rule in RULES:
        fused_mask = mask if rule == "single" else fused(mask, mirrored, rule)
        alpha = bilinear.alpha(fused_mask, width, height)
        cutouts[rule] = np.concatenate([rgb, alpha[..., None]], axis=2)
    band = metrics.edge_band([cutout[..., 3] for cutout in cutouts.values()], truth)
    out = {}
    for rule, cutout in cutouts.items():
        entry = metrics.scores(cutout[..., 3], truth)
        entry["colour"] = metrics.edge_colour_error(cutout, truth, foreground, colour, band)
        out[rule] = entry
    return out


HALVES = ("photos-1", "photos-2", "held-1", "held-2")


def rows_for(eval_dir: Path, engine: str, half: str) -> list[dict[str, Any]]:
    """One half: the eval photos in manifest order, or the held-back composites in seed order."""
    digest = quality_native.model_digest(engine)
    rows = []
    if half.startswith("photos"):
        items = list(csv.DictReader((eval_dir / "manifest.csv").open()))
        middle = len(items) // 2
        for item in items[:middle] if half == "photos-1" else items[middle:]:
            rgb = np.asarray(Image.open(eval_dir / item["image"]).convert("RGB"))
            truth = np.asarray(Image.open(eval_dir / item["mask"]).convert("L"))
            one = quality_native.mask_of(engine, rgb, item["name"], digest)
            two = quality_native.mask_of(engine, rgb, item["name"], digest, mirrored=True)
            rows.append({"name": item["name"], "source": item["source"],
                         **score_all(one, two, rgb, truth, rgb, quality.flat_colour(item["name"]))})
        return rows
    held = list(composites.composites(eval_dir, "held"))
    middle = len(held) // 2
    for made in held[:middle] if half == "held-1" else held[middle:]:
        one = quality_native.mask_of(engine, made.rgb, made.name, digest)
        two = quality_native.mask_of(engine, made.rgb, made.name, digest, mirrored=True)
        rows.append({"name": made.name, "source": made.source,
                     **score_all(one, two, made.rgb, made.truth, made.foreground, made.colour)})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval", type=Path, default=Path(os.environ.get("BENCH_EVAL", quality.DEFAULT_EVAL)))
    parser.add_argument("--engines", nargs="*", default=["precision"], choices=quality.ISNET_ENGINES)
    parser.add_argument("--halves", nargs="+", default=list(HALVES), choices=HALVES)
    args = parser.parse_args(argv)
    if not (args.eval / "manifest.csv").exists():
        print(f"quality_mirror: no eval set at {args.eval}; skipped")
        return 0
    report: dict[str, Any] = {}
    for engine in args.engines:
        report[engine] = {}
        print(f"\n{engine}, unrefined: single pass -> mean of two -> more confident of two")
        for label in args.halves:
            rows = rows_for(args.eval, engine, label)
            means = {rule: {k: float(np.mean([r[rule][k] for r in rows])) for k in quality.MEASURES}
                     for rule in RULES}
            report[engine][label] = {"n": len(rows), "means": means, "images": rows}
            cells = [" -> ".join(f"{means[rule][k]:.4f}" for rule in RULES) for k in ("iou", "bf", "mae")]
            colour = " -> ".join(f"{means[rule]['colour']:.2f}" for rule in RULES)
            print(f"{label:9s} n={len(rows):2d} | IoU {cells[0]} | BF {cells[1]} | MAE {cells[2]} "
                  f"| colour {colour}")
            worst = min(rows, key=lambda r: r["mean"]["iou"] - r["single"]["iou"])
            print(f"{'':9s} largest IoU loss (mean): {worst['name']} "
                  f"{worst['single']['iou']:.3f} -> {worst['mean']['iou']:.3f}")
    out = quality.RESULTS / "quality-mirror.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1))
    print(f"\nwritten: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
