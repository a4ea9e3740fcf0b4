"""The "Blurred photo" background: the photo's own background blurred, the subject's place
filled from the background around it, so that no halo of the subject's colours shows behind its
edges. The export worker runs it on a small copy of the photo and scales the result up.

A box blur weighted by how much of each pixel is background (256 - alpha: a subject pixel still
weighs 1, so that a place with no background in reach gets the blurred subject, never a hole),
three passes each way (close to a Gaussian). Integer sums keep CPython and JS byte-identical:
every sum stays below 2**53 for radii up to MAX_RADIUS.
"""
# __pragma__('skip')
from typing import List, MutableSequence
# __pragma__('noskip')
import math

# The blur runs on at most this many pixels along the longer side; a wide blur loses nothing
# by being computed small, and a 12 MP photo would cost seconds at full size.
WORK_SIDE = 512
PASSES = 3
# 256 * 255 * (2 * 30 + 1) ** 6 < 2 ** 53
MAX_RADIUS = 30
# The radius as a share of the longer side.
RADIUS_SHARE = 0.025


def work_size(width: int, height: int) -> List[int]:
    """[w, h] the blur is computed at: the photo's size scaled to fit WORK_SIDE, never up."""
    longest = max(width, height)
    if longest <= WORK_SIDE:
        return [width, height]
    scale = WORK_SIDE / longest
    return [max(1, math.floor(width * scale + 0.5)), max(1, math.floor(height * scale + 0.5))]


def blur_radius(width: int, height: int) -> int:
    """The box radius at the work size."""
    radius = math.floor(max(width, height) * RADIUS_SHARE + 0.5)
    return min(MAX_RADIUS, max(1, radius))


def box_pass(src: MutableSequence[float], dst: MutableSequence[float], width: int, height: int,
             radius: int, along_rows: bool) -> None:
    """dst = the sum of the 2 * radius + 1 neighbours of each value of src along rows (or
    columns), edges repeated."""
    lines = height if along_rows else width
    length = width if along_rows else height
    step = 1 if along_rows else width
    last = length - 1
    for line in range(lines):
        base = line * width if along_rows else line
        total = src[base] * (radius + 1)
        for k in range(1, radius + 1):
            far = k if k < last else last
            total += src[base + far * step]
        for i in range(length):
            dst[base + i * step] = total
            ahead = i + radius + 1
            if ahead > last:
                ahead = last
            behind = i - radius
            if behind < 0:
                behind = 0
            total += src[base + ahead * step] - src[base + behind * step]


def blurred_background(photo: MutableSequence[int], cutout: MutableSequence[int], width: int,
                       height: int, radius: int, planes: List[MutableSequence[float]],
                       out: MutableSequence[int]) -> None:
    """out (RGBA bytes, opaque) = the weighted blur of photo's colours (RGBA bytes), the weight
    of each pixel 256 minus cutout's alpha (RGBA bytes, same size). `planes` are five scratch
    arrays of width * height numbers (doubles in JS)."""
    count = width * height
    weight = planes[3]
    for i in range(count):
        w = 256 - cutout[4 * i + 3]
        weight[i] = w
        for c in range(3):
            planes[c][i] = photo[4 * i + c] * w
    scratch = planes[4]
    for p in range(4):
        plane = planes[p]
        for _ in range(PASSES):
            box_pass(plane, scratch, width, height, radius, True)
            box_pass(scratch, plane, width, height, radius, False)
    for i in range(count):
        total = weight[i]
        for c in range(3):
            # Rounded half up; both sums are exact integers, the quotient is safe to floor.
            out[4 * i + c] = math.floor((2 * planes[c][i] + total) / (2 * total))
        out[4 * i + 3] = 255
