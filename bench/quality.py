"""Edge refinement against ground truth, on the eval photos and on composites made from them.

For each ISNet engine, the native mask (bench/quality_native.py) of every photo in the eval set
and of the held-back composites (bench/composites.py: at their own size and at 12 MP), cut out
unrefined (the page's bilinear upscaling, the photo's colours) and refined (core/refine.py, run
as its bit-identical numpy port bench/quality_refine.py), scored with tests/support/metrics.py:
IoU, MAE, boundary F and the edge colour error (the cutout and the truth laid over a new flat
colour, compared where either alpha is fractional). For the eval photos the true foreground
colour is the photo's own; for a composite it is the foreground photo's.

Usage: .venv/bin/python bench/quality.py [--eval DIR] [--engines precision lightweight]
                                         [--sets photos composites composites-12mp] [--half held|tune]
The eval folder defaults to $BENCH_EVAL, else ../shared/eval beside the repository; without it
the script says so and exits 0. Masks are cached under bench/results/masks (git-ignored);
results go to bench/results/quality.json.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
for folder in (ROOT / "frontend_py", ROOT / "tests", ROOT / "bench"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

import composites  # noqa: E402
import quality_native  # noqa: E402
import quality_refine  # noqa: E402
from support import bilinear, metrics  # noqa: E402

RESULTS = ROOT / "bench" / "results"
DEFAULT_EVAL = ROOT.parent / "shared" / "eval"
ISNET_ENGINES = ["precision", "lightweight"]
MEASURES = ("iou", "mae", "bf", "colour")
# Issue 16's rule for refinement on by default, against the unrefined cutout, on every set and
# for both engines: MAE no higher, IoU at most 0.002 lower, boundary F at least 0.01 higher,
# edge colour error at least 10 % lower.
MAX_IOU_LOSS = 0.002
MIN_BF_GAIN = 0.01
MIN_COLOUR_CUT = 0.10


# The cutouts compared: "on" is the page's refinement; "alpha" and "colour" are its two parts
# alone (alpha filtering with the photo's colours; the unrefined alpha with the estimated
# foreground colours).
VARIANTS: tuple[str, ...] = ("off", "on", "alpha", "colour")


def cutouts(mask: np.ndarray, rgb: np.ndarray) -> dict[str, np.ndarray]:
    height, width = rgb.shape[:2]
    plain = bilinear.alpha(mask, width, height)
    refined = quality_refine.refined_cutout(mask, rgb)
    made = {"off": np.concatenate([rgb, plain[..., None]], axis=2), "on": refined}
    if "alpha" in VARIANTS:
        made["alpha"] = refined.copy()
        made["alpha"][..., :3] = rgb
    if "colour" in VARIANTS:
        made["colour"] = quality_refine.decontaminated_cutout(mask, rgb, plain)
    return made


def scored(mask: np.ndarray, rgb: np.ndarray, truth: np.ndarray, foreground: np.ndarray,
           colour: tuple[int, int, int]) -> dict[str, dict[str, float]]:
    """Every variant's scores; the edge colour error over one band for all (metrics.edge_band)."""
    made = cutouts(mask, rgb)
    band = metrics.edge_band([cutout[..., 3] for cutout in made.values()], truth)
    out = {}
    for name, cutout in made.items():
        entry = metrics.scores(cutout[..., 3], truth)
        entry["colour"] = metrics.edge_colour_error(cutout, truth, foreground, colour, band)
        out[name] = entry
    return out


def flat_colour(name: str) -> tuple[int, int, int]:
    """The new flat colour an eval photo is laid over: seeded by its name."""
    rng = np.random.default_rng(zlib.crc32(name.encode()) + composites.SEED)
    return int(rng.integers(0, 256)), int(rng.integers(0, 256)), int(rng.integers(0, 256))


def photo_rows(eval_dir: Path, engine: str, digest: str) -> Iterator[dict[str, Any]]:
    for item in csv.DictReader((eval_dir / "manifest.csv").open()):
        rgb = np.asarray(Image.open(eval_dir / item["image"]).convert("RGB"))
        truth = np.asarray(Image.open(eval_dir / item["mask"]).convert("L"))
        mask = quality_native.mask_of(engine, rgb, item["name"], digest)
        yield {"name": item["name"], "source": item["source"],
               **scored(mask, rgb, truth, rgb, flat_colour(item["name"]))}


def composite_rows(eval_dir: Path, engine: str, digest: str, half: str, twelve_mp: bool,
                   limit: int = 0) -> Iterator[dict[str, Any]]:
    for k, made in enumerate(composites.composites(eval_dir, half, twelve_mp)):
        if limit and k >= limit:
            return
        name = made.name + ("@12mp" if twelve_mp else "")
        mask = quality_native.mask_of(engine, made.rgb, name, digest)
        row = {"name": name, "source": made.source,
               **scored(mask, made.rgb, made.truth, made.foreground, made.colour)}
        if twelve_mp:  # slow enough to show each as it comes
            print(f"  {engine} {name}: " + ", ".join(
                f"{v} IoU {row[v]['iou']:.4f} MAE {row[v]['mae']:.4f} BF {row[v]['bf']:.4f} "
                f"colour {row[v]['colour']:.2f}" for v in VARIANTS), flush=True)
        yield row


