"""Edge refinement: a fast colour guided filter steers the mask onto the photo's edges, and the
foreground colour is estimated where alpha is fractional so that the cutout carries no halo.

He, Sun, Tang, "Guided Image Filtering" (TPAMI 2013) and He, Sun, "Fast Guided Filter" (2015):
the filter fits alpha = a . rgb + b in every window, so alpha follows the photo's colour edges
wherever the mask changes, and stays what it was where the mask is flat. The coefficients are
fitted on a working grid (the photo box-averaged by `step`, at most WORK_SIDE on its long side)
and interpolated back to full size, so the cost at full size is one pass over the pixels.
Foreground colour, after Forte, Pitie, "Approximate Fast Foreground Colour Estimation" (ICIP
2021): local foreground and background colours are window means weighted by alpha^8 and
(1 - alpha)^8, so that mixed pixels barely count; each partly transparent pixel then gets the
least change to them that satisfies the compositing equation I = a F + (1 - a) B.

Everything is O(pixels) with box filters made of running sums. Buffers are preallocated by the
caller (Float32Array / Float64Array in the browser, array('f') / array('d') under CPython);
every value computed in float64 and stored in a float32 plane, in the same order of operations,
so that the transpiled code and CPython (and bench/quality_refine.py) agree bit for bit.
"""
# __pragma__('skip')
from typing import List, MutableSequence, Sequence
# __pragma__('noskip')
import math

from backgrone.core.geometry import Axis

# The model sees the whole photo at its input size (1024 x 1024) and its mask has that size,
# so its boundary errors and the width of its soft ramps are a fixed fraction of the photo:
# about 2-4 mask pixels. The filter window (2 * RADIUS + 1 mask pixels) spans such a ramp with
# confident pixels on both sides, which is what anchors the local linear fit.
RADIUS_MASK_PIXELS = 4
# Regularisation of the fit in (0..1)^2 units of colour variance: (8/255)^2, the noise level of
# a JPEG photo. Edges with less contrast than this do not steer the mask.
EPSILON = 0.001
# The fit shrinks a low-contrast step and spreads the rest over the window, leaving residues
# below 1/4 and above 3/4 beside edges; a gain of 2 about 1/2 maps them back to 0 and 1.
# The centre is 128, the byte threshold of "foreground": what thresholds at 1/2 (IoU, boundary
# F) is unchanged by the gain, and an integer mask value maps to an integer, never to a .5 that
# rounding noise could tip either way (a constant mask stays exactly constant).
GAIN = 2.0
CENTRE = 128.0
# The working grid's long side is at most this: no finer than the mask the model gives.
WORK_SIDE = 1024
# Foreground and background colours are averaged over twice the filter's radius: beyond the
# refined ramp, into pixels that are surely one or the other.
COLOUR_RADIUS_FACTOR = 2

# Working planes (see refine()); the caller allocates PLANES planes of plan.count floats.
PLANES = 18
# The line buffer holds prefix sums, column sums, and per full-size row 10 interpolated
# rows and the row's settled flags.
LINE_ROWS = 11


class RefinePlan:
    """Sizes for refining a width x height photo with a mask_side x mask_side mask: working
    grid, step and filter radii. work_side is WORK_SIDE but for tests of small photos."""

    def __init__(self, width: int, height: int, mask_side: int, work_side: int = WORK_SIDE) -> None:
        self.width = width
        self.height = height
        self.mask_side = mask_side
        long_side = width if width > height else height
        step = math.floor((long_side + work_side - 1) / work_side)
        if step < 1:
            step = 1
        self.step = step
        self.work_width = math.floor((width + step - 1) / step)
        self.work_height = math.floor((height + step - 1) / step)
        self.count = self.work_width * self.work_height
        work_long = self.work_width if self.work_width > self.work_height else self.work_height
        radius = math.floor(RADIUS_MASK_PIXELS * work_long / mask_side + 0.5)
        if radius < 1:
            radius = 1
        self.radius = radius
        self.colour_radius = COLOUR_RADIUS_FACTOR * radius
        # Prefix sums need work_width + 1; interpolated rows LINE_ROWS * work_width.
        self.line_length = LINE_ROWS * (self.work_width + 1)


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


