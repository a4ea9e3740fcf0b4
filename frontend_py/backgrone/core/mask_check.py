"""The check every GPU mask passes before it is used: what a broken kernel hands back.

Peers' WebGPU users report masks that are all zero (fp16 above some input sizes on Apple GPUs)
or garbage; the self-test's small model cannot see those. One pass over the raw output (about
a million floats: a few ms, beside seconds of inference) finds:
- NaN or infinite values, or one value throughout: no real photo gives these; broken for sure.
- a probability outside 0..1 (clamp engines end in a sigmoid): broken for sure.
- nothing above the threshold, or nothing below it (clamp engines): a photo of a bare wall can
  do that, so the CPU decides: it runs the same input, and the GPU is broken only when the CPU
  finds what the GPU did not (more than CONFIRM_SHARE of the pixels on the other side).
Min-max engines (Balanced) are stretched onto 0..1 whatever their range, so for them only NaN
and a single value mean anything.
"""
# __pragma__('skip')
from typing import Sequence
# __pragma__('noskip')

from backgrone.core.engines import OUTPUT_CLAMP

THRESHOLD = 0.5
# A sigmoid cannot leave 0..1; fp16 rounding can land a hair outside.
RANGE_SLACK = 0.001
# The share of pixels on the far side of the threshold that makes the CPU's mask differ in
# kind from an empty (or full) GPU mask: a thousandth, about a 32-pixel square at 1024².
CONFIRM_SHARE = 0.001

NAN = "its mask holds NaN or infinite values"
FLAT = "its mask is one value throughout"
RANGE = "its mask leaves the 0..1 range of probabilities"
EMPTY = "its mask finds no subject where the CPU finds one"
FULL = "its mask finds no background where the CPU finds some"


class Verdict:
    """`reason` is "" for a plausible mask; `certain` false means the CPU must confirm it."""

    def __init__(self, reason: str, certain: bool, above: int) -> None:
        self.reason = reason
        self.certain = certain
        self.above = above  # values over the threshold


def check(mask: Sequence[float], count: int, output_mode: str) -> Verdict:
    """The verdict on a model's raw output, its first `count` values."""
    if count == 0:
        return Verdict(FLAT, True, 0)
    low = mask[0]
    high = mask[0]
    above = 0
    for i in range(count):
        value = mask[i]
        # NaN fails every comparison; infinities pass the first and fail the second.
        if not (value - value == 0):
            return Verdict(NAN, True, 0)
        if value < low:
            low = value
        if value > high:
            high = value
        if value > THRESHOLD:
            above += 1
    if not (high > low):
        return Verdict(FLAT, True, above)
    if output_mode != OUTPUT_CLAMP:
        return Verdict("", True, above)
    if low < -RANGE_SLACK or high > 1 + RANGE_SLACK:
        return Verdict(RANGE, True, above)
    if above == 0:
        return Verdict(EMPTY, False, above)
    if above == count:
        return Verdict(FULL, False, above)
    return Verdict("", True, above)


def cpu_differs(verdict: Verdict, cpu: Verdict, count: int) -> bool:
    """For an uncertain verdict: whether the CPU's own mask of the same input says otherwise."""
    least = CONFIRM_SHARE * count
    if verdict.reason == EMPTY:
        return cpu.above > least
    if verdict.reason == FULL:
        return count - cpu.above > least
    return False
