"""RGBA pixels to the model's NCHW float input."""
# __pragma__('skip')
from typing import MutableSequence, Sequence
# __pragma__('noskip')


def rgba_to_nchw(
    rgba: Sequence[int], pixels: int, mean: Sequence[float], std: Sequence[float],
    out: MutableSequence[float],
) -> None:
    """Write planes R, G, B of `pixels` RGBA pixels into `out` as (p - mean[c]) / std[c].

    `out` is preallocated by the caller (a Float32Array in the browser) so that the same
    buffer can serve every job; alpha is ignored, as the models were trained on RGB.
    Each channel is computed as p * (1 / std) + (-mean / std): one multiply-add per value, and
    for ISNet and RMBG-1.4 the very scale and offset (1/256, -0.5; 1/255, -0.5) they had as a
    single pair, so their inputs are the same to the bit (tests/unit/test_core_pixels.py).
    """
    red_scale = 1.0 / std[0]
    green_scale = 1.0 / std[1]
    blue_scale = 1.0 / std[2]
    red_offset = -mean[0] / std[0]
    green_offset = -mean[1] / std[1]
    blue_offset = -mean[2] / std[2]
    green = pixels
    blue = 2 * pixels
    for i in range(pixels):
        src = 4 * i
        out[i] = rgba[src] * red_scale + red_offset
        out[green + i] = rgba[src + 1] * green_scale + green_offset
        out[blue + i] = rgba[src + 2] * blue_scale + blue_offset
