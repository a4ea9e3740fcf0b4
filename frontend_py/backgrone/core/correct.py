"""Corrective clicks on the model's mask: each click flips the wrong region it lands in, grown
along the photo's own edges (geodesic growth), never a disc around the cursor.

Works on a grid of the model's mask (its input size, `side` x `side`) with the photo at that size
(the worker's small RGBA): both are box-averaged onto a working grid GRID times smaller, where a
step between neighbours costs its length times 1 + COLOUR x (RGB difference) + PROB x
(difference of the model's probability, 0..255). A click labelled `keep` grows through the
pixels now labelled the other way, up to a geodesic reach of TAU + SCALE x (the click's distance
to the nearest pixel already labelled `keep`: a click deep inside a big wrong region reaches
far), cut where the growth stalls (an edge of the photo: `stall`) and at most SHARE of the pixels
labelled the other way. Clicks are applied oldest first, each on the labels the ones before
left, so passing every click again gives the same result (stateless: undo is dropping the last).
Strokes are painted after the clicks, as hard discs on the mask. Parameters were chosen on
bench/clicks.py's tuning half of the composites. The hot loops run on typed arrays
(Float64Array in the worker, array('d') under CPython).
"""
# __pragma__('skip')
from typing import Any, List, MutableSequence, Sequence
# __pragma__('noskip')
import math

GRID = 4  # working grid: the model's side / GRID (256 for ISNet's 1024)
COLOUR = 0.3  # cost per unit of RGB difference (0..255) of a step
PROB = 0.5  # cost per unit of probability difference (0..255) of a step
TAU = 10.0  # reach of a click, in working pixels, before scaling by its depth
SCALE = 3.0  # reach per working pixel of the click's depth inside its wrong region
SHARE = 0.6  # at most this share of the pixels labelled the other way flips in one click
ENDED = 0.125  # a growth whose farthest pixel is this share short of its reach ended by itself
LEVELS = 64  # histogram of geodesic distance, for where a growth stalls
STALL = 0.5  # a stall: at most this share of the median growth per level
FAR = 1.0e18
DIAGONAL = math.sqrt(2.0)


class Click:
    """One hint in the mask's grid: x, y in 0..side, keep: this is the subject."""

    def __init__(self, x: float, y: float, keep: bool) -> None:
        self.x = x
        self.y = y
        self.keep = keep


class Stroke:
    """A brush stroke in the mask's grid: points [[x, y], ...], keep, radius (mask pixels)."""

    def __init__(self, points: List[List[float]], keep: bool, radius: float) -> None:
        self.points = points
        self.keep = keep
        self.radius = radius


class Work:
    """The working grid's planes, allocated by the caller (make_floats(n) -> a float buffer)."""

    def __init__(self, side: int, make_floats: Any) -> None:
        self.side = side
        self.size = max(1, math.floor(side / GRID))
        count = self.size * self.size
        self.prob = make_floats(count)
        self.red = make_floats(count)
        self.green = make_floats(count)
        self.blue = make_floats(count)
        self.label = make_floats(count)  # 1 subject, 0 background, on the working grid
        self.distance = make_floats(count)
        self.bins = make_floats(LEVELS)


def box_down(alpha8: Sequence[int], rgba: Sequence[int], side: int, work: Work) -> None:
    """Mean probability and colour of each GRID x GRID block."""
    size = work.size
    cell = math.floor(side / size)
    norm = 1.0 / (cell * cell)
    for gy in range(size):
        for gx in range(size):
            p = 0.0
            r = 0.0
            g = 0.0
            b = 0.0
            for y in range(gy * cell, gy * cell + cell):
                row = y * side
                for x in range(gx * cell, gx * cell + cell):
                    i = row + x
                    p += alpha8[i]
                    r += rgba[4 * i]
                    g += rgba[4 * i + 1]
                    b += rgba[4 * i + 2]
            k = gy * size + gx
            work.prob[k] = p * norm
            work.red[k] = r * norm
            work.green[k] = g * norm
            work.blue[k] = b * norm
            work.label[k] = 1.0 if p * norm >= 127.5 else 0.0


