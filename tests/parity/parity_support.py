"""What the parity driver runs on besides core/: typed buffers and printing that are native on
each side (CPython's array and json, JS typed arrays and JSON), and a generator that gives the
same numbers under both."""
# __pragma__('skip')
import json
from array import array
from typing import Any, List

from backgrone.jsglobals import JSON, Float32Array, Float64Array, Uint8ClampedArray, __new__  # noqa: F401


def floats(n: int) -> Any:
    return array("f", bytes(4 * n))


def clamped_bytes(n: int) -> Any:
    return bytearray(n)


def doubles(n: int) -> Any:
    return array("d", bytes(8 * n))


def dump(value: Any) -> None:
    print(json.dumps(value))
# __pragma__('noskip')
# __pragma__('ecom')
#?def floats(n):
#?    return __new__(Float32Array(n))
#?def clamped_bytes(n):
#?    return __new__(Uint8ClampedArray(n))
#?def doubles(n):
#?    return __new__(Float64Array(n))
#?def dump(value):
#?    print(JSON.stringify(value))
# __pragma__('noecom')


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