def guide_planes(
    rgba: Sequence[int], plan: RefinePlan,
    red: MutableSequence[float], green: MutableSequence[float], blue: MutableSequence[float],
) -> None:
    """The photo on the working grid, 0..255 per channel: the mean of each step x step block
    (summed in locals: integers, exact in any order)."""
    width = plan.width
    height = plan.height
    step = plan.step
    work_width = plan.work_width
    for by in range(plan.work_height):
        top = by * step
        bottom = top + step
        if bottom > height:
            bottom = height
        for bx in range(work_width):
            left = bx * step
            right = left + step
            if right > width:
                right = width
            sum_r = 0.0
            sum_g = 0.0
            sum_b = 0.0
            for y in range(top, bottom):
                pixel = 4 * (y * width + left)
                for _x in range(left, right):
                    sum_r += rgba[pixel]
                    sum_g += rgba[pixel + 1]
                    sum_b += rgba[pixel + 2]
                    pixel += 4
            i = by * work_width + bx
            if step == 1:
                red[i] = sum_r
                green[i] = sum_g
                blue[i] = sum_b
            else:
                n = (bottom - top) * (right - left)
                red[i] = sum_r / n
                green[i] = sum_g / n
                blue[i] = sum_b / n


def mask_plane(alpha8: Sequence[int], plan: RefinePlan, out: MutableSequence[float]) -> None:
    """The mask (0..255) sampled bilinearly at the working grid's block centres."""
    mask_side = plan.mask_side
    cols = mask_axis(mask_side, plan.width, plan.step, plan.work_width)
    rows = mask_axis(mask_side, plan.height, plan.step, plan.work_height)
    work_width = plan.work_width
    for y in range(plan.work_height):
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
    borders. Rows by prefix sums, columns by a sliding sum: O(1) per pixel whatever the radius."""
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


def guided_coefficients(planes: List[MutableSequence[float]], plan: RefinePlan,
                        line: MutableSequence[float]) -> None:
    """Fit alpha = a . rgb + b per window (planes 0-3: guide and mask) and average the fits:
    planes 4-7 end as the mean a_red, a_green, a_blue and b."""
    w = plan.work_width
    h = plan.work_height
    r = plan.radius
    red = planes[0]
    green = planes[1]
    blue = planes[2]
    mask = planes[3]
    temp = planes[17]
    # Means of the guide, the mask, and of their products (the 3x3 covariance and cov(rgb, p)).
    box_mean(red, red, False, planes[4], temp, w, h, r, line)
    box_mean(green, green, False, planes[5], temp, w, h, r, line)
    box_mean(blue, blue, False, planes[6], temp, w, h, r, line)
    box_mean(mask, mask, False, planes[7], temp, w, h, r, line)
    box_mean(red, red, True, planes[8], temp, w, h, r, line)
    box_mean(red, green, True, planes[9], temp, w, h, r, line)
    box_mean(red, blue, True, planes[10], temp, w, h, r, line)
    box_mean(green, green, True, planes[11], temp, w, h, r, line)
    box_mean(green, blue, True, planes[12], temp, w, h, r, line)
    box_mean(blue, blue, True, planes[13], temp, w, h, r, line)
    box_mean(red, mask, True, planes[14], temp, w, h, r, line)
    box_mean(green, mask, True, planes[15], temp, w, h, r, line)
    box_mean(blue, mask, True, planes[16], temp, w, h, r, line)
    eps = EPSILON * 255.0 * 255.0
    mean_r = planes[4]
    mean_g = planes[5]
    mean_b = planes[6]
    mean_p = planes[7]
    for i in range(plan.count):
        mr = mean_r[i]
        mg = mean_g[i]
        mb = mean_b[i]
        mp = mean_p[i]
        rr = planes[8][i] - mr * mr + eps
        rg = planes[9][i] - mr * mg
        rb = planes[10][i] - mr * mb
        gg = planes[11][i] - mg * mg + eps
        gb = planes[12][i] - mg * mb
        bb = planes[13][i] - mb * mb + eps
        cr = planes[14][i] - mr * mp
        cg = planes[15][i] - mg * mp
        cb = planes[16][i] - mb * mp
        # (Sigma + eps I)^-1 by cofactors; the matrix is positive definite, so det > 0.
        inv_rr = gg * bb - gb * gb
        inv_rg = gb * rb - rg * bb
        inv_rb = rg * gb - gg * rb
        inv_gg = rr * bb - rb * rb
        inv_gb = rb * rg - rr * gb
        inv_bb = rr * gg - rg * rg
        det = rr * inv_rr + rg * inv_rg + rb * inv_rb
        a_r = (inv_rr * cr + inv_rg * cg + inv_rb * cb) / det
        a_g = (inv_rg * cr + inv_gg * cg + inv_gb * cb) / det
        a_b = (inv_rb * cr + inv_gb * cg + inv_bb * cb) / det
        planes[8][i] = a_r
        planes[9][i] = a_g
        planes[10][i] = a_b
        planes[11][i] = mp - a_r * mr - a_g * mg - a_b * mb
    # Each pixel lies in (2r+1)^2 windows: average their fits.
    box_mean(planes[8], planes[8], False, planes[4], temp, w, h, r, line)
    box_mean(planes[9], planes[9], False, planes[5], temp, w, h, r, line)
    box_mean(planes[10], planes[10], False, planes[6], temp, w, h, r, line)
    box_mean(planes[11], planes[11], False, planes[7], temp, w, h, r, line)


def shaped(q: float) -> float:
    """The filter's output (0..255) after the gain about the centre, clamped to 0..255."""
    v = CENTRE + GAIN * (q - CENTRE)
    if v < 0.0:
        return 0.0
    if v > 255.0:
        return 255.0
    return v


