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

from backgrone.core.bilinear import block_axis, blend_rows, pixel_axis, sample_grid, tap_runs
from backgrone.core.refine_grid import add_block_rows, box_mean
# PLANES is here for CPython callers (the numpy port, the tests); transpiled code imports it from
# its own module: Transcrypt does not re-export.
from backgrone.core.refine_planes import (  # noqa: F401
    LINE_ROWS, PLANES, SLOT_BACK, SLOT_FIT, SLOT_FORE, SLOT_SETTLED, Planes,
)

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


def add_guide_rows(rgba: Sequence[int], first: int, rows: int, plan: RefinePlan, planes: Planes,
                   line: MutableSequence[float]) -> None:
    """Photo rows first..first+rows-1 (rgba holds just those rows) into the guide planes: the
    mean of each step x step block, 0..255 per channel. Bands come in order, top to bottom;
    the line carries a row of blocks' sums from one band to the next."""
    add_block_rows(rgba, first, rows, plan.width, plan.height, plan.step, plan.work_width,
                   planes.red, planes.green, planes.blue, line)


def guided_coefficients(p: Planes, plan: RefinePlan, line: MutableSequence[float]) -> None:
    """Fit alpha = a . rgb + b per window (the guide and the mask) and average the fits into
    fit_red, fit_green, fit_blue and fit_offset."""
    w = plan.work_width
    h = plan.work_height
    r = plan.radius
    red = p.red
    green = p.green
    blue = p.blue
    mask = p.mask
    temp = p.temp
    # Means of the guide, the mask, and of their products (the 3x3 covariance and cov(rgb, p)).
    box_mean(red, red, False, p.mean_red, temp, w, h, r, line)
    box_mean(green, green, False, p.mean_green, temp, w, h, r, line)
    box_mean(blue, blue, False, p.mean_blue, temp, w, h, r, line)
    box_mean(mask, mask, False, p.mean_mask, temp, w, h, r, line)
    box_mean(red, red, True, p.red_red, temp, w, h, r, line)
    box_mean(red, green, True, p.red_green, temp, w, h, r, line)
    box_mean(red, blue, True, p.red_blue, temp, w, h, r, line)
    box_mean(green, green, True, p.green_green, temp, w, h, r, line)
    box_mean(green, blue, True, p.green_blue, temp, w, h, r, line)
    box_mean(blue, blue, True, p.blue_blue, temp, w, h, r, line)
    box_mean(red, mask, True, p.red_mask, temp, w, h, r, line)
    box_mean(green, mask, True, p.green_mask, temp, w, h, r, line)
    box_mean(blue, mask, True, p.blue_mask, temp, w, h, r, line)
    eps = EPSILON * 255.0 * 255.0
    mean_r = p.mean_red
    mean_g = p.mean_green
    mean_b = p.mean_blue
    mean_p = p.mean_mask
    for i in range(plan.count):
        mr = mean_r[i]
        mg = mean_g[i]
        mb = mean_b[i]
        mp = mean_p[i]
        rr = p.red_red[i] - mr * mr + eps
        rg = p.red_green[i] - mr * mg
        rb = p.red_blue[i] - mr * mb
        gg = p.green_green[i] - mg * mg + eps
        gb = p.green_blue[i] - mg * mb
        bb = p.blue_blue[i] - mb * mb + eps
        cr = p.red_mask[i] - mr * mp
        cg = p.green_mask[i] - mg * mp
        cb = p.blue_mask[i] - mb * mp
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
        p.window_red[i] = a_r
        p.window_green[i] = a_g
        p.window_blue[i] = a_b
        p.window_offset[i] = mp - a_r * mr - a_g * mg - a_b * mb
    # Each pixel lies in (2r+1)^2 windows: average their fits.
    box_mean(p.window_red, p.window_red, False, p.fit_red, temp, w, h, r, line)
    box_mean(p.window_green, p.window_green, False, p.fit_green, temp, w, h, r, line)
    box_mean(p.window_blue, p.window_blue, False, p.fit_blue, temp, w, h, r, line)
    box_mean(p.window_offset, p.window_offset, False, p.fit_offset, temp, w, h, r, line)


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


