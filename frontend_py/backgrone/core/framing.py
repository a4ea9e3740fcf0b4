"""Where the cutout goes in the download: the frame (the photo itself, or the subject's box
grown by a margin), scaled to fit a fixed size or not, centred or standing on the bottom edge.

Pure geometry: the export worker finds the subject's box a band of rows at a time
(`grow_box`), then draws the whole photo at `Frame.rect` on an output of `Frame.width` x
`Frame.height`, background first.
"""
# __pragma__('skip')
from typing import List, Sequence
# __pragma__('noskip')
import math

from backgrone.core import errors
from backgrone.core.errors import AppError

CROP_NONE = "none"
CROP_SUBJECT = "subject"  # the bounding box of the visible subject (alpha > 0)
CROPS = [CROP_NONE, CROP_SUBJECT]
POSITION_CENTER = "center"
POSITION_BOTTOM = "bottom"  # the subject's lowest pixel one margin above the bottom edge
POSITIONS = [POSITION_CENTER, POSITION_BOTTOM]
# A margin is a fraction of the subject's longer side, on every side; the API's default for
# `crop: 'subject'` is the cropping presets' (FRAMINGS).
MAX_MARGIN = 1.0
DEFAULT_MARGIN = 0.05
# The longest side a fixed size may ask for (a 2000 x 2000 shop image is 2000).
MAX_SIDE = 16384


def round_half_up(value: float) -> int:
    """The same whole number in CPython and in JS (Python's round() rounds half to even)."""
    return math.floor(value + 0.5)


def empty_box(width: int, height: int) -> List[int]:
    """[left, top, right, bottom) before any visible pixel was seen: right <= left."""
    return [width, height, 0, 0]


def grow_box(box: List[int], alpha: Sequence[int], width: int, rows: int, top: int,
             stride: int, channel: int) -> None:
    """Grow `box` to take in the visible pixels (alpha > 0) of `rows` rows starting at photo row
    `top`; alpha of pixel (x, y) is alpha[(y * width + x) * stride + channel] (RGBA: 4, 3)."""
    for y in range(rows):
        base = y * width
        first = -1
        last = -1
        for x in range(width):
            if alpha[(base + x) * stride + channel] > 0:
                if first < 0:
                    first = x
                last = x
        if first < 0:
            continue
        if first < box[0]:
            box[0] = first
        if last + 1 > box[2]:
            box[2] = last + 1
        if top + y < box[1]:
            box[1] = top + y
        if top + y + 1 > box[3]:
            box[3] = top + y + 1


def has_subject(box: List[int]) -> bool:
    return box[2] > box[0] and box[3] > box[1]


class Frame:
    """The output's size, and [x, y, w, h]: where the whole photo is drawn in it (whole output
    pixels; beyond the photo's edge the output has only the background)."""

    def __init__(self, width: int, height: int, rect: List[int]) -> None:
        self.width = width
        self.height = height
        self.rect = rect

    def scale(self, photo_width: int) -> float:
        return self.rect[2] / photo_width


def check_options(crop: str, margin: float, size: List[int], position: str) -> None:
    """AppError(BAD_OUTPUT_OPTION) for settings no frame can be made of."""
    if crop not in CROPS:
        raise AppError(errors.BAD_OUTPUT_OPTION, "crop " + str(crop))
    if position not in POSITIONS:
        raise AppError(errors.BAD_OUTPUT_OPTION, "position " + str(position))
    if not (margin >= 0 and margin <= MAX_MARGIN):
        raise AppError(errors.BAD_OUTPUT_OPTION, "margin " + str(margin))
    if len(size) != 0 and len(size) != 2:
        raise AppError(errors.BAD_OUTPUT_OPTION, "size must be [width, height]")
    for side in size:
        if not (side >= 1 and side <= MAX_SIDE and math.floor(side) == side):
            raise AppError(errors.BAD_OUTPUT_OPTION, "size " + str(side))


def frame(photo_width: int, photo_height: int, box: List[int], crop: str, margin: float,
          size: List[int], position: str) -> Frame:
    """The frame of a photo whose subject has the box `box` ([left, top, right, bottom), as
    grow_box leaves it; read only when cropping or standing on the bottom). `size` is [] for
    the frame itself, or [w, h] to fit it in. An empty subject cannot be cropped to: AppError
    (EMPTY_SUBJECT), never a 0 x 0 file."""
    check_options(crop, margin, size, position)
    if crop == CROP_SUBJECT or position == POSITION_BOTTOM:
        if not has_subject(box):
            raise AppError(errors.EMPTY_SUBJECT, "no pixel with alpha > 0")
    if crop == CROP_SUBJECT:
        longer = max(box[2] - box[0], box[3] - box[1])
        grow = round_half_up(margin * longer)
        region = [box[0] - grow, box[1] - grow, box[2] + grow, box[3] + grow]
    else:
        grow = 0
        region = [0, 0, photo_width, photo_height]
    region_width = region[2] - region[0]
    region_height = region[3] - region[1]
    if len(size) == 0:
        return Frame(region_width, region_height,
                     [-region[0], -region[1], photo_width, photo_height])
    width = size[0]
    height = size[1]
    scale = min(width / region_width, height / region_height)
    left = (width - region_width * scale) / 2 - region[0] * scale
    if position == POSITION_BOTTOM:
        # The subject's bottom edge one (scaled) margin above the output's.
        top = height - (box[3] + grow) * scale
    else:
        top = (height - region_height * scale) / 2 - region[1] * scale
    return Frame(width, height, [round_half_up(left), round_half_up(top),
                                 round_half_up(photo_width * scale),
                                 round_half_up(photo_height * scale)])


