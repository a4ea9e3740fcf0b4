"""Device routing (core/devices): which backend runs a job, the self-test's comparison, ORT's
node placement log, and the GPU's message in the catalogue."""
from __future__ import annotations

import math
from array import array

import pytest

from backgrone.core import devices, errors
from backgrone.core.engines import ENGINES, GPU_AS_IS, GPU_FP16, GPU_NONE, find_engine, with_input_size

HARDWARE_F16 = devices.Adapter("nvidia", "ampere", False, True)
HARDWARE = devices.Adapter("intel", "gen-12", False, False)
SWIFTSHADER = devices.Adapter("google", "swiftshader", True, False)


def backend(setting: str, adapter: devices.Adapter | None, form: str = GPU_AS_IS, failure: str = "") -> str:
    return devices.route(setting, adapter, form, failure).backend


def test_auto_takes_a_hardware_adapter_that_can_run_the_form() -> None:
    assert backend("auto", HARDWARE_F16, GPU_FP16) == devices.BACKEND_WEBGPU
    assert backend("auto", HARDWARE, GPU_AS_IS) == devices.BACKEND_WEBGPU
    assert backend("auto", HARDWARE, GPU_FP16) == devices.BACKEND_WASM  # no shader-f16
    assert backend("auto", HARDWARE_F16, GPU_NONE) == devices.BACKEND_WASM
    assert backend("auto", None) == devices.BACKEND_WASM


def test_auto_never_picks_a_software_adapter_but_gpu_forces_it() -> None:
    chosen = devices.route("auto", SWIFTSHADER, GPU_AS_IS, "")
    assert chosen.backend == devices.BACKEND_WASM and "software" in chosen.reason
    assert backend("gpu", SWIFTSHADER) == devices.BACKEND_WEBGPU
    # Forcing does not make an adapter run what it cannot.
    assert backend("gpu", SWIFTSHADER, GPU_FP16) == devices.BACKEND_WASM
    assert backend("gpu", None) == devices.BACKEND_WASM


@pytest.mark.parametrize("adapter", [HARDWARE_F16, HARDWARE, SWIFTSHADER, None])
def test_cpu_never_touches_the_gpu(adapter: devices.Adapter | None) -> None:
    for form in (GPU_NONE, GPU_FP16, GPU_AS_IS):
        assert backend("cpu", adapter, form) == devices.BACKEND_WASM


def test_auto_adds_no_download_but_gpu_may() -> None:
    chosen = devices.route("auto", HARDWARE_F16, GPU_FP16, "", True)
    assert chosen.backend == devices.BACKEND_WASM and "larger download" in chosen.reason
    assert devices.route("gpu", HARDWARE_F16, GPU_FP16, "", True).backend == devices.BACKEND_WEBGPU
    assert devices.route("auto", HARDWARE_F16, GPU_FP16, "", False).backend == devices.BACKEND_WEBGPU


def test_a_remembered_failure_keeps_every_setting_on_the_cpu() -> None:
    for setting in devices.DEVICES:
        chosen = devices.route(setting, HARDWARE_F16, GPU_FP16, "the GPU device was lost")
        assert chosen.backend == devices.BACKEND_WASM
    assert "device was lost" in devices.route("gpu", HARDWARE_F16, GPU_FP16, "the GPU device was lost").reason


def test_unknown_settings_are_auto() -> None:
    assert [devices.normalise(s) for s in ("gpu", "cpu", "auto", "GPU", "", None)] == \
        ["gpu", "cpu", "auto", "auto", "auto", "auto"]


def test_adapter_key_names_vendor_and_architecture() -> None:
    assert SWIFTSHADER.key() == "google|swiftshader"
    assert devices.adapter_key("", "") == "unknown|unknown"


def test_largest_difference_and_nan() -> None:
    a = array("f", [0.0, 0.5, 1.0])
    b = array("f", [0.0, 0.25, 1.0])
    assert devices.largest_difference(a, b, 3) == 0.25
    assert devices.largest_difference(a, a, 3) == 0.0
    nan = array("f", [0.0, math.nan, 1.0])
    assert not devices.largest_difference(a, nan, 3) <= devices.SELF_TEST_TOLERANCE


def test_placement_reads_orts_verbose_log() -> None:
    lines = [
        "[V:onnxruntime:, session_state.cc:1377 VerifyEachNodeIsAssignedToAnEp] Node placements",
        "[V:onnxruntime:, session_state.cc:1380 VerifyEachNodeIsAssignedToAnEp]  All nodes placed on "
        "[WebGpuExecutionProvider]. Number of nodes: 5",
    ]
    assert devices.placement(lines) == {"WebGpuExecutionProvider": 5}
    mixed = [" Node(s) placed on [WebGpuExecutionProvider]. Number of nodes: 900",
             " Node(s) placed on [CPUExecutionProvider]. Number of nodes: 341", "  QuantizeLinear (q1)"]
    assert devices.placement(mixed) == {"WebGpuExecutionProvider": 900, "CPUExecutionProvider": 341}
    assert devices.placement([]) == {}


def test_gpu_message_puts_the_reason_inside_one_line() -> None:
    text = errors.message_for(errors.GPU_UNAVAILABLE, "the GPU device was lost")
    assert text == "GPU unavailable: the GPU device was lost; using the CPU."
    assert errors.message_for(errors.GPU_UNAVAILABLE, "") == \
        "GPU unavailable: unknown reason; using the CPU."


def test_every_engine_has_a_gpu_form_the_table_can_load() -> None:
    forms = {engine.engine_id: engine.gpu_form for engine in ENGINES}
    assert forms == {"precision": GPU_FP16, "lightweight": GPU_FP16, "balanced": GPU_AS_IS}
    for engine in ENGINES:
        if engine.gpu_model:
            # The GPU form loads a bundled fp16 model, never the int8 QDQ one.
            source = find_engine(engine.gpu_model)
            assert source.recipe == "" and source.gpu_form == GPU_FP16
            # The pipeline prepares the input and reads the output by the job's engine.
            for field in ("input_name", "output_name", "input_size", "mean", "std", "output_mode"):
                assert getattr(source, field) == getattr(engine, field), field


def test_with_input_size_copies_the_record() -> None:
    balanced = find_engine("balanced")
    small = with_input_size(balanced, 64)
    assert small.input_size == 64 and balanced.input_size == 1024
    assert vars(small) == {**vars(balanced), "input_size": 64}
    assert with_input_size(balanced, 1024) is balanced
