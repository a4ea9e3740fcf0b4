"""Bilinear sampling, the one home of it: where each sample falls in its source (the taps along
an axis) and the interpolation of rows, for the plain upscale (core/mask) and for refinement
(core/refine) alike.

Pixel centres are at half-integers (as PIL, OpenCV and the canvas put them) and the source's
edges are clamped. Three mappings of an axis:
- resize_axis: every pixel of a resized axis (the mask onto the photo);
- block_axis: the centres of blocks of `step` pixels (the mask onto refinement's working grid);
- pixel_axis: from such a grid of blocks back to every pixel (refinement's fit onto the photo).
sample_row blends a source across (two taps per row) then down; blend_rows blends planes down
only, and refinement blends across itself, pixel by pixel, where a pixel needs it.
The order of the operations is part of the bytes: tests/support/bilinear.py does the same in
numpy (for the tests' reference and the bench) and gets the same bytes.
"""
# __pragma__('skip')
from typing import List, MutableSequence, Sequence
# __pragma__('noskip')
import math


class Axis:
    """Taps along one axis: sample i blends src[lo[i]] and src[hi[i]] by frac[i]."""

    def __init__(self, lo: List[int], hi: List[int], frac: List[float]) -> None:
        self.lo = lo
        self.hi = hi
        self.frac = frac

    def add_tap(self, pos: float, last: int) -> None:
        """Append the taps for source position `pos`, clamped into 0..last. Past the last
        pixel both taps are `last` (frac then weighs nothing: a + (a - a) * f is a)."""
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


def block_axis(src_len: int, dst_len: int, step: int, blocks: int) -> Axis:
    """Taps into a source of src_len pixels stretched over dst_len, at the centres of the
    `blocks` blocks of `step` destination pixels (the last one cut short at dst_len)."""
    axis = Axis([], [], [])
    ratio = src_len / dst_len
    for i in range(blocks):
        start = i * step
        end = start + step
        if end > dst_len:
            end = dst_len
        axis.add_tap(((start + end) / 2) * ratio - 0.5, src_len - 1)
    return axis


def resize_axis(src_len: int, dst_len: int) -> Axis:
    """Taps for every pixel of an axis resized from src_len to dst_len: block_axis with blocks
    of one pixel, whose centre (i + (i + 1)) / 2 is i + 0.5 exactly."""
    return block_axis(src_len, dst_len, 1, dst_len)


def pixel_axis(blocks: int, dst_len: int, step: int) -> Axis:
    """Taps from a grid of `blocks` blocks of `step` pixels (a sample at each block's centre)
    back to each of the dst_len pixels."""
    axis = Axis([], [], [])
    last = blocks - 1
    for i in range(dst_len):
        axis.add_tap((i + 0.5) / step - 0.5, last)
    return axis


def tap_runs(axis: Axis) -> List[int]:
    """For each index, the last index of its run of equal (lo, hi) taps."""
    count = len(axis.lo)
    ends: List[int] = []
    for i in range(count):
        if i == count - 1 or axis.lo[i + 1] != axis.lo[i] or axis.hi[i + 1] != axis.hi[i]:
            while len(ends) <= i:
                ends.append(i)
    return ends


def sample_row(src: Sequence[float], src_width: int, rows: Axis, y: int, cols: Axis, count: int,
               out: MutableSequence[float], start: int) -> None:
    """Row y of the sampled grid into out[start .. start + count): each value blended across
    its two taps in the upper and the lower source row, then down between the two."""
    top = rows.lo[y] * src_width
    bottom = rows.hi[y] * src_width
    fy = rows.frac[y]
    col_lo = cols.lo
    col_hi = cols.hi
    col_frac = cols.frac
    for x in range(count):
        lo = col_lo[x]
        hi = col_hi[x]
        fx = col_frac[x]
        upper = src[top + lo] + (src[top + hi] - src[top + lo]) * fx
        lower = src[bottom + lo] + (src[bottom + hi] - src[bottom + lo]) * fx
        out[start + x] = upper + (lower - upper) * fy


def sample_grid(src: Sequence[float], src_width: int, cols: Axis, rows: Axis,
                out: MutableSequence[float]) -> None:
    """The whole sampled grid (len(cols.lo) x len(rows.lo)) into out, row after row."""
    count = len(cols.lo)
    for y in range(len(rows.lo)):
        sample_row(src, src_width, rows, y, cols, count, out, y * count)


def blend_rows(sources: Sequence[Sequence[float]], first_slot: int, top: int, bottom: int,
               fy: float, w: int, line: MutableSequence[float]) -> None:
    """Line slots first_slot.. (w floats each): each source plane blended down between its
    rows starting at `top` and `bottom`, one slot per source, in order."""
    for k in range(len(sources)):
        plane = sources[k]
        slot = (first_slot + k) * w
        for x in range(w):
            upper = plane[top + x]
            line[slot + x] = upper + (plane[bottom + x] - upper) * fy
