"""The touch-up brush on a cutout's alpha: round dabs that erase or restore, and undo/redo.

Buffers are width x height alpha bytes (Uint8ClampedArray in the browser, bytearray here);
the caller allocates them, through the `make_buffer` function handed to EditHistory.
"""
# __pragma__('skip')
from typing import Any, Callable, List, MutableSequence, Sequence
# __pragma__('noskip')
import math

ERASE = "erase"
RESTORE = "restore"

# Strokes kept for undo; each holds two copies of the rectangle it touched.
MAX_HISTORY = 50


def dab_weight(distance: float, radius: float, hardness: float) -> float:
    """How strongly a dab acts at `distance` from its centre: 1 inside the hard core
    (hardness x radius), easing smoothly to 0 at the radius."""
    if distance >= radius:
        return 0.0
    core = radius * hardness
    if distance <= core:
        return 1.0
    t = (radius - distance) / (radius - core)
    return t * t * (3.0 - 2.0 * t)


def paint_dab(alpha: MutableSequence[int], width: int, height: int, cx: float, cy: float,
              radius: float, hardness: float, mode: str, bounds: List[int]) -> None:
    """Erase (towards 0) or restore (towards 255) the pixels around (cx, cy), in place.

    A pixel only ever moves towards the target, so going over it again never undoes work.
    `bounds` ([x0, y0, x1, y1], x1/y1 exclusive; x0 > x1 when empty) grows to cover the dab.
    """
    x0 = max(0, math.floor(cx - radius))
    y0 = max(0, math.floor(cy - radius))
    x1 = min(width, math.floor(cx + radius) + 1)
    y1 = min(height, math.floor(cy + radius) + 1)
    if x0 >= x1 or y0 >= y1:
        return
    target = 0 if mode == ERASE else 255
    for y in range(y0, y1):
        dy = y + 0.5 - cy
        row = y * width
        for x in range(x0, x1):
            dx = x + 0.5 - cx
            weight = dab_weight(math.sqrt(dx * dx + dy * dy), radius, hardness)
            if weight <= 0.0:
                continue
            old = alpha[row + x]
            value = math.floor(old + (target - old) * weight + 0.5)
            if mode == ERASE and value < old or mode != ERASE and value > old:
                alpha[row + x] = value
    if bounds[0] > bounds[2]:
        bounds[0] = x0
        bounds[1] = y0
        bounds[2] = x1
        bounds[3] = y1
    else:
        bounds[0] = min(bounds[0], x0)
        bounds[1] = min(bounds[1], y0)
        bounds[2] = max(bounds[2], x1)
        bounds[3] = max(bounds[3], y1)


def stroke_points(x0: float, y0: float, x1: float, y1: float, spacing: float) -> List[List[float]]:
    """Dab centres from (x0, y0) (excluded) to (x1, y1) (included), `spacing` apart at most,
    so a fast pointer still paints a continuous line."""
    dx = x1 - x0
    dy = y1 - y0
    steps = max(1, math.ceil(math.sqrt(dx * dx + dy * dy) / max(spacing, 0.5)))
    points = []
    for i in range(1, steps + 1):
        points.append([x0 + dx * i / steps, y0 + dy * i / steps])
    return points


def copy_rect(source: Sequence[int], width: int, rect: List[int], out: MutableSequence[int],
              first: int = 0, stride: int = 1) -> None:
    """The rectangle [x0, y0, x1, y1] of a width-wide buffer, row by row, into `out` from index
    `first` every `stride` items (3 and 4: into the alpha channel of RGBA bytes)."""
    i = first
    for y in range(rect[1], rect[3]):
        row = y * width
        for x in range(rect[0], rect[2]):
            out[i] = source[row + x]
            i += stride


def paste_rect(target: MutableSequence[int], width: int, rect: List[int], patch: Sequence[int]) -> None:
    """The inverse of copy_rect."""
    i = 0
    for y in range(rect[1], rect[3]):
        row = y * width
        for x in range(rect[0], rect[2]):
            target[row + x] = patch[i]
            i += 1


def empty_bounds() -> List[int]:
    return [1, 1, 0, 0]


class Patch:
    """One stroke: the rectangle it touched, before and after."""

    def __init__(self, rect: List[int], before: Any, after: Any) -> None:
        self.rect = rect
        self.before = before
        self.after = after


# __pragma__('skip')
BufferFn = Callable[[int], Any]  # a type alias: mypy only
# __pragma__('noskip')