def step_cost(work: Work, j: int, k: int, length: float) -> float:
    """The cost of the step between neighbours j and k: its length, more across a colour edge
    (Euclidean RGB difference) or an edge of the model's probability (0..255)."""
    dr = work.red[j] - work.red[k]
    dg = work.green[j] - work.green[k]
    db = work.blue[j] - work.blue[k]
    dp = work.prob[j] - work.prob[k]
    if dp < 0:
        dp = -dp
    cost: float = length * (1.0 + COLOUR * math.sqrt(dr * dr + dg * dg + db * db) + PROB * dp)
    return cost


def relax(work: Work, keep: float, forward: bool) -> None:
    """One raster pass of geodesic distance over the pixels labelled other than `keep`: each
    takes the cheapest of its four already-visited neighbours plus the step's cost."""
    size = work.size
    dist = work.distance
    label = work.label
    step = 1 if forward else -1
    first = 0 if forward else size - 1
    for n in range(size):
        y = first + step * n
        for m in range(size):
            x = first + step * m
            k = y * size + x
            if label[k] == keep:
                continue
            best = dist[k]
            # the neighbour before in this row, and the three in the row before
            if 0 <= x - step < size:
                j = k - step
                if label[j] != keep and dist[j] < best:
                    d = dist[j] + step_cost(work, j, k, 1.0)
                    if d < best:
                        best = d
            py = y - step
            if 0 <= py < size:
                for dx in range(-1, 2):
                    px = x + dx
                    if 0 <= px < size:
                        j = py * size + px
                        if label[j] != keep and dist[j] < best:
                            d = dist[j] + step_cost(work, j, k, 1.0 if dx == 0 else DIAGONAL)
                            if d < best:
                                best = d
            dist[k] = best


def depth(work: Work, keep: float, gx: int, gy: int) -> float:
    """How far the click is from the nearest pixel labelled `keep` (the frame does not count):
    the scale of the wrong region it sits in, in working pixels."""
    size = work.size
    best = FAR
    for y in range(size):
        row = y * size
        for x in range(size):
            if work.label[row + x] == keep:
                dx = x - gx
                dy = y - gy
                d = dx * dx + dy * dy
                if d < best:
                    best = d
    if best >= FAR:
        return float(size)
    return math.sqrt(best)


def flipped(work: Work, keep: float, reach: float) -> int:
    count = 0
    for k in range(work.size * work.size):
        if work.label[k] != keep and work.distance[k] < reach:
            count += 1
    return count


