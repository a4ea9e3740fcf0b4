"""Our own 8-bit ISNet, made at build time from the fp16 weights: the Lightweight engine.

The Lightweight model in the weights package is a dynamic uint8 quantization
(DynamicQuantizeLinear + ConvInteger); it loses clearly against fp16 on real photos. This
module makes a static one instead: the fp16 graph widened to float32, cut to its single
`output` (ISNet's eleven side outputs are dead weight for us), and quantized by
onnxruntime.quantization as QDQ with per-channel int8 weights and uint8 activations whose
ranges are MinMax, averaged over photos that scikit-image ships (never the eval set). The
mask's own last convolution, resize and sigmoid stay float.

Measured (bench/quantize.py, bench/micro.py; numbers in the bench note): quality within 0.01
IoU / 0.02 boundary F of fp16, and less CPU per inference in Chromium than the shipped uint8.

build/build.py calls `build_isnet_static_int8(fp16_bytes, target)` for engines whose recipe
is RECIPE_STATIC_INT8; it takes minutes of CPU (calibration runs the float model on every
photo), so the build caches the result by the fp16 model's sha256 and this module's VERSION.
"""
from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import onnx
from onnx import TensorProto, numpy_helper
from PIL import Image

# Bump when the recipe changes, so that a cached model is rebuilt.
VERSION = 1
INPUT_SIDE = 1024
# The engines' ISNet normalisation: p / 256 - 0.5 on each RGB channel.
SCALE = 1.0 / 256.0
OFFSET = -0.5
CALIBRATION_SAMPLES = ("astronaut", "coffee", "chelsea", "rocket", "camera", "coins", "clock",
                       "immunohistochemistry", "hubble_deep_field", "retina")


def widen_fp16(model: onnx.ModelProto) -> onnx.ModelProto:
    """The same graph computing in float32: fp16 initializers, constants and casts widened,
    and the casts that became float-to-float bypassed (else the quantizer sees a float island
    between every pair of 8-bit ops)."""
    graph = model.graph
    for index, tensor in enumerate(graph.initializer):
        if tensor.data_type == TensorProto.FLOAT16:
            wide = numpy_helper.from_array(numpy_helper.to_array(tensor).astype(np.float32), tensor.name)
            graph.initializer[index].CopyFrom(wide)
    for node in graph.node:
        for attribute in node.attribute:
            if node.op_type == "Cast" and attribute.name == "to" and attribute.i == TensorProto.FLOAT16:
                attribute.i = TensorProto.FLOAT
            if attribute.type == onnx.AttributeProto.TENSOR and attribute.t.data_type == TensorProto.FLOAT16:
                attribute.t.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(attribute.t).astype(np.float32)))
    for info in list(graph.value_info) + list(graph.input) + list(graph.output):
        if info.type.tensor_type.elem_type == TensorProto.FLOAT16:
            info.type.tensor_type.elem_type = TensorProto.FLOAT
    outputs = {o.name for o in graph.output}
    producers = {out: node for node in graph.node for out in node.output}
    for cast in [n for n in graph.node if n.op_type == "Cast" and n.attribute[0].i == TensorProto.FLOAT]:
        source, target = cast.input[0], cast.output[0]
        if target in outputs and source in producers:
            # The cast wrote a graph output: its producer writes it now.
            producer = producers[source]
            producer.output[list(producer.output).index(source)] = target
            rename_inputs(graph, source, target)
        else:
            rename_inputs(graph, target, source)
        graph.node.remove(cast)
    return model


def rename_inputs(graph: onnx.GraphProto, old: str, new: str) -> None:
    for node in graph.node:
        for k, name in enumerate(node.input):
            if name == old:
                node.input[k] = new


def keep_outputs(model: onnx.ModelProto, names: list[str]) -> onnx.ModelProto:
    """Drop every graph output but `names` and every node that no longer feeds one; the
    exported graph is not topologically sorted, so what is kept is sorted here."""
    graph = model.graph
    kept_outputs = [o for o in graph.output if o.name in names]
    del graph.output[:]
    graph.output.extend(kept_outputs)
    producers = {out: node for node in graph.node for out in node.output}
    needed: set[int] = set()
    stack = list(names)
    while stack:
        node = producers.get(stack.pop())
        if node is None or id(node) in needed:
            continue
        needed.add(id(node))
        stack.extend(i for i in node.input if i)
    available = {i.name for i in graph.input} | {t.name for t in graph.initializer}
    pending = [n for n in graph.node if id(n) in needed]
    ordered: list[onnx.NodeProto] = []
    while pending:
        ready = [n for n in pending if all(not i or i in available for i in n.input)]
        if not ready:
            raise ValueError("graph has a cycle or a missing input")
        ready_ids = {id(n) for n in ready}
        for node in ready:
            ordered.append(node)
            available.update(node.output)
        pending = [n for n in pending if id(n) not in ready_ids]
    kept = [onnx.NodeProto.FromString(n.SerializeToString()) for n in ordered]
    del graph.node[:]
    graph.node.extend(kept)
    used = {i for n in graph.node for i in n.input}
    initializers = [t for t in graph.initializer if t.name in used]
    del graph.initializer[:]
    graph.initializer.extend(initializers)
    values = [v for v in graph.value_info if v.name in used or v.name in names]
    del graph.value_info[:]
    graph.value_info.extend(values)
    return model


