"""Edge refinement's working memory by name (core/refine): the planes on the working grid and
the line buffer's slots. Planes are reused as refine() goes (tens of MB at 1024 x 768), so each
holds several quantities in turn; the names say which, where."""
# __pragma__('skip')
from typing import List, MutableSequence
# __pragma__('noskip')

# Working planes (named in Planes); the caller allocates PLANES planes of plan.count floats.
PLANES = 18
# The line buffer (float64) holds, in turn: the block sums of one row of blocks, prefix sums
# and column sums of the box filter, and per full-size row its slots of work_width floats:
SLOT_FIT = 0        # 0-3: the fit a_red, a_green, a_blue, b, interpolated to the row
SLOT_FORE = 4       # 4-6: the foreground colour, interpolated
SLOT_BACK = 7       # 7-9: the background colour, interpolated
SLOT_SETTLED = 10   # 10: the row's settled flags
LINE_ROWS = 11


class Planes:
    """The PLANES working planes by what they hold. A plane holds one quantity at a time, so
    several names share one plane (those below on one line), each used only while the one
    before it is no longer needed; refine() fills them in the order listed."""

    def __init__(self, planes: List[MutableSequence[float]]) -> None:
        # The guide: the photo on the working grid. Kept to the end.
        self.red = planes[0]
        self.green = planes[1]
        self.blue = planes[2]
        # The mask on the working grid; then alpha^8 per pixel, the foreground's weight.
        self.mask = planes[3]
        self.fore_weight = planes[3]
        # Window means of the guide and the mask; then the averaged fit: alpha = a . rgb + b.
        self.mean_red = planes[4]
        self.mean_green = planes[5]
        self.mean_blue = planes[6]
        self.mean_mask = planes[7]
        self.fit_red = planes[4]
        self.fit_green = planes[5]
        self.fit_blue = planes[6]
        self.fit_offset = planes[7]
        # Window means of the guide's products (its covariance); then each window's own fit;
        # then the local foreground (8-10) and background (11-13) colours.
        self.red_red = planes[8]
        self.red_green = planes[9]
        self.red_blue = planes[10]
        self.green_green = planes[11]
        self.green_blue = planes[12]
        self.blue_blue = planes[13]
        self.window_red = planes[8]
        self.window_green = planes[9]
        self.window_blue = planes[10]
        self.window_offset = planes[11]
        self.fore_red = planes[8]
        self.fore_green = planes[9]
        self.fore_blue = planes[10]
        self.back_red = planes[11]
        self.back_green = planes[12]
        self.back_blue = planes[13]
        # Window means of guide times mask (cov(rgb, p)); then the colours' window weights;
        # 14 finally the settled flags (settled_flags()).
        self.red_mask = planes[14]
        self.green_mask = planes[15]
        self.blue_mask = planes[16]
        self.fore_sum = planes[14]
        self.back_sum = planes[15]
        self.back_weight = planes[16]
        self.settled = planes[14]
        # The box filter's scratch.
        self.temp = planes[17]