def by_source(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The rows as a whole ("ALL") and grouped by their photo's source."""
    groups: dict[str, list[dict[str, Any]]] = {"ALL": rows}
    for row in rows:
        groups.setdefault(row["source"], []).append(row)
    return groups


def summarise(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for name, members in by_source(rows).items():
        entry: dict[str, Any] = {"n": len(members)}
        for variant in VARIANTS:
            entry[variant] = {k: float(np.mean([m[variant][k] for m in members])) for k in MEASURES}
        out[name] = entry
    return out


def verdict(summary: dict[str, dict[str, Any]], variant: str) -> dict[str, Any]:
    """Issue 16's rule for one variant against the unrefined cutout, over a whole set."""
    before, after = summary["ALL"]["off"], summary["ALL"][variant]
    checks: dict[str, Any] = {
        "iou_change": after["iou"] - before["iou"],
        "mae_change": after["mae"] - before["mae"],
        "bf_gain": after["bf"] - before["bf"],
        "colour_cut": 1.0 - after["colour"] / before["colour"] if before["colour"] else 0.0,
    }
    checks["iou_ok"] = checks["iou_change"] >= -MAX_IOU_LOSS
    checks["mae_ok"] = checks["mae_change"] <= 0.0
    checks["bf_ok"] = checks["bf_gain"] >= MIN_BF_GAIN
    checks["colour_ok"] = checks["colour_cut"] >= MIN_COLOUR_CUT
    checks["passes"] = all(checks[k] for k in ("iou_ok", "mae_ok", "bf_ok", "colour_ok"))
    return checks


def print_table(title: str, summary: dict[str, dict[str, Any]]) -> None:
    variants = list(VARIANTS)
    print(f"\n{title} (mean over images; {' -> '.join(variants)})")
    print(f"{'source':14s} {'n':>3s} | {'IoU':^{8 * len(variants)}s} | {'MAE':^{8 * len(variants)}s} | "
          f"{'boundary F':^{8 * len(variants)}s} | {'edge colour error':^{8 * len(variants)}s}")
    for name, entry in summary.items():
        cells = []
        for k, form in (("iou", "{:.4f}"), ("mae", "{:.4f}"), ("bf", "{:.4f}"), ("colour", "{:6.2f}")):
            cells.append(" -> ".join(form.format(entry[v][k]) for v in variants))
        print(f"{name:14s} {entry['n']:3d} | " + " | ".join(cells))
    for variant in variants[1:]:
        c = verdict(summary, variant)

        def met(ok: bool) -> str:
            return "ok" if ok else "NOT met"

        print(f"{variant}: IoU {c['iou_change']:+.4f} ({met(c['iou_ok'])}), MAE {c['mae_change']:+.4f} "
              f"({met(c['mae_ok'])}), boundary F {c['bf_gain']:+.4f} ({met(c['bf_ok'])}), edge colour "
              f"error {-c['colour_cut']:+.1%} ({met(c['colour_ok'])})")


SETS = ("photos", "composites", "composites-12mp")


def evaluate(eval_dir: Path, engine: str, chosen: list[str], half: str, limit: int = 0) -> dict[str, Any]:
    digest = quality_native.model_digest(engine)
    sets: dict[str, Iterator[dict[str, Any]]] = {}
    if "photos" in chosen:
        sets["photos"] = photo_rows(eval_dir, engine, digest)
    if "composites" in chosen:
        sets[f"composites ({half})"] = composite_rows(eval_dir, engine, digest, half, False)
    if "composites-12mp" in chosen:
        sets[f"composites ({half}, 12 MP)"] = composite_rows(eval_dir, engine, digest, half, True, limit)
    out: dict[str, Any] = {}
    for label, rows_of in sets.items():
        began = time.perf_counter()
        rows = list(rows_of)
        summary = summarise(rows)
        print_table(f"{engine}, {label}", summary)
        out[label] = {"summary": summary, "images": rows, "seconds": time.perf_counter() - began,
                      "verdicts": {v: verdict(summary, v) for v in list(VARIANTS)[1:]}}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval", type=Path, default=Path(os.environ.get("BENCH_EVAL", DEFAULT_EVAL)),
                        help="eval folder with manifest.csv (default $BENCH_EVAL or ../shared/eval)")
    parser.add_argument("--engines", nargs="*", default=ISNET_ENGINES, choices=ISNET_ENGINES,
                        help="ISNet engines to score (default: both)")
    parser.add_argument("--sets", nargs="+", default=list(SETS), choices=SETS,
                        help="what to score (default: the photos and the composites at both sizes)")
    parser.add_argument("--half", default="held", choices=["held", "tune"],
                        help="which half of the composites (default: the held-back one)")
    parser.add_argument("--limit", type=int, default=0,
                        help="score only the first N composites at 12 MP (each takes seconds of CPU)")
    parser.add_argument("--no-parts", action="store_true",
                        help="refinement off and on only, not its two parts alone")
    parser.add_argument("--out", type=Path, default=RESULTS / "quality.json")
    args = parser.parse_args(argv)
    global VARIANTS
    if args.no_parts:
        VARIANTS = ("off", "on")
    if not (args.eval / "manifest.csv").exists():
        print(f"quality: no eval set at {args.eval} (set --eval or $BENCH_EVAL); skipped")
        return 0
    if not args.engines:
        print("quality: no ISNet engine to score; skipped")
        return 0
    from backgrone.core import refine

    report: dict[str, Any] = {
        "eval": str(args.eval), "composites": {"seed": composites.SEED, "count": composites.COUNT},
        "parameters": {
            "radius_mask_pixels": refine.RADIUS_MASK_PIXELS, "epsilon": refine.EPSILON,
            "gain": refine.GAIN, "work_side": refine.WORK_SIDE,
            "colour_radius_factor": refine.COLOUR_RADIUS_FACTOR,
        },
        "engines": {},
    }
    for engine in args.engines:
        report["engines"][engine] = evaluate(args.eval, engine, args.sets, args.half, args.limit)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1))
    print(f"\nwritten: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
