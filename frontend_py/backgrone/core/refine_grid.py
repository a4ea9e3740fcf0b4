"""Edge refinement's sampling between the photo, the mask and the working grid (core/refine):
block means of the photo accumulated a band of rows at a time, bilinear taps both ways, and the
box filter. No constants of the method here: only the arithmetic that moves values between grids.
"""
# __pragma__('skip')
from typing import List, MutableSequence, Sequence
# __pragma__('noskip')
import math

from backgrone.core.geometry import Axis


def mask_axis(mask_len: int, full_len: int, step: int, work_len: int) -> Axis:
    """Bilinear taps into the mask at the centres of the working grid's blocks.

    With step 1 this is geometry.bilinear_axis(mask_len, full_len), number for number.
    """
    axis = Axis([], [], [])
    ratio = mask_len / full_len
    for i in range(work_len):
        start = i * step
        end = start + step
        if end > full_len:
            end = full_len
        axis.add_tap(((start + end) / 2) * ratio - 0.5, mask_len - 1)
    return axis


def full_axis(work_len: int, full_len: int, step: int) -> Axis:
    """Bilinear taps from the working grid (block centres) back to every full-size pixel."""
    lo: List[int] = []
    hi: List[int] = []
    frac: List[float] = []
    last = work_len - 1
    for i in range(full_len):
        pos = (i + 0.5) / step - 0.5
        if pos < 0.0:
            pos = 0.0
        if pos > last:
            pos = last
        base = math.floor(pos)
        nxt = base + 1
        if nxt > last:
            nxt = last
        lo.append(base)
        hi.append(nxt)
        frac.append(pos - base)
    return Axis(lo, hi, frac)


def tap_runs(axis: Axis) -> List[int]:
    """For each index, the last index of its run of equal (lo, hi) taps."""
    count = len(axis.lo)
    ends: List[int] = []
    for i in range(count):
        if i == count - 1 or axis.lo[i + 1] != axis.lo[i] or axis.hi[i + 1] != axis.hi[i]:
            while len(ends) <= i:
                ends.append(i)
    return ends


def add_block_rows(
    rgba: Sequence[int], first: int, rows: int, width: int, height: int, step: int,
    work_width: int, red: MutableSequence[float], green: MutableSequence[float],
    blue: MutableSequence[float], sums: MutableSequence[float],
) -> None:
    """Photo rows first..first+rows-1 (rgba holds just those rows) into the means of the
    step x step blocks, 0..255 per channel; bands must come in order, top to bottom.

    A block row's three sums per block live in sums[0 .. 3 * work_width) until its last photo
    row has been added, across bands. They are sums of integers, exact in float64 in any order,
    so a band at a time gives the same means as the whole photo at once.
    """
    for y in range(first, first + rows):
        by = math.floor(y / step)
        top = by * step
        bottom = top + step
        if bottom > height:
            bottom = height
        if y == top:
            for k in range(3 * work_width):
                sums[k] = 0.0
        pixel = 4 * (y - first) * width
        for bx in range(work_width):
            left = bx * step
            right = left + step
            if right > width:
                right = width
            sum_r = sums[3 * bx]
            sum_g = sums[3 * bx + 1]
            sum_b = sums[3 * bx + 2]
            for _x in range(left, right):
                sum_r += rgba[pixel]
                sum_g += rgba[pixel + 1]
                sum_b += rgba[pixel + 2]
                pixel += 4
            sums[3 * bx] = sum_r
            sums[3 * bx + 1] = sum_g
            sums[3 * bx + 2] = sum_b
        if y == bottom - 1:
            row = by * work_width
            for bx in range(work_width):
                i = row + bx
                if step == 1:
                    red[i] = sums[3 * bx]
                    green[i] = sums[3 * bx + 1]
                    blue[i] = sums[3 * bx + 2]
                else:
                    right = bx * step + step
                    if right > width:
                        right = width
                    n = (bottom - top) * (right - bx * step)
                    red[i] = sums[3 * bx] / n
                    green[i] = sums[3 * bx + 1] / n
                    blue[i] = sums[3 * bx + 2] / n


