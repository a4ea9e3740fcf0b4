"""RGBA pixels to the model's NCHW float input."""
# __pragma__('skip')
from typing import MutableSequence, Sequence
# __pragma__('noskip')


def rgba_to_nchw(
    rgba: Sequence[int], pixels: int, scale: float, offset: float, out: MutableSequence[float]
) -> None:
    """Write planes R, G, B of `pixels` RGBA pixels into `out` as p * scale + offset.

    `out` is preallocated by the caller (a Float32Array in the browser) so that the same
    buffer can serve every job; alpha is ignored, as the models were trained on RGB.
    """
    green = pixels
    blue = 2 * pixels
    for i in range(pixels):
        src = 4 * i
        out[i] = rgba[src] * scale + offset
        out[green + i] = rgba[src + 1] * scale + offset
        out[blue + i] = rgba[src + 2] * scale + offset