def colour_planes(p: Planes, plan: RefinePlan, line: MutableSequence[float]) -> None:
    """Local foreground and background colours on the working grid (fore_* and back_*):
    window means weighted by alpha^8 and (1 - alpha)^8, alpha being the fit before the gain.
    A pixel at alpha 0.9 counts 2.6 times one at 0.8 and 26 times one at 0.6: the estimate
    leans on the purest pixels in reach (where none is, the pixel's own colour stands)."""
    w = plan.work_width
    h = plan.work_height
    r = plan.colour_radius
    red = p.red
    green = p.green
    blue = p.blue
    fore = p.fore_weight
    back = p.back_weight
    temp = p.temp
    for i in range(plan.count):
        q = p.fit_red[i] * red[i] + p.fit_green[i] * green[i] + p.fit_blue[i] * blue[i] + p.fit_offset[i]
        alpha = linear_alpha(q)
        rest = 1.0 - alpha
        weight = alpha * alpha
        weight = weight * weight
        fore[i] = weight * weight
        weight = rest * rest
        weight = weight * weight
        back[i] = weight * weight
    box_mean(fore, fore, False, p.fore_sum, temp, w, h, r, line)
    box_mean(back, back, False, p.back_sum, temp, w, h, r, line)
    box_mean(red, fore, True, p.fore_red, temp, w, h, r, line)
    box_mean(green, fore, True, p.fore_green, temp, w, h, r, line)
    box_mean(blue, fore, True, p.fore_blue, temp, w, h, r, line)
    box_mean(red, back, True, p.back_red, temp, w, h, r, line)
    box_mean(green, back, True, p.back_green, temp, w, h, r, line)
    box_mean(blue, back, True, p.back_blue, temp, w, h, r, line)
    for i in range(plan.count):
        weight = p.fore_sum[i]
        if weight > 0.000001:
            p.fore_red[i] = p.fore_red[i] / weight
            p.fore_green[i] = p.fore_green[i] / weight
            p.fore_blue[i] = p.fore_blue[i] / weight
        else:
            p.fore_red[i] = red[i]
            p.fore_green[i] = green[i]
            p.fore_blue[i] = blue[i]
        weight = p.back_sum[i]
        if weight > 0.000001:
            p.back_red[i] = p.back_red[i] / weight
            p.back_green[i] = p.back_green[i] / weight
            p.back_blue[i] = p.back_blue[i] / weight
        else:
            p.back_red[i] = red[i]
            p.back_green[i] = green[i]
            p.back_blue[i] = blue[i]


def settled_flags(p: Planes, plan: RefinePlan) -> None:
    """settled: 1 where the fit gives alpha 255 for any colour, -1 where it gives 0 for any
    colour, else 0. A full-size pixel whose four working taps agree on 1 or -1 is settled
    without interpolation: the same bytes, since the fit at the pixel is a convex blend of the
    taps' fits (the margin of 1/2 dwarfs any rounding)."""
    full_above = CENTRE + (255.0 - CENTRE) / GAIN + 0.5
    none_below = CENTRE - CENTRE / GAIN - 0.5
    for i in range(plan.count):
        a_r = p.fit_red[i]
        a_g = p.fit_green[i]
        a_b = p.fit_blue[i]
        b = p.fit_offset[i]
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
        p.settled[i] = flag


def fit(alpha8: Sequence[int], plan: RefinePlan, planes: Planes, line: MutableSequence[float]) -> None:
    """Everything on the working grid, once the guide planes hold the whole photo: the mask
    sampled, the fit, the colours and the settled flags."""
    side = plan.mask_side
    cols = block_axis(side, plan.width, plan.step, plan.work_width)
    rows = block_axis(side, plan.height, plan.step, plan.work_height)
    sample_grid(alpha8, side, cols, rows, planes.mask)
    guided_coefficients(planes, plan, line)
    colour_planes(planes, plan, line)
    settled_flags(planes, plan)


