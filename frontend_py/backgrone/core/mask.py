"""The model's mask: to 8-bit alpha, then upscaled (core/bilinear) into the photo's own alpha
channel."""
# __pragma__('skip')
from typing import MutableSequence, Sequence
# __pragma__('noskip')
import math

from backgrone.core.bilinear import resize_axis, sample_row
from backgrone.core.engines import OUTPUT_MINMAX


def to_byte(value: float) -> int:
    """Round half up and clamp into 0..255: the same in CPython and in JS, whatever the array."""
    byte = math.floor(value * 255.0 + 0.5)
    if byte < 0:
        return 0
    if byte > 255:
        return 255
    return byte


def mask_to_alpha8(
    mask: Sequence[float], count: int, output_mode: str, out: MutableSequence[int]
) -> None:
    """Map raw model output to 0..255, clamped (probabilities) or min-max stretched."""
    low = 0.0
    span = 1.0
    if output_mode == OUTPUT_MINMAX:
        low = mask[0]
        high = mask[0]
        for i in range(count):
            v = mask[i]
            if v < low:
                low = v
            if v > high:
                high = v
        span = high - low
        if span <= 0.0:
            # A flat output carries no information: call it all foreground rather than divide by 0.
            for i in range(count):
                out[i] = 255
            return
    for i in range(count):
        out[i] = to_byte((mask[i] - low) / span)


def apply_alpha(
    alpha8: Sequence[int],
    mask_width: int,
    mask_height: int,
    rgba: MutableSequence[int],
    width: int,
    height: int,
    line: MutableSequence[float],
) -> None:
    """Upscale the mask bilinearly to width x height and multiply it into rgba's alpha.

    The photo's own alpha is kept (a transparent pixel stays transparent); every full-size
    pixel is touched once, with the column taps computed once per call rather than per pixel.
    line: width floats (float64) of scratch, the upscaled row.
    """
    apply_alpha_rows(alpha8, mask_width, mask_height, rgba, width, height, 0, height, line)


def apply_alpha_rows(
    alpha8: Sequence[int], mask_width: int, mask_height: int, rgba: MutableSequence[int],
    width: int, height: int, first: int, rows: int, line: MutableSequence[float],
) -> None:
    """apply_alpha for photo rows first..first+rows-1 of a width x height photo, rgba holding
    just those rows: a band at a time gives the same bytes as the whole photo at once."""
    cols = resize_axis(mask_width, width)
    row_axis = resize_axis(mask_height, height)
    for y in range(first, first + rows):
        sample_row(alpha8, mask_width, row_axis, y, cols, width, line, 0)
        pixel = 4 * (y - first) * width + 3
        for x in range(width):
            rgba[pixel] = math.floor(line[x] * rgba[pixel] / 255.0 + 0.5)
            pixel += 4