# Built with keyword arguments (see the kwargs pragma in core/engines.py).
# __pragma__('kwargs')
class Framing:
    """One framing preset of the Output settings (also the API's defaults: "original")."""

    def __init__(self, framing_id: str, label: str, words: str, crop: str, margin: float,
                 size: List[int], position: str, background: str) -> None:
        self.framing_id = framing_id
        self.label = label
        # The settings summary's words ("" for the photo's own frame).
        self.words = words
        self.crop = crop
        self.margin = margin
        self.size = size
        self.position = position
        # The background preset it chooses with it (core/output.PRESETS), "" to keep the user's.
        self.background = background


# The custom frame's sizes in the Output form (the API takes any): [] is the frame itself.
# Number fields would make Chromium ask its autofill server about the page; a list does not.
SIZES = [[], [1000, 1000], [1080, 1080], [1200, 1200], [2000, 2000], [3000, 3000],
         [1080, 1350], [1600, 2000], [1920, 1080], [1200, 628]]

FRAMING_ORIGINAL = "original"
FRAMING_CUSTOM = "custom"
FRAMINGS = [
    Framing(framing_id=FRAMING_ORIGINAL, label="Original frame", words="", crop=CROP_NONE,
            margin=0.0, size=[], position=POSITION_CENTER, background=""),
    Framing(framing_id="shop", label="Square for shops 2000 \u00d7 2000, white, subject on the floor",
            words="2000 \u00d7 2000 on the floor", crop=CROP_SUBJECT, margin=DEFAULT_MARGIN,
            size=[2000, 2000], position=POSITION_BOTTOM, background="white"),
    Framing(framing_id="portrait", label="Portrait 4:5 (1600 \u00d7 2000), centred",
            words="portrait 4:5", crop=CROP_SUBJECT, margin=0.08, size=[1600, 2000],
            position=POSITION_CENTER, background=""),
    Framing(framing_id="subject", label="Cropped to the subject", words="cropped to the subject",
            crop=CROP_SUBJECT, margin=DEFAULT_MARGIN, size=[], position=POSITION_CENTER, background=""),
    # The user's own crop, margin, size and position (the API's options land here too).
    Framing(framing_id=FRAMING_CUSTOM, label="Custom", words="custom frame", crop=CROP_SUBJECT,
            margin=DEFAULT_MARGIN, size=[], position=POSITION_CENTER, background=""),
]


class OutputKind:
    """What a download holds: the cutout (on its background), or the mask alone."""

    def __init__(self, output_id: str, label: str, suffix: str, mask: bool) -> None:
        self.output_id = output_id
        self.label = label
        # Before the extension: photo.jpg -> photo-nobg.png, photo-mask.png.
        self.suffix = suffix
        # True: an 8-bit greyscale PNG of the alpha; no background, no other format.
        self.mask = mask


OUTPUT_CUTOUT = "cutout"
OUTPUT_MASK = "mask"
OUTPUTS = [
    OutputKind(output_id=OUTPUT_CUTOUT, label="Cutout", suffix="-nobg", mask=False),
    OutputKind(output_id=OUTPUT_MASK, label="Mask (greyscale PNG)", suffix="-mask", mask=True),
]
# __pragma__('nokwargs')


def find_framing(framing_id: str) -> Framing:
    for framing in FRAMINGS:
        if framing.framing_id == framing_id:
            return framing
    raise AppError(errors.BAD_OUTPUT_OPTION, "framing " + str(framing_id))


def find_output(output_id: str) -> OutputKind:
    for kind in OUTPUTS:
        if kind.output_id == output_id:
            return kind
    raise AppError(errors.BAD_OUTPUT_OPTION, "output " + str(output_id))


def cover_rect(src_width: int, src_height: int, dst_width: int, dst_height: int) -> List[int]:
    """[x, y, w, h] of the centred part of a source image that covers the destination at its
    aspect ratio (CSS background-size: cover), in whole source pixels."""
    if src_width * dst_height > dst_width * src_height:
        w = math.floor(src_height * dst_width / dst_height + 0.5)
        if w < 1:
            w = 1
        return [math.floor((src_width - w) / 2), 0, w, src_height]
    h = math.floor(src_width * dst_height / dst_width + 0.5)
    if h < 1:
        h = 1
    return [0, math.floor((src_height - h) / 2), src_width, h]