def linear_alpha(q: float) -> float:
    """The fit itself (before the gain) as a coverage in 0..1: the colour estimate's alpha."""
    if q <= 0.0:
        return 0.0
    if q >= 255.0:
        return 1.0
    return q / 255.0


def colour_planes(planes: List[MutableSequence[float]], plan: RefinePlan,
                  line: MutableSequence[float]) -> None:
    """Local foreground and background colours on the working grid (planes 8-10 and 11-13):
    window means weighted by alpha^8 and (1 - alpha)^8, alpha being the fit before the gain.
    A pixel at alpha 0.9 counts 2.6 times one at 0.8 and 26 times one at 0.6: the estimate
    leans on the purest pixels in reach (where none is, the pixel's own colour stands)."""
    w = plan.work_width
    h = plan.work_height
    r = plan.colour_radius
    red = planes[0]
    green = planes[1]
    blue = planes[2]
    fore = planes[3]
    back = planes[16]
    temp = planes[17]
    for i in range(plan.count):
        q = planes[4][i] * red[i] + planes[5][i] * green[i] + planes[6][i] * blue[i] + planes[7][i]
        alpha = linear_alpha(q)
        rest = 1.0 - alpha
        weight = alpha * alpha
        weight = weight * weight
        fore[i] = weight * weight
        weight = rest * rest
        weight = weight * weight
        back[i] = weight * weight
    box_mean(fore, fore, False, planes[14], temp, w, h, r, line)
    box_mean(back, back, False, planes[15], temp, w, h, r, line)
    box_mean(red, fore, True, planes[8], temp, w, h, r, line)
    box_mean(green, fore, True, planes[9], temp, w, h, r, line)
    box_mean(blue, fore, True, planes[10], temp, w, h, r, line)
    box_mean(red, back, True, planes[11], temp, w, h, r, line)
    box_mean(green, back, True, planes[12], temp, w, h, r, line)
    box_mean(blue, back, True, planes[13], temp, w, h, r, line)
    for i in range(plan.count):
        weight = planes[14][i]
        if weight > 0.000001:
            planes[8][i] = planes[8][i] / weight
            planes[9][i] = planes[9][i] / weight
            planes[10][i] = planes[10][i] / weight
        else:
            planes[8][i] = red[i]
            planes[9][i] = green[i]
            planes[10][i] = blue[i]
        weight = planes[15][i]
        if weight > 0.000001:
            planes[11][i] = planes[11][i] / weight
            planes[12][i] = planes[12][i] / weight
            planes[13][i] = planes[13][i] / weight
        else:
            planes[11][i] = red[i]
            planes[12][i] = green[i]
            planes[13][i] = blue[i]


