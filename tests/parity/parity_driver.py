"""Runs core/ on fixed pseudo-random inputs and prints the results as one JSON document.

Run by CPython as it is and by Node after Transcrypt: the two outputs must be identical.
"""
# __pragma__('skip')
import json
from array import array
from typing import Any, List

from backgrone.jsglobals import JSON, Float32Array, Uint8ClampedArray, __new__  # noqa: F401


def floats(n: int) -> Any:
    return array("f", bytes(4 * n))


def clamped_bytes(n: int) -> Any:
    return bytearray(n)


def dump(value: Any) -> None:
    print(json.dumps(value))
# __pragma__('noskip')
# __pragma__('ecom')
#?def floats(n):
#?    return __new__(Float32Array(n))
#?def clamped_bytes(n):
#?    return __new__(Uint8ClampedArray(n))
#?def dump(value):
#?    print(JSON.stringify(value))
# __pragma__('noecom')

from backgrone.core import jobs, messages, protocol  # noqa: E402
from backgrone.core.engines import ENGINES, OUTPUT_CLAMP, OUTPUT_MINMAX, find_engine  # noqa: E402
from backgrone.core.geometry import bilinear_axis, fits  # noqa: E402
from backgrone.core.mask import apply_alpha, mask_to_alpha8  # noqa: E402
from backgrone.core.tensor import rgba_to_nchw  # noqa: E402


class Random:
    """Park-Miller: every product stays below 2**53, so JS doubles compute it exactly."""

    def __init__(self, seed: int) -> None:
        self.state = seed

    def next_int(self, bound: int) -> int:
        self.state = (self.state * 48271) % 2147483647
        return self.state % bound

    def next_float(self) -> float:
        return self.next_int(1000001) / 1000000.0


def as_list(values: Any, count: int) -> List[Any]:
    out = []
    for i in range(count):
        out.append(values[i])
    return out


def main() -> None:
    rng = Random(20261127)
    report: Any = {}

    axes = []
    for pair in [[1024, 512], [512, 1024], [7, 3], [3, 7], [1, 5], [5, 1], [1024, 4000]]:
        axis = bilinear_axis(pair[0], pair[1])
        axes.append([axis.lo, axis.hi, axis.frac])
    report["axes"] = axes

    side = 9
    count = side * side
    rgba = clamped_bytes(4 * count)
    for i in range(4 * count):
        rgba[i] = rng.next_int(256)
    planes = []
    for engine in ENGINES:
        out = floats(3 * count)
        rgba_to_nchw(rgba, count, engine.scale, engine.offset, out)
        planes.append(as_list(out, 3 * count))
    report["nchw"] = planes

    raw = floats(count)
    for i in range(count):
        raw[i] = rng.next_float() * 1.4 - 0.2  # spills past [0, 1] on both sides
    alphas = []
    for mode in [OUTPUT_CLAMP, OUTPUT_MINMAX]:
        alpha8 = clamped_bytes(count)
        mask_to_alpha8(raw, count, mode, alpha8)
        alphas.append(as_list(alpha8, count))
    flat = floats(count)
    flat_alpha = clamped_bytes(count)
    mask_to_alpha8(flat, count, OUTPUT_MINMAX, flat_alpha)
    alphas.append(as_list(flat_alpha, count))
    report["alpha8"] = alphas

    mask = clamped_bytes(count)
    mask_to_alpha8(raw, count, OUTPUT_CLAMP, mask)
    upscaled = []
    for size in [[23, 17], [9, 9], [4, 30], [1, 1]]:
        width = size[0]
        height = size[1]
        photo = clamped_bytes(4 * width * height)
        for i in range(4 * width * height):
            photo[i] = rng.next_int(256)
        apply_alpha(mask, side, side, photo, width, height)
        upscaled.append(as_list(photo, 4 * width * height))
    report["apply_alpha"] = upscaled

    queue = jobs.JobQueue()
    trace = []
    for name in ["a.jpg", "b.png", "c"]:
        queue.add(name, "precision")
    first = queue.start_next()
    trace.append(first.job_id if first is not None else -1)
    trace.append(queue.start_next() is None)
    if first is not None:
        first.move(jobs.DONE)
    second = queue.start_next()
    if second is not None:
        second.move(jobs.FAILED)
    trace.append(queue.counts())
    report["jobs"] = trace
    report["names"] = [jobs.output_name(n) for n in ["photo.jpg", "archive.tar.gz", ".hidden", "plain", ""]]
    report["fractions"] = [protocol.stage_fraction(s, 1, 4) for s in protocol.STAGES]
    report["messages"] = [messages.message_for(messages.NOT_AN_IMAGE, "x"), messages.message_for("nope", "")]
    try:
        find_engine("nope")
        report["unknown_engine"] = ""
    except ValueError as exc:
        report["unknown_engine"] = str(exc)
    report["fits"] = [fits(10000, 10000), fits(10001, 10000), fits(0, 5)]
    dump(report)


main()