def refine(
    alpha8: Sequence[int], rgba: MutableSequence[int], plan: RefinePlan,
    planes: List[MutableSequence[float]], line: MutableSequence[float],
) -> None:
    """Refine the mask against the photo and write it into rgba's alpha (times the photo's own
    alpha, as mask.apply_alpha does); where the refined alpha is fractional, replace the colour
    by the estimated foreground colour. Opaque and transparent pixels keep their colours.

    planes: PLANES buffers of plan.count floats; line: plan.line_length floats (float64).
    The same in bands of rows (bounded memory): add_guide_rows for each band, fit, then
    write_rows for each band; the bytes are the same.
    """
    named = Planes(planes)
    add_guide_rows(rgba, 0, plan.height, plan, named, line)
    fit(alpha8, plan, named, line)
    write_rows(rgba, 0, plan.height, plan, named, line)


def channel_byte(value: float) -> int:
    byte = math.floor(value + 0.5)
    if byte < 0:
        return 0
    if byte > 255:
        return 255
    return byte


def write_rows(rgba: MutableSequence[int], first: int, rows: int, plan: RefinePlan, p: Planes,
               line: MutableSequence[float]) -> None:
    """Photo rows first..first+rows-1 (rgba holds just those rows), once fit() has run:
    interpolate the fit and the colours to each pixel and apply them. Rows are independent."""
    width = plan.width
    w = plan.work_width
    cols = pixel_axis(w, width, plan.step)
    rows_axis = pixel_axis(plan.work_height, plan.height, plan.step)
    col_lo = cols.lo
    col_hi = cols.hi
    col_frac = cols.frac
    run_end = tap_runs(cols)
    flags = p.settled
    fit_sources = [p.fit_red, p.fit_green, p.fit_blue, p.fit_offset]
    colour_sources = [p.fore_red, p.fore_green, p.fore_blue, p.back_red, p.back_green, p.back_blue]
    a_red = SLOT_FIT * w
    a_green = a_red + w
    a_blue = a_green + w
    offset = a_blue + w
    fore_red = SLOT_FORE * w
    fore_green = fore_red + w
    fore_blue = fore_green + w
    back_red = SLOT_BACK * w
    back_green = back_red + w
    back_blue = back_green + w
    flag_slot = SLOT_SETTLED * w
    for y in range(first, first + rows):
        top = rows_axis.lo[y] * w
        bottom = rows_axis.hi[y] * w
        fy = rows_axis.frac[y]
        for x in range(w):
            flag = flags[top + x]
            line[flag_slot + x] = flag if flag == flags[bottom + x] else 0.0
        # The fit's and the colours' rows are blended down (core/bilinear) when a pixel first
        # needs them, then across here, inline, for the pixels that are not settled only: whole
        # rows blended across would spend what the settled runs (most of a photo) save.
        fitted = False
        colours = False
        pixel = 4 * (y - first) * width
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
            if not fitted:
                blend_rows(fit_sources, SLOT_FIT, top, bottom, fy, w, line)
                fitted = True
            fx = col_frac[x]
            a_r = line[a_red + lo] + (line[a_red + hi] - line[a_red + lo]) * fx
            a_g = line[a_green + lo] + (line[a_green + hi] - line[a_green + lo]) * fx
            a_b = line[a_blue + lo] + (line[a_blue + hi] - line[a_blue + lo]) * fx
            b = line[offset + lo] + (line[offset + hi] - line[offset + lo]) * fx
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
                    blend_rows(colour_sources, SLOT_FORE, top, bottom, fy, w, line)
                    colours = True
                alpha = q / 255.0
                rest = 1.0 - alpha
                share = alpha / (alpha * alpha + rest * rest)
                f = line[fore_red + lo] + (line[fore_red + hi] - line[fore_red + lo]) * fx
                g = line[back_red + lo] + (line[back_red + hi] - line[back_red + lo]) * fx
                rgba[pixel] = channel_byte(f + share * (red - alpha * f - rest * g))
                f = line[fore_green + lo] + (line[fore_green + hi] - line[fore_green + lo]) * fx
                g = line[back_green + lo] + (line[back_green + hi] - line[back_green + lo]) * fx
                rgba[pixel + 1] = channel_byte(f + share * (green - alpha * f - rest * g))
                f = line[fore_blue + lo] + (line[fore_blue + hi] - line[fore_blue + lo]) * fx
                g = line[back_blue + lo] + (line[back_blue + hi] - line[back_blue + lo]) * fx
                rgba[pixel + 2] = channel_byte(f + share * (blue - alpha * f - rest * g))
            pixel += 4
            x += 1
