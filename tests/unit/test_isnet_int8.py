"""build/isnet_int8.py on a tiny ISNet-shaped model (support/models.py): fp16 weights behind casts,
a side output, the mask through conv -> resize -> sigmoid. Fast (no real model needed)."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort  # type: ignore[import-untyped]
import pytest
from onnx import TensorProto
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "build"))
import isnet_int8  # noqa: E402
from support.models import tiny_fp16_model  # noqa: E402


def run(model: onnx.ModelProto | Path, x: np.ndarray) -> np.ndarray:
    source = str(model) if isinstance(model, Path) else model.SerializeToString()
    session = ort.InferenceSession(source, providers=["CPUExecutionProvider"])
    return np.asarray(session.run(["output"], {"input": x})[0])


def photo_input() -> np.ndarray:
    from skimage import data

    return isnet_int8.model_input(Image.fromarray(data.astronaut()))  # type: ignore[no-untyped-call]


def test_widened_model_computes_the_same_mask_in_float32() -> None:
    x = photo_input()
    expected = run(tiny_fp16_model(), x)
    wide = isnet_int8.widen_fp16(tiny_fp16_model())
    assert not [t for t in wide.graph.initializer if t.data_type == TensorProto.FLOAT16]
    assert not [n for n in wide.graph.node if n.op_type == "Cast"]
    np.testing.assert_allclose(run(wide, x), expected, atol=2e-3)


def test_keep_outputs_drops_the_side_output_and_sorts_the_graph() -> None:
    model = isnet_int8.keep_outputs(isnet_int8.widen_fp16(tiny_fp16_model()), ["output"])
    onnx.checker.check_model(model)  # raises unless topologically sorted
    assert [o.name for o in model.graph.output] == ["output"]
    assert isnet_int8.float_tail(model) == ["sigmoid", "resize", "conv2"]


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_static_int8_model_is_quantized_and_close(tmp_path: Path) -> None:
    from skimage import data

    photos = [Image.fromarray(getattr(data, name)()) for name in ("astronaut", "coffee")]
    target = isnet_int8.build_isnet_static_int8(
        tiny_fp16_model().SerializeToString(), tmp_path / "int8.onnx", photos)
    ops = [n.op_type for n in onnx.load(str(target)).graph.node]
    assert "QuantizeLinear" in ops and "DequantizeLinear" in ops
    x = photo_input()
    reference = run(tiny_fp16_model(), x)
    quantized = run(target, x)
    assert quantized.shape == (1, 1, 1024, 1024)
    # 8-bit steps stay small against the mask's 0..1 range.
    assert float(np.abs(quantized - reference).mean()) < 0.02
