"""Small ONNX models with a real engine's signature, made by the tests (no weights needed)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

# output = sum_c WEIGHTS[c] * input[c] + BIAS: an arbitrary range, as RMBG's raw output has.
WEIGHTS = (0.9, -0.6, 1.7)
BIAS = 0.25


def linear_mask_model(path: Path, input_name: str = "input", output_name: str = "output",
                      side: int = 1024) -> Path:
    """A 1x1 convolution from [1,3,side,side] to [1,1,side,side]."""
    weights = numpy_helper.from_array(np.array(WEIGHTS, dtype=np.float32).reshape(1, 3, 1, 1), "w")
    bias = numpy_helper.from_array(np.array([BIAS], dtype=np.float32), "b")
    node = helper.make_node("Conv", [input_name, "w", "b"], [output_name])
    graph = helper.make_graph(
        [node], "linear_mask",
        [helper.make_tensor_value_info(input_name, TensorProto.FLOAT, [1, 3, side, side])],
        [helper.make_tensor_value_info(output_name, TensorProto.FLOAT, [1, 1, side, side])],
        initializer=[weights, bias])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return path


def linear_mask_reference(tensor: np.ndarray) -> np.ndarray:
    """What linear_mask_model computes, in NumPy, for an NCHW input."""
    w = np.array(WEIGHTS, dtype=np.float64).reshape(3, 1, 1)
    return (tensor[0].astype(np.float64) * w).sum(axis=0) + BIAS


def tiny_fp16_model() -> onnx.ModelProto:
    """input f32 [1,3,1024,1024] -> cast fp16 -> conv(stride 8)+relu -> side output and
    conv -> resize x8 -> sigmoid -> cast f32 -> `output`. Nodes are listed out of order,
    as in the exported ISNet."""
    rng = np.random.default_rng(3)
    w1 = numpy_helper.from_array((rng.normal(0, 0.3, (4, 3, 8, 8))).astype(np.float16), "w1")
    w2 = numpy_helper.from_array((rng.normal(0, 0.3, (1, 4, 3, 3))).astype(np.float16), "w2")
    scales = numpy_helper.from_array(np.array([1, 1, 8, 8], dtype=np.float32), "scales")
    nodes = [
        helper.make_node("Sigmoid", ["up"], ["mask16"], name="sigmoid"),
        helper.make_node("Cast", ["input"], ["x16"], name="cast_in", to=TensorProto.FLOAT16),
        helper.make_node("Conv", ["x16", "w1"], ["c1"], name="conv1", strides=[8, 8]),
        helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
        helper.make_node("Cast", ["r1"], ["side"], name="cast_side", to=TensorProto.FLOAT),
        helper.make_node("Conv", ["r1", "w2"], ["c2"], name="conv2", pads=[1, 1, 1, 1]),
        helper.make_node("Resize", ["c2", "", "scales"], ["up"], name="resize", mode="linear"),
        helper.make_node("Cast", ["mask16"], ["output"], name="cast_out", to=TensorProto.FLOAT),
    ]
    graph = helper.make_graph(
        nodes, "tiny",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, 1024, 1024])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 1, 1024, 1024]),
         helper.make_tensor_value_info("side", TensorProto.FLOAT, [1, 4, 128, 128])],
        [w1, w2, scales])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 15)])
    model.ir_version = 8
    return model


def small_conv_model(path: Path, side: int, fp16: bool = False) -> Path:
    """An ISNet-signature model at side x side: conv 3x3 + relu, conv 3x3 + relu, conv 1x1 +
    sigmoid (a mask in [0, 1]); with `fp16` its weights and arithmetic are fp16 between two
    Casts, as in the fp16 ISNet (a GPU without shader-f16 cannot create its session)."""
    rng = np.random.default_rng(7)
    kind = np.float16 if fp16 else np.float32

    def weights(name: str, shape: tuple[int, ...]) -> onnx.TensorProto:
        return numpy_helper.from_array(rng.normal(0, 0.5, shape).astype(kind), name)

    source = "x16" if fp16 else "input"
    nodes = [
        helper.make_node("Conv", [source, "w1", "b1"], ["c1"], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c1"], ["r1"]),
        helper.make_node("Conv", ["r1", "w2", "b2"], ["c2"], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c2"], ["r2"]),
        helper.make_node("Conv", ["r2", "w3", "b3"], ["c3"]),
        helper.make_node("Sigmoid", ["c3"], ["m16" if fp16 else "output"]),
    ]
    if fp16:
        nodes = [helper.make_node("Cast", ["input"], ["x16"], to=TensorProto.FLOAT16)] + nodes + \
            [helper.make_node("Cast", ["m16"], ["output"], to=TensorProto.FLOAT)]
    graph = helper.make_graph(
        nodes, "small_conv",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, side, side])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 1, side, side])],
        [weights("w1", (8, 3, 3, 3)), weights("b1", (8,)), weights("w2", (8, 8, 3, 3)),
         weights("b2", (8,)), weights("w3", (1, 8, 1, 1)), weights("b3", (1,))])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return path
