"""core/mask_check: what a broken GPU kernel hands back is refused; a real mask passes."""
from __future__ import annotations

import math
from array import array

import numpy as np

from backgrone.core import mask_check
from backgrone.core.engines import OUTPUT_CLAMP, OUTPUT_MINMAX
from support import photos, reference


def floats(values: object) -> array:
    return array("f", np.asarray(values, dtype=np.float32).ravel().tolist())


def verdict(values: object, mode: str = OUTPUT_CLAMP) -> mask_check.Verdict:
    data = floats(values)
    return mask_check.check(data, len(data), mode)


def test_a_real_mask_passes() -> None:
    """ISNet's raw output on a real photo (native onnxruntime, the Lightweight model)."""
    from backgrone.core.engines import find_engine

    engine = find_engine("lightweight")
    session = reference.session("lightweight")
    raw = session.run([engine.output_name],
                      {engine.input_name: reference.input_tensor(photos.astronaut(), engine)})[0]
    found = verdict(raw)
    assert found.reason == "" and 0 < found.above < raw.size


def test_what_a_broken_kernel_gives_is_refused_for_sure() -> None:
    ramp = np.linspace(0, 1, 100)
    for values, reason in [
        (np.where(np.arange(100) == 7, math.nan, ramp), mask_check.NAN),
        (np.where(np.arange(100) == 99, math.inf, ramp), mask_check.NAN),
        (np.zeros(100), mask_check.FLAT),
        (np.full(100, 0.73), mask_check.FLAT),
        (ramp * 3 - 1, mask_check.RANGE),
    ]:
        found = verdict(values)
        assert (found.reason, found.certain) == (reason, True)
    assert verdict(np.full(50, math.nan), OUTPUT_MINMAX).reason == mask_check.NAN
    assert verdict(np.full(50, -4.0), OUTPUT_MINMAX).reason == mask_check.FLAT
    # Min-max engines have any range: only NaN and a single value mean anything.
    assert verdict(np.linspace(-8, 3, 50), OUTPUT_MINMAX).reason == ""


def test_an_empty_or_full_mask_is_left_to_the_cpu() -> None:
    count = 10000
    empty = verdict(np.linspace(0, 0.4, count))
    full = verdict(np.linspace(0.6, 1, count))
    assert (empty.reason, empty.certain) == (mask_check.EMPTY, False)
    assert (full.reason, full.certain) == (mask_check.FULL, False)
    # A bare wall: the CPU finds nothing either (a pixel or two of noise is still nothing).
    wall = verdict(np.r_[np.zeros(count - 3), np.ones(3)])
    assert not mask_check.cpu_differs(empty, wall, count)
    # A subject the GPU missed: the CPU finds it.
    subject = verdict(np.r_[np.zeros(count - 500), np.ones(500)])
    assert mask_check.cpu_differs(empty, subject, count)
    # A close-up filling the frame: the CPU finds (almost) no background either.
    assert not mask_check.cpu_differs(full, verdict(np.r_[np.zeros(3), np.ones(count - 3)]), count)
    assert mask_check.cpu_differs(full, verdict(np.r_[np.zeros(500), np.ones(count - 500)]), count)
