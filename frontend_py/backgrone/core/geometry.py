"""Sizes and bilinear sampling grids, shared by resizing and mask upscaling."""
# __pragma__('skip')
from typing import List
# __pragma__('noskip')
import math


class Axis:
    """Bilinear taps along one axis: output index i blends src[lo[i]] and src[hi[i]] by frac[i]."""

    def __init__(self, lo: List[int], hi: List[int], frac: List[float]) -> None:
        self.lo = lo
        self.hi = hi
        self.frac = frac

    def add_tap(self, pos: float, last: int) -> None:
        """Append the taps for source position `pos`, clamped into 0..last."""
        if pos < 0.0:
            pos = 0.0
        base = math.floor(pos)
        if base > last:
            base = last
        nxt = base + 1
        if nxt > last:
            nxt = last
        self.lo.append(base)
        self.hi.append(nxt)
        self.frac.append(pos - base)


def bilinear_axis(src_len: int, dst_len: int) -> Axis:
    """Half-pixel-centre mapping (as PIL, OpenCV and the canvas use), edges clamped."""
    axis = Axis([], [], [])
    ratio = src_len / dst_len
    for i in range(dst_len):
        axis.add_tap((i + 0.5) * ratio - 0.5, src_len - 1)
    return axis


def megapixels(width: int, height: int) -> float:
    return width * height / 1000000.0


# Above this the decoded photo alone (4 bytes a pixel, 400 MB) outgrows what a tab can hold;
# the rest of the full-size work goes in bands of rows (worker/strips.py).
MAX_MEGAPIXELS = 100.0


def fits(width: int, height: int) -> bool:
    return width > 0 and height > 0 and megapixels(width, height) <= MAX_MEGAPIXELS


def size_detail(width: int, height: int) -> str:
    """A refused photo's size against the limit, for the log-minded (messages.TOO_LARGE)."""
    tenths = math.floor(width * height / 100000 + 0.5) / 10
    return str(width) + "\u00d7" + str(height) + " = " + str(tenths) + " MP; the limit is " + \
        str(MAX_MEGAPIXELS) + " MP"
