"""Our own 8-bit ISNet: static, per-channel quantization of the fp16 weights (experiment).

    python bench/quantize.py build [--variant NAME]   # writes bench/.cache/quant/NAME.onnx
    python bench/quantize.py eval --model PATH [--eval ../shared/eval]

The recipe lives in build/isnet_int8.py (the build function, not yet wired): the fp16 model
(the Precision engine's bytes, as the build staged them) widened to float32, cut to its one
`output`, quantized statically with ranges calibrated on scikit-image's sample photos (shipped
with a package we already depend on; never on the eval set).

`eval` scores a model on an eval folder (tests/support/metrics.py: IoU at 0.5, MAE, boundary F;
the page's bilinear upscaling), so variants can be compared with fp16 and uint8.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
for folder in (ROOT / "frontend_py", ROOT / "tests", ROOT / "bench"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

sys.path.insert(0, str(ROOT / "build"))
import isnet_int8  # noqa: E402
from backgrone.core.engines import find_engine  # noqa: E402
from support import bilinear, metrics, reference  # noqa: E402

CACHE = ROOT / "bench" / ".cache" / "quant"


# ---------------------------------------------------------------- variants

VARIANTS: dict[str, dict[str, Any]] = {
    # QDQ, per-channel int8 weights, uint8 activations, MinMax ranges averaged over photos:
    # every op ORT can run in 8 bits (Conv with Relu fused, MaxPool, Concat, Add) stays 8-bit.
    "qdq_pc_avg": {"quant_format": "QDQ", "moving_average": True, "op_types": None},
    # The same with global (not averaged) MinMax ranges.
    "qdq_pc_minmax": {"quant_format": "QDQ", "moving_average": False, "op_types": None},
    # Only the convolutions in 8 bits; everything between them in float.
    "qdq_pc_conv": {"quant_format": "QDQ", "moving_average": True, "op_types": ["Conv"]},
    # Operator format (QLinearConv etc. written out): no Q/DQ fusion left to the runtime.
    "qop_pc_avg": {"quant_format": "QOperator", "moving_average": True, "op_types": None},
}


def build_variant(name: str, photos: int) -> Path:
    target = CACHE / (name + ".onnx")
    began = time.monotonic()
    isnet_int8.build_isnet_static_int8(
        reference.model_bytes("precision"), target, isnet_int8.calibration_photos()[:photos],
        on_photo=lambda done, total: print(f"  calibrating on photo {done}/{total}", flush=True),
        **VARIANTS[name])
    print(f"{name}: {target.stat().st_size:,} bytes in {time.monotonic() - began:.0f} s")
    return target


# ---------------------------------------------------------------- quality on an eval folder


def masks_1024(model_path: Path, images: list[Path]) -> Iterator[tuple[Path, np.ndarray, float]]:
    """Each photo's 8-bit mask at 1024x1024 from this model (cached by model and photo hash)."""
    import onnxruntime as ort  # type: ignore[import-untyped]

    engine = find_engine("precision")
    digest = hashlib.sha256(model_path.read_bytes()).hexdigest()[:16]
    session = None
    for image_path in images:
        photo = hashlib.sha256(image_path.read_bytes()).hexdigest()[:16]
        cached = CACHE / "masks" / digest / f"{image_path.stem}-{photo}.png"
        if cached.exists():
            yield image_path, np.asarray(Image.open(cached)), 0.0
            continue
        if session is None:
            session = ort.InferenceSession(str(model_path), providers=["CPUExecutionProvider"])
        feeds = {engine.input_name: reference.input_tensor(Image.open(image_path), engine)}
        began = time.monotonic()
        raw = session.run([engine.output_name], feeds)[0][0, 0]
        seconds = time.monotonic() - began
        small = reference.alpha8(raw, engine)
        cached.parent.mkdir(parents=True, exist_ok=True)
        Image.fromarray(small).save(cached)
        yield image_path, small, seconds


def evaluate(model_path: Path, eval_dir: Path) -> dict[str, Any]:
    rows = list(csv.DictReader((eval_dir / "manifest.csv").open()))
    images = [eval_dir / row["image"] for row in rows]
    truths = {eval_dir / row["image"]: eval_dir / row["mask"] for row in rows}
    per_image = []
    times = []
    for image_path, small, seconds in masks_1024(model_path, images):
        size = Image.open(image_path).size
        truth = np.asarray(Image.open(truths[image_path]).convert("L"))
        # The page's upscaling (support/bilinear, as bench/quality.py), so numbers compare with its table.
        measured = metrics.scores(bilinear.alpha(small, size[0], size[1]), truth)
        iou, mae, bf = measured["iou"], measured["mae"], measured["bf"]
        per_image.append({"name": image_path.stem, "iou": iou, "mae": mae, "bf": bf})
        if seconds:
            times.append(seconds)
    summary = {
        "model": str(model_path.relative_to(ROOT)) if model_path.is_relative_to(ROOT) else str(model_path),
        "bytes": model_path.stat().st_size,
        "images": len(per_image),
        "iou": float(np.mean([r["iou"] for r in per_image])),
        "mae": float(np.mean([r["mae"] for r in per_image])),
        "bf": float(np.mean([r["bf"] for r in per_image])),
        "native_seconds": float(np.median(times)) if times else None,
        "per_image": per_image,
    }
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build")
    build.add_argument("--variant", default="qdq_pc_avg", choices=sorted(VARIANTS))
    build.add_argument("--photos", type=int, default=22, help="calibration photos to use")
    score = sub.add_parser("eval")
    score.add_argument("--model", required=True,
                       help="an .onnx path, or an engine id (precision, lightweight)")
    score.add_argument("--eval", default=str(ROOT.parent / "shared" / "eval"))
    args = parser.parse_args()
    if args.command == "build":
        build_variant(args.variant, args.photos)
        return 0
    model_path = Path(args.model)
    if not model_path.exists():
        model_path = CACHE / (args.model + ".onnx")
        if not model_path.exists():
            model_path.parent.mkdir(parents=True, exist_ok=True)
            model_path.write_bytes(reference.model_bytes(args.model))
    summary = evaluate(model_path, Path(args.eval))
    out = CACHE / ("eval-" + model_path.stem + ".json")
    out.write_text(json.dumps(summary, indent=1))
    print(f"{model_path.name}: IoU {summary['iou']:.3f}  MAE {summary['mae']:.4f}  BF {summary['bf']:.3f}"
          f"  ({summary['images']} images, native median {summary['native_seconds']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