def stall(work: Work, keep: float, reach: float, bins: Any) -> float:
    """Where the growth stalls: the level (from reach / 16 up to the reach) at which the
    fewest pixels are added per unit of distance, against the ring a free growth would add
    (proportional to the level). An edge of the photo makes such a stall; a free growth
    keeps the whole reach."""
    top = 0.0
    for k in range(work.size * work.size):
        d = work.distance[k]
        if work.label[k] != keep and d < reach and d > top:
            top = d
    if top <= 0.0 or top < reach * (1.0 - ENDED):
        return reach  # the growth ended by itself, well before its reach: keep it whole
    reach = top * (1.0 + 1.0 / LEVELS)
    for b in range(LEVELS):
        bins[b] = 0.0
    for k in range(work.size * work.size):
        d = work.distance[k]
        if work.label[k] != keep and d < reach:
            bins[math.floor(d * LEVELS / reach)] += 1.0
    densities = []
    for b in range(LEVELS // 16, LEVELS):
        densities.append(bins[b] / (b + 0.5))
    lowest = densities[0]
    at = 0
    for i in range(len(densities)):
        if densities[i] < lowest:
            lowest = densities[i]
            at = i
    ordered = sorted(densities)
    median = ordered[len(ordered) // 2]
    if lowest >= STALL * median:
        return reach
    return (at + LEVELS // 16) * reach / LEVELS


def capped(work: Work, keep: float, reach: float) -> float:
    """The reach, halved until the click flips at most SHARE of the pixels labelled the other
    way: on a smooth background a weak edge would otherwise let one click take it all."""
    others = 0
    for k in range(work.size * work.size):
        if work.label[k] != keep:
            others += 1
    limit = SHARE * others
    for _ in range(12):
        if flipped(work, keep, reach) <= limit:
            return reach
        reach = reach * 0.5
    return reach


def grow(work: Work, click: Click, side: int) -> None:
    """Flip the region of the click on the working labels."""
    size = work.size
    gx = min(size - 1, max(0, math.floor(click.x * size / side)))
    gy = min(size - 1, max(0, math.floor(click.y * size / side)))
    keep = 1.0 if click.keep else 0.0
    seed = gy * size + gx
    if work.label[seed] == keep:
        return  # already right here: nothing to do
    for k in range(size * size):
        work.distance[k] = FAR
    work.distance[seed] = 0.0
    for _ in range(2):
        relax(work, keep, True)
        relax(work, keep, False)
    reach = stall(work, keep, TAU + SCALE * depth(work, keep, gx, gy), work.bins)
    reach = capped(work, keep, reach)
    for k in range(size * size):
        if work.label[k] != keep and work.distance[k] < reach:
            work.label[k] = keep


def paint(out: MutableSequence[int], side: int, stroke: Stroke) -> None:
    """A stroke as hard discs at each point, onto the mask."""
    value = 255 if stroke.keep else 0
    radius = max(0.5, stroke.radius)
    for point in stroke.points:
        cx = point[0]
        cy = point[1]
        x0 = max(0, math.floor(cx - radius))
        x1 = min(side - 1, math.floor(cx + radius))
        y0 = max(0, math.floor(cy - radius))
        y1 = min(side - 1, math.floor(cy + radius))
        for y in range(y0, y1 + 1):
            for x in range(x0, x1 + 1):
                dx = x + 0.5 - cx
                dy = y + 0.5 - cy
                if dx * dx + dy * dy <= radius * radius:
                    out[y * side + x] = value


def correct(alpha8: Sequence[int], rgba: Sequence[int], side: int, clicks: List[Click],
            strokes: List[Stroke], work: Work, out: MutableSequence[int]) -> int:
    """The mask corrected by the clicks then the strokes, into `out` (side x side bytes).
    Returns how many mask pixels changed."""
    for i in range(side * side):
        out[i] = alpha8[i]
    if len(clicks) > 0:
        box_down(alpha8, rgba, side, work)
        for click in clicks:
            grow(work, click, side)
        size = work.size
        cell = math.floor(side / size)
        for gy in range(size):
            for gx in range(size):
                k = gy * size + gx
                now = work.label[k]
                before = 1.0 if work.prob[k] >= 127.5 else 0.0
                if now == before:
                    continue
                value = 255 if now > 0.5 else 0
                for y in range(gy * cell, gy * cell + cell):
                    for x in range(gx * cell, gx * cell + cell):
                        out[y * side + x] = value
    for stroke in strokes:
        paint(out, side, stroke)
    changed = 0
    for i in range(side * side):
        if out[i] != alpha8[i]:
            changed += 1
    return changed


def clicks_in_grid(hints: List[Any], width: int, height: int, side: int) -> List[Click]:
    """protocol hints [[x, y, keep], ...] in the photo's pixels onto the mask's grid (pixel
    centres, as the mask is stretched over the photo)."""
    out = []
    for hint in hints:
        out.append(Click((hint[0] + 0.5) * side / width, (hint[1] + 0.5) * side / height, hint[2] is True))
    return out


def strokes_in_grid(strokes: List[Any], width: int, height: int, side: int) -> List[Stroke]:
    """protocol strokes [[points, keep, radius], ...] onto the mask's grid; the radius scales
    with the photo's larger side."""
    out = []
    scale = side / max(width, height)
    for stroke in strokes:
        points = []
        for point in stroke[0]:
            points.append([(point[0] + 0.5) * side / width, (point[1] + 0.5) * side / height])
        out.append(Stroke(points, stroke[1] is True, stroke[2] * scale))
    return out