def channel_byte(value: float) -> int:
    byte = math.floor(value + 0.5)
    if byte < 0:
        return 0
    if byte > 255:
        return 255
    return byte


def refine(
    alpha8: Sequence[int], rgba: MutableSequence[int], plan: RefinePlan,
    planes: List[MutableSequence[float]], line: MutableSequence[float],
) -> None:
    """Refine the mask against the photo and write it into rgba's alpha (times the photo's own
    alpha, as mask.apply_alpha does); where the refined alpha is fractional, replace the colour
    by the estimated foreground colour. Opaque and transparent pixels keep their colours.

    planes: PLANES buffers of plan.count floats; line: plan.line_length floats (float64).
    """
    guide_planes(rgba, plan, planes[0], planes[1], planes[2])
    mask_plane(alpha8, plan, planes[3])
    guided_coefficients(planes, plan, line)
    colour_planes(planes, plan, line)
    write_full(rgba, plan, planes, line)


def settled_flags(planes: List[MutableSequence[float]], plan: RefinePlan) -> None:
    """Plane 14: 1 where the fit gives alpha 255 for any colour, -1 where it gives 0 for any
    colour, else 0. A full-size pixel whose four working taps agree on 1 or -1 is settled
    without interpolation: the same bytes, since the fit at the pixel is a convex blend of the
    taps' fits (the margin of 1/2 dwarfs any rounding)."""
    full_above = CENTRE + (255.0 - CENTRE) / GAIN + 0.5
    none_below = CENTRE - CENTRE / GAIN - 0.5
    for i in range(plan.count):
        a_r = planes[4][i]
        a_g = planes[5][i]
        a_b = planes[6][i]
        b = planes[7][i]
        low = b
        high = b
        if a_r < 0.0:
            low += 255.0 * a_r
        else:
            high += 255.0 * a_r
        if a_g < 0.0:
            low += 255.0 * a_g
        else:
            high += 255.0 * a_g
        if a_b < 0.0:
            low += 255.0 * a_b
        else:
            high += 255.0 * a_b
        flag = 0.0
        if low >= full_above:
            flag = 1.0
        elif high <= none_below:
            flag = -1.0
        planes[14][i] = flag


def interpolate_rows(planes: List[MutableSequence[float]], first: int, slots: int, top: int,
                     bottom: int, fy: float, w: int, line: MutableSequence[float]) -> None:
    """Slots first..first+slots-1 of line: planes 4 + slot blended between two working rows."""
    for k in range(first, first + slots):
        plane = planes[4 + k]
        slot = k * w
        for x in range(w):
            upper = plane[top + x]
            line[slot + x] = upper + (plane[bottom + x] - upper) * fy