def float_tail(model: onnx.ModelProto, output: str = "output") -> list[str]:
    """The nodes from the last convolution to `output`: kept float so that the mask's last
    steps are not 8-bit."""
    producers = {out: node for node in model.graph.node for out in node.output}
    names = []
    node = producers.get(output)
    while node is not None:
        names.append(node.name)
        if node.op_type == "Conv":
            break
        node = producers.get(node.input[0])
    return names


def model_input(image: Image.Image) -> np.ndarray:
    """The engines' preprocessing (see tests/support/reference.py): RGB, bicubic to 1024x1024,
    p * SCALE + OFFSET, NCHW float32."""
    rgb = image.convert("RGB").resize((INPUT_SIDE, INPUT_SIDE), Image.Resampling.BICUBIC)
    pixels = np.asarray(rgb, dtype=np.float64) * SCALE + OFFSET
    return pixels.transpose(2, 0, 1)[None].astype(np.float32)


def calibration_photos() -> list[Image.Image]:
    """scikit-image's sample photos (people, animals, objects, scenes, micrographs), plus
    mirrored and centre-cropped copies of the first six: 22 inputs."""
    from skimage import data

    photos = [Image.fromarray(getattr(data, name)()).convert("RGB") for name in CALIBRATION_SAMPLES]
    variants = []
    for image in photos[:6]:
        width, height = image.size
        variants.append(image.transpose(Image.Transpose.FLIP_LEFT_RIGHT))
        variants.append(image.crop((width // 6, height // 6, width - width // 6, height - height // 6)))
    return photos + variants


class _PhotoReader:
    """onnxruntime.quantization's CalibrationDataReader protocol over the calibration photos."""

    def __init__(self, photos: list[Image.Image], on_photo: Callable[[int, int], None]) -> None:
        self.photos = photos
        self.on_photo = on_photo
        self.index = 0

    def get_next(self) -> dict[str, np.ndarray] | None:
        if self.index >= len(self.photos):
            return None
        photo = self.photos[self.index]
        self.index += 1
        self.on_photo(self.index, len(self.photos))
        return {"input": model_input(photo)}

    def rewind(self) -> None:
        self.index = 0


def build_isnet_static_int8(fp16_model: bytes, target: Path, photos: list[Image.Image] | None = None,
                            on_photo: Callable[[int, int], None] = lambda done, total: None,
                            quant_format: str = "QDQ", moving_average: bool = True,
                            op_types: list[str] | None = None) -> Path:
    """Write the static 8-bit model to `target` (minutes of CPU); returns `target`."""
    from onnxruntime.quantization import (  # type: ignore[import-untyped]
        CalibrationMethod, QuantFormat, QuantType, quantize_static,
    )
    from onnxruntime.quantization.shape_inference import quant_pre_process  # type: ignore[import-untyped]

    model = keep_outputs(widen_fp16(onnx.load_from_string(fp16_model)), ["output"])
    onnx.checker.check_model(model)
    with tempfile.TemporaryDirectory() as work:
        wide = Path(work) / "fp32.onnx"
        prepared = Path(work) / "prepared.onnx"
        onnx.save(model, str(wide))
        quant_pre_process(str(wide), str(prepared), skip_symbolic_shape=True)
        tail = float_tail(onnx.load(str(prepared)))
        options: dict[str, Any] = {"CalibMovingAverage": moving_average, "ActivationSymmetric": False,
                                   "WeightSymmetric": True}
        target.parent.mkdir(parents=True, exist_ok=True)
        quantize_static(
            str(prepared), str(target), _PhotoReader(photos or calibration_photos(), on_photo),
            quant_format=QuantFormat.QDQ if quant_format == "QDQ" else QuantFormat.QOperator,
            op_types_to_quantize=op_types, per_channel=True, activation_type=QuantType.QUInt8,
            weight_type=QuantType.QInt8, nodes_to_exclude=tail,
            calibrate_method=CalibrationMethod.MinMax, extra_options=options,
        )
    return target