def mask_samples(alpha8: Sequence[int], mask_side: int, width: int, height: int, step: int,
                 work_width: int, work_height: int, out: MutableSequence[float]) -> None:
    """The mask (0..255) sampled bilinearly at the working grid's block centres."""
    cols = mask_axis(mask_side, width, step, work_width)
    rows = mask_axis(mask_side, height, step, work_height)
    for y in range(work_height):
        top = rows.lo[y] * mask_side
        bottom = rows.hi[y] * mask_side
        fy = rows.frac[y]
        row = y * work_width
        for x in range(work_width):
            lo = cols.lo[x]
            hi = cols.hi[x]
            fx = cols.frac[x]
            upper = alpha8[top + lo] + (alpha8[top + hi] - alpha8[top + lo]) * fx
            lower = alpha8[bottom + lo] + (alpha8[bottom + hi] - alpha8[bottom + lo]) * fx
            out[row + x] = upper + (lower - upper) * fy


def box_mean(
    src: Sequence[float], other: Sequence[float], use_other: bool, dst: MutableSequence[float],
    temp: MutableSequence[float], width: int, height: int, radius: int,
    line: MutableSequence[float],
) -> None:
    """dst = mean of src (times other, if use_other) over each (2r+1)^2 window, clipped at the
    borders. Rows by prefix sums, columns by a sliding sum: O(1) per pixel whatever the radius.
    line: width + 1 floats (float64) of scratch."""
    left_end = radius if radius < width else width
    right_start = width - radius if width - radius > radius else radius
    for y in range(height):
        row = y * width
        total = 0.0
        line[0] = 0.0
        if use_other:
            for x in range(width):
                total += src[row + x] * other[row + x]
                line[x + 1] = total
        else:
            for x in range(width):
                total += src[row + x]
                line[x + 1] = total
        # Windows clipped at the left, whole ones, clipped at the right: no clipping per pixel.
        for x in range(left_end):
            hi = x + radius + 1
            if hi > width:
                hi = width
            temp[row + x] = line[hi] - line[0]
        for x in range(radius, width - radius):
            temp[row + x] = line[x + radius + 1] - line[x - radius]
        for x in range(right_start, width):
            temp[row + x] = line[width] - line[x - radius]
    # How many columns each window holds, clipped at the borders.
    window_widths: List[int] = []
    for x in range(width):
        left = x - radius
        if left < 0:
            left = 0
        right = x + radius + 1
        if right > width:
            right = width
        window_widths.append(right - left)
        line[x] = 0.0
    first = radius
    if first > height - 1:
        first = height - 1
    for y in range(first + 1):
        row = y * width
        for x in range(width):
            line[x] += temp[row + x]
    for y in range(height):
        lo = y - radius
        if lo < 0:
            lo = 0
        hi = y + radius + 1
        if hi > height:
            hi = height
        rows_in = hi - lo
        row = y * width
        for x in range(width):
            dst[row + x] = line[x] / (rows_in * window_widths[x])
        enter = y + radius + 1
        if enter < height:
            row = enter * width
            for x in range(width):
                line[x] += temp[row + x]
        leave = y - radius
        if leave >= 0:
            row = leave * width
            for x in range(width):
                line[x] -= temp[row + x]


def interpolate_rows(sources: Sequence[Sequence[float]], first_slot: int, top: int, bottom: int,
                     fy: float, w: int, line: MutableSequence[float]) -> None:
    """Line slots first_slot.. (w floats each): each source plane blended between the working
    rows starting at `top` and `bottom`, one slot per source, in order."""
    for k in range(len(sources)):
        plane = sources[k]
        slot = (first_slot + k) * w
        for x in range(w):
            upper = plane[top + x]
            line[slot + x] = upper + (plane[bottom + x] - upper) * fy