def write_full(rgba: MutableSequence[int], plan: RefinePlan,
               planes: List[MutableSequence[float]], line: MutableSequence[float]) -> None:
    """One pass over the full-size pixels: interpolate the fit and the colours, apply them."""
    settled_flags(planes, plan)
    width = plan.width
    height = plan.height
    w = plan.work_width
    cols = full_axis(w, width, plan.step)
    rows = full_axis(plan.work_height, height, plan.step)
    col_lo = cols.lo
    col_hi = cols.hi
    col_frac = cols.frac
    run_end = tap_runs(cols)
    flags = planes[14]
    flag_slot = 10 * w
    # line: slots 0-3 the fit, 4-9 the colours (interpolated rows), 10 the row's settled flags.
    for y in range(height):
        top = rows.lo[y] * w
        bottom = rows.hi[y] * w
        fy = rows.frac[y]
        for x in range(w):
            flag = flags[top + x]
            line[flag_slot + x] = flag if flag == flags[bottom + x] else 0.0
        # The fit's and the colours' rows are interpolated when a pixel first needs them.
        fit = False
        colours = False
        pixel = 4 * y * width
        x = 0
        while x < width:
            lo = col_lo[x]
            hi = col_hi[x]
            flag = line[flag_slot + lo]
            if flag != 0.0 and flag == line[flag_slot + hi]:
                # Settled: the whole run of pixels between these two taps at once (most of a
                # photo), opaque ones untouched.
                end = run_end[x]
                if flag < 0.0:
                    for k in range(pixel + 3, pixel + 4 * (end - x) + 4, 4):
                        rgba[k] = 0
                pixel += 4 * (end - x + 1)
                x = end + 1
                continue
            if not fit:
                interpolate_rows(planes, 0, 4, top, bottom, fy, w, line)
                fit = True
            fx = col_frac[x]
            a_r = line[lo] + (line[hi] - line[lo]) * fx
            a_g = line[w + lo] + (line[w + hi] - line[w + lo]) * fx
            a_b = line[2 * w + lo] + (line[2 * w + hi] - line[2 * w + lo]) * fx
            b = line[3 * w + lo] + (line[3 * w + hi] - line[3 * w + lo]) * fx
            red = rgba[pixel]
            green = rgba[pixel + 1]
            blue = rgba[pixel + 2]
            q = a_r * red + a_g * green + a_b * blue + b
            level = math.floor(shaped(q) + 0.5)
            rgba[pixel + 3] = math.floor(level * rgba[pixel + 3] / 255.0 + 0.5)
            if level > 0 and level < 255:
                # A partly transparent pixel: its colour becomes the foreground's. With the fit
                # as the coverage a (before the gain), F = F^ + a r / (a^2 + (1-a)^2) and the
                # residual r = I - a F^ - (1-a) B^: the least change to the local estimates
                # F^, B^ that satisfies the compositing equation. Opaque pixels keep the
                # photo's colours (lossless, and what the touch-up brush recomposes).
                if not colours:
                    interpolate_rows(planes, 4, 6, top, bottom, fy, w, line)
                    colours = True
                alpha = q / 255.0
                rest = 1.0 - alpha
                share = alpha / (alpha * alpha + rest * rest)
                f = line[4 * w + lo] + (line[4 * w + hi] - line[4 * w + lo]) * fx
                g = line[7 * w + lo] + (line[7 * w + hi] - line[7 * w + lo]) * fx
                rgba[pixel] = channel_byte(f + share * (red - alpha * f - rest * g))
                f = line[5 * w + lo] + (line[5 * w + hi] - line[5 * w + lo]) * fx
                g = line[8 * w + lo] + (line[8 * w + hi] - line[8 * w + lo]) * fx
                rgba[pixel + 1] = channel_byte(f + share * (green - alpha * f - rest * g))
                f = line[6 * w + lo] + (line[6 * w + hi] - line[6 * w + lo]) * fx
                g = line[9 * w + lo] + (line[9 * w + hi] - line[9 * w + lo]) * fx
                rgba[pixel + 2] = channel_byte(f + share * (blue - alpha * f - rest * g))
            pixel += 4
            x += 1


def tap_runs(axis: Axis) -> List[int]:
    """For each index, the last index of its run of equal (lo, hi) taps."""
    count = len(axis.lo)
    ends: List[int] = []
    for i in range(count):
        if i == count - 1 or axis.lo[i + 1] != axis.lo[i] or axis.hi[i + 1] != axis.hi[i]:
            while len(ends) <= i:
                ends.append(i)
    return ends
