"""The parity driver's GPU part: routing, the self-test's comparison, the placement log, the
GPU message, and the check every GPU mask passes (core/mask_check)."""
# __pragma__('skip')
from typing import Any
# __pragma__('noskip')
import math

from parity_support import floats
from backgrone.core import devices, errors, mask_check
from backgrone.core.engines import GPU_AS_IS, GPU_FP16, GPU_NONE, OUTPUT_CLAMP, OUTPUT_MINMAX
from backgrone.core.engines import find_engine, with_input_size


PLACEMENT_LOG = [
    "2026-12-01 [V:onnxruntime:, session_state.cc:1377 VerifyEachNodeIsAssignedToAnEp] Node placements",
    "2026-12-01 [V:onnxruntime:, session_state.cc:1380 VerifyEachNodeIsAssignedToAnEp]  All nodes placed on "
    + "[WebGpuExecutionProvider]. Number of nodes: 5",
    " Node(s) placed on [CPUExecutionProvider]. Number of nodes: 341",
    " Node(s) placed on [Broken. Number of nodes: x",
]


def devices_section(report: Any) -> None:
    """Routing for every setting on every kind of adapter, the self-test's comparison, the
    placement log and the GPU message (its detail inside the text)."""
    adapters = [None, devices.Adapter("google", "swiftshader", True, False),
                devices.Adapter("nvidia", "ampere", False, True),
                devices.Adapter("intel", "gen-12", False, False)]
    routes = []
    for setting in ["auto", "gpu", "cpu", "bogus"]:
        for adapter in adapters:
            for form in [GPU_NONE, GPU_FP16, GPU_AS_IS]:
                for failure in ["", "lost"]:
                    for extra in [False, True]:
                        chosen = devices.route(setting, adapter, form, failure, extra)
                        routes.append(chosen.backend + ":" + chosen.reason)
    report["routes"] = routes
    a = floats(4)
    b = floats(4)
    for i in range(4):
        a[i] = i * 0.25
        b[i] = i * 0.25 + (0.125 if i == 2 else 0)
    report["largest_difference"] = [devices.largest_difference(a, b, 4), devices.largest_difference(a, a, 4)]
    report["placement"] = devices.placement(PLACEMENT_LOG)
    report["gpu_message"] = [errors.message_for(errors.GPU_UNAVAILABLE, "the device was lost"),
                             errors.message_for(errors.GPU_UNAVAILABLE, "")]
    small = with_input_size(find_engine("balanced"), 64)
    report["sized"] = [small.input_size, small.engine_id, small.output_mode,
                       find_engine("balanced").input_size, small.mean, small.std, small.source,
                       small.gpu_form, small.label]
    mask_check_section(report)


def mask_check_section(report: Any) -> None:
    """Verdicts on masks a broken kernel gives and on plausible ones, and the CPU's say."""
    count = 64
    cases = []
    for case in range(7):
        mask = floats(count)
        for i in range(count):
            mask[i] = i / (count - 1)
            if case == 1 and i == 9:
                mask[i] = math.nan
            if case == 2 and i == 5:
                mask[i] = math.inf
            if case == 3:
                mask[i] = 0.25
            if case == 4:
                mask[i] = mask[i] * 2
            if case == 5:
                mask[i] = mask[i] * 0.4
            if case == 6:
                mask[i] = 0.6 + mask[i] * 0.4
        for mode in [OUTPUT_CLAMP, OUTPUT_MINMAX]:
            found = mask_check.check(mask, count, mode)
            cases.append([found.reason, found.certain, found.above])
    report["mask_check"] = cases
    empty = mask_check.Verdict(mask_check.EMPTY, False, 0)
    full = mask_check.Verdict(mask_check.FULL, False, 10000)
    report["cpu_differs"] = [mask_check.cpu_differs(verdict, mask_check.Verdict("", True, above), 10000)
                             for verdict in [empty, full] for above in [0, 5, 11, 9989, 9995, 10000]]


