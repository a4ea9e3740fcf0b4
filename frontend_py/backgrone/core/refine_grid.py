"""Edge refinement's arithmetic on its working grid (core/refine): block means of the photo
accumulated a band of rows at a time, and the box filter. No constants of the method here; the
bilinear taps between the grid, the mask and the photo are core/bilinear's.
"""
# __pragma__('skip')
from typing import List, MutableSequence, Sequence
# __pragma__('noskip')
import math


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
