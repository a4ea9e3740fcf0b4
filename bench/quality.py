"""Edge refinement against ground truth: for each ISNet engine, the native mask of every photo
in the eval set, unrefined (the page's bilinear upscaling) and refined (core/refine.py, run as
its bit-identical numpy port), scored by mean IoU, MAE and boundary F, overall and per source.

Usage: .venv/bin/python bench/quality.py [--eval DIR] [--engines precision lightweight]
The eval folder defaults to $BENCH_EVAL, else ../shared/eval beside the repository; without it
the script says so and exits 0. Masks are cached under bench/results/masks (git-ignored);
results go to bench/results/quality.json.

Metrics (per image, then averaged): the masks are thresholded at 1/2 (alpha >= 128 and
GT >= 128). IoU of the two; MAE = mean |alpha - GT| / 255 on the soft values; boundary F =
F1 of boundary pixels (skimage find_boundaries, mode "inner") matched within
ceil(0.005 * diagonal) pixels (Euclidean), as in the eval set's baseline_native.txt.

Beside the two, an upper bound for any edge refinement: the unrefined mask with the ground
truth pasted within 1 and within 2 photo pixels of its boundary (a perfect refinement of that
reach). What refinement can gain is what that bound gains; the rest of the boundary F gap
lies farther from the model's boundary (missed or invented parts), out of a refinement's reach.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "frontend_py"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from backgrone.core.geometry import bilinear_axis  # noqa: E402
import quality_native  # noqa: E402
import quality_refine  # noqa: E402

RESULTS = ROOT / "bench" / "results"
DEFAULT_EVAL = ROOT.parent / "shared" / "eval"
ISNET_ENGINES = ["precision", "lightweight"]
# What the issue asks of the refinement, per engine, over the whole set.
MIN_BF_GAIN = 0.03
MAX_IOU_LOSS = 0.002
# Reaches (photo pixels from the unrefined mask's boundary) of the perfect-refinement bounds.
BOUND_REACHES = (1, 2)
VARIANTS = ["unrefined", "refined"] + [f"bound_{reach}px" for reach in BOUND_REACHES]


def unrefined_alpha(mask: np.ndarray, width: int, height: int) -> np.ndarray:
    """core/mask.apply_alpha on an opaque photo: bilinear, half-pixel centres, rounded."""
    side = mask.shape[0]
    cols = bilinear_axis(side, width)
    rows = bilinear_axis(side, height)
    m = mask.astype(np.float64)
    cl, ch, cf = np.array(cols.lo), np.array(cols.hi), np.array(cols.frac)
    rl, rh, rf = np.array(rows.lo), np.array(rows.hi), np.array(rows.frac)
    upper = m[rl][:, cl] + (m[rl][:, ch] - m[rl][:, cl]) * cf
    lower = m[rh][:, cl] + (m[rh][:, ch] - m[rh][:, cl]) * cf
    value = upper + (lower - upper) * rf[:, None]
    alpha: np.ndarray = np.floor(value * 255.0 / 255.0 + 0.5).astype(np.uint8)
    return alpha


def bounded(alpha: np.ndarray, truth: np.ndarray, reach: int) -> np.ndarray:
    """The mask with the ground truth pasted within `reach` pixels of its boundary."""
    from scipy import ndimage
    from skimage.segmentation import find_boundaries

    edge = find_boundaries(alpha >= 128, mode="thick")  # type: ignore[no-untyped-call]
    near = ndimage.distance_transform_edt(~edge) <= reach
    out: np.ndarray = np.where(near, truth, alpha).astype(np.uint8)
    return out


def scores(alpha: np.ndarray, truth: np.ndarray) -> dict[str, float]:
    from scipy import ndimage
    from skimage.segmentation import find_boundaries

    height, width = truth.shape
    tolerance = int(np.ceil(0.005 * np.hypot(width, height)))
    ours = alpha >= 128
    theirs = truth >= 128
    union = np.logical_or(ours, theirs).sum()
    iou = float(np.logical_and(ours, theirs).sum() / union) if union else 1.0
    mae = float(np.abs(alpha.astype(np.float64) - truth.astype(np.float64)).mean() / 255.0)
    edge_ours = find_boundaries(ours, mode="inner")  # type: ignore[no-untyped-call]
    edge_theirs = find_boundaries(theirs, mode="inner")  # type: ignore[no-untyped-call]
    if not edge_ours.any() or not edge_theirs.any():
        bf = 1.0 if edge_ours.any() == edge_theirs.any() else 0.0
    else:
        to_theirs = ndimage.distance_transform_edt(~edge_theirs)
        to_ours = ndimage.distance_transform_edt(~edge_ours)
        precision = float((to_theirs[edge_ours] <= tolerance).mean())
        recall = float((to_ours[edge_theirs] <= tolerance).mean())
        bf = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"iou": iou, "mae": mae, "bf": bf}


def summarise(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[dict[str, Any]]] = {"ALL": rows}
    for row in rows:
        groups.setdefault(row["source"], []).append(row)
    out: dict[str, dict[str, Any]] = {}
    for name, members in groups.items():
        entry: dict[str, Any] = {"n": len(members)}
        for variant in VARIANTS:
            entry[variant] = {k: float(np.mean([m[variant][k] for m in members]))
                              for k in ("iou", "mae", "bf")}
        out[name] = entry
    return out


def verdict(summary: dict[str, dict[str, Any]]) -> dict[str, Any]:
    before, after = summary["ALL"]["unrefined"], summary["ALL"]["refined"]
    checks = {
        "bf_gain": after["bf"] - before["bf"],
        "iou_change": after["iou"] - before["iou"],
        "mae_change": after["mae"] - before["mae"],
    }
    checks["bf_ok"] = checks["bf_gain"] >= MIN_BF_GAIN
    checks["iou_ok"] = checks["iou_change"] >= -MAX_IOU_LOSS
    checks["mae_ok"] = checks["mae_change"] <= 0.0
    return checks


def print_table(engine: str, summary: dict[str, dict[str, Any]], checks: dict[str, Any]) -> None:
    print(f"\n{engine}: unrefined -> refined (mean over images)")
    bounds = " ".join(f"{'<=' + str(reach) + 'px':>7s}" for reach in BOUND_REACHES)
    print(f"{'source':14s} {'n':>3s} | {'IoU':>15s} | {'MAE':>17s} | {'boundary F':>15s} | dBF     | "
          f"dBF bound {bounds}")
    for name, entry in summary.items():
        b, a = entry["unrefined"], entry["refined"]
        gains = " ".join(f"{entry[f'bound_{reach}px']['bf'] - b['bf']:+7.4f}" for reach in BOUND_REACHES)
        print(f"{name:14s} {entry['n']:3d} | {b['iou']:.4f} -> {a['iou']:.4f} | "
              f"{b['mae']:.4f} -> {a['mae']:.4f} | {b['bf']:.4f} -> {a['bf']:.4f} | "
              f"{a['bf'] - b['bf']:+.4f} |           {gains}")
    def met(ok: bool) -> str:
        return "met" if ok else "NOT met"

    print(f"boundary F {checks['bf_gain']:+.4f} (goal >= +{MIN_BF_GAIN}: {met(checks['bf_ok'])}), "
          f"IoU {checks['iou_change']:+.4f} (goal >= -{MAX_IOU_LOSS}: {met(checks['iou_ok'])}), "
          f"MAE {checks['mae_change']:+.4f} (goal <= 0: {met(checks['mae_ok'])})")


def evaluate(eval_dir: Path, engine: str) -> dict[str, Any]:
    manifest = list(csv.DictReader((eval_dir / "manifest.csv").open()))
    digest = quality_native.model_digest(engine)
    rows = []
    refine_seconds = 0.0
    for item in manifest:
        image_path = eval_dir / item["image"]
        rgb = np.asarray(Image.open(image_path).convert("RGB"))
        truth = np.asarray(Image.open(eval_dir / item["mask"]).convert("L"))
        mask = quality_native.mask_1024(engine, image_path, digest)
        height, width = truth.shape
        began = time.perf_counter()
        refined = quality_refine.refined_alpha(mask, rgb)
        refine_seconds += time.perf_counter() - began
        plain = unrefined_alpha(mask, width, height)
        row = {
            "name": item["name"], "source": item["source"],
            "unrefined": scores(plain, truth),
            "refined": scores(refined, truth),
        }
        for reach in BOUND_REACHES:
            row[f"bound_{reach}px"] = scores(bounded(plain, truth, reach), truth)
        rows.append(row)
    summary = summarise(rows)
    checks = verdict(summary)
    print_table(engine, summary, checks)
    return {"summary": summary, "checks": checks, "images": rows,
            "numpy_refine_seconds_per_image": refine_seconds / max(len(rows), 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval", type=Path, default=Path(os.environ.get("BENCH_EVAL", DEFAULT_EVAL)),
                        help="eval folder with manifest.csv (default $BENCH_EVAL or ../shared/eval)")
    parser.add_argument("--engines", nargs="*", default=ISNET_ENGINES, choices=ISNET_ENGINES,
                        help="ISNet engines to score (default: both)")
    parser.add_argument("--out", type=Path, default=RESULTS / "quality.json")
    args = parser.parse_args(argv)
    if not (args.eval / "manifest.csv").exists():
        print(f"quality: no eval set at {args.eval} (set --eval or $BENCH_EVAL); skipped")
        return 0
    if not args.engines:
        print("quality: no ISNet engine to score; skipped")
        return 0
    from backgrone.core import refine

    report: dict[str, Any] = {
        "eval": str(args.eval),
        "parameters": {
            "radius_mask_pixels": refine.RADIUS_MASK_PIXELS, "epsilon": refine.EPSILON,
            "gain": refine.GAIN, "work_side": refine.WORK_SIDE,
            "colour_radius_factor": refine.COLOUR_RADIUS_FACTOR,
        },
        "engines": {},
    }
    for engine in args.engines:
        report["engines"][engine] = evaluate(args.eval, engine)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1))
    print(f"\nwritten: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
