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