class EditHistory:
    """The edited alpha of one cutout, with undo and redo by stroke.

    `alpha` is what the user sees and downloads; `committed` is alpha as of the last finished
    stroke, so a stroke's "before" is known without copying anything while painting.
    """

    def __init__(self, alpha: Any, width: int, height: int, make_buffer: BufferFn) -> None:
        self.alpha = alpha
        self.width = width
        self.height = height
        self.make_buffer = make_buffer
        self.committed = make_buffer(width * height)
        paste_rect(self.committed, width, [0, 0, width, height], alpha)
        self.done: List[Patch] = []
        self.undone: List[Patch] = []
        self.bounds = empty_bounds()
        # Grows with every change, so a download knows when it is stale.
        self.version = 0

    def dab(self, cx: float, cy: float, radius: float, hardness: float, mode: str) -> List[int]:
        """Paint one dab of the current stroke; returns the rectangle it may have changed."""
        rect = empty_bounds()
        paint_dab(self.alpha, self.width, self.height, cx, cy, radius, hardness, mode, rect)
        if rect[0] < rect[2]:
            self._grow(rect)
        return rect

    def _grow(self, rect: List[int]) -> None:
        if self.bounds[0] > self.bounds[2]:
            self.bounds = [rect[0], rect[1], rect[2], rect[3]]
        else:
            self.bounds = [min(self.bounds[0], rect[0]), min(self.bounds[1], rect[1]),
                           max(self.bounds[2], rect[2]), max(self.bounds[3], rect[3])]

    def end_stroke(self) -> bool:
        """Close the current stroke as one undo step; False if it changed nothing."""
        rect = self.bounds
        self.bounds = empty_bounds()
        if rect[0] >= rect[2] or rect[1] >= rect[3]:
            return False
        count = (rect[2] - rect[0]) * (rect[3] - rect[1])
        before = self.make_buffer(count)
        after = self.make_buffer(count)
        copy_rect(self.committed, self.width, rect, before)
        copy_rect(self.alpha, self.width, rect, after)
        paste_rect(self.committed, self.width, rect, after)
        self.done.append(Patch(rect, before, after))
        if len(self.done) > MAX_HISTORY:
            self.done.pop(0)
        self.undone = []
        self.version += 1
        return True

    def can_undo(self) -> bool:
        return len(self.done) > 0

    def can_redo(self) -> bool:
        return len(self.undone) > 0

    def undo(self) -> List[int]:
        """Revert the last stroke; returns its rectangle ([] when there is nothing to undo)."""
        if len(self.done) == 0:
            return []
        patch = self.done.pop()
        paste_rect(self.alpha, self.width, patch.rect, patch.before)
        paste_rect(self.committed, self.width, patch.rect, patch.before)
        self.undone.append(patch)
        self.version += 1
        return patch.rect

    def redo(self) -> List[int]:
        if len(self.undone) == 0:
            return []
        patch = self.undone.pop()
        paste_rect(self.alpha, self.width, patch.rect, patch.after)
        paste_rect(self.committed, self.width, patch.rect, patch.after)
        self.done.append(patch)
        self.version += 1
        return patch.rect


# Where the brush raises or lowers a pixel's alpha, its colour is the cutout's own (the refined,
# decontaminated foreground colour at the edges) when the cutout stored it finely enough, and
# the photo's otherwise. The cutout went through a premultiplied canvas, so a colour stored at
# alpha a comes back in steps of 255 / a: at 64 and above a channel is within 2 of what the
# refinement computed; below, and at alpha 0 (no colour at all), the photo's colour is used.
MIN_COLOUR_ALPHA = 64


def colour_layer(rgba: MutableSequence[int], photo: Sequence[int], count: int,
                 alpha_out: MutableSequence[int]) -> None:
    """The colours the brush paints with, in place over the cutout's RGBA pixels: the cutout's
    colour where its alpha is at least MIN_COLOUR_ALPHA, the photo's elsewhere, every pixel made
    opaque. alpha_out (count bytes) receives the cutout's alpha."""
    for i in range(count):
        p = 4 * i
        a = rgba[p + 3]
        alpha_out[i] = a
        if a < MIN_COLOUR_ALPHA:
            rgba[p] = photo[p]
            rgba[p + 1] = photo[p + 1]
            rgba[p + 2] = photo[p + 2]
        rgba[p + 3] = 255


def edited_layer(rgba: MutableSequence[int], photo: Sequence[int], alpha: Sequence[int],
                 count: int) -> None:
    """The download after brush edits, in place over the cutout's RGBA pixels: every pixel gets
    its edited alpha; one the brush changed takes colour_layer's colour, one it left alone keeps
    its bytes, so that undoing every stroke gives back the cutout exactly."""
    for i in range(count):
        p = 4 * i
        old = rgba[p + 3]
        new = alpha[i]
        if new == old:
            continue
        if old < MIN_COLOUR_ALPHA:
            rgba[p] = photo[p]
            rgba[p + 1] = photo[p + 1]
            rgba[p + 2] = photo[p + 2]
        rgba[p + 3] = new
