"""What a file is, from its first bytes: format and, where the header says, its size in pixels.

Reading the header first lets the app refuse a PDF or a 200-megapixel panorama with a precise
message before the browser spends memory decoding it. Works on any indexable byte sequence.
"""
# __pragma__('skip')
from typing import List, Sequence
# __pragma__('noskip')

# Enough to reach a JPEG's frame header behind a large EXIF block with its thumbnail.
HEADER_BYTES = 262144

# Where the site serves the HEIC/HEIF decoder for browsers without one (build/heic_decoder.py
# stages it, worker/heic.py loads it).
HEIC_FOLDER = "heic"
HEIC_BUNDLE = "heic.js"
HEIC_WASM = "libheif.wasm"

JPEG = "jpeg"
PNG = "png"
GIF = "gif"
WEBP = "webp"
BMP = "bmp"
AVIF = "avif"
HEIC = "heic"
SVG = "svg"
PDF = "pdf"
ZIP = "zip"
EMPTY = "empty"
UNKNOWN = "unknown"


class Sniffed:
    """A format name, and width/height in pixels (0 when the header does not say)."""

    def __init__(self, kind: str, width: int, height: int) -> None:
        self.kind = kind
        self.width = width
        self.height = height


def starts_with(data: Sequence[int], count: int, offset: int, text: str) -> bool:
    if offset + len(text) > count:
        return False
    for i in range(len(text)):
        if data[offset + i] != ord(text[i]):
            return False
    return True


def big16(data: Sequence[int], at: int) -> int:
    return data[at] * 256 + data[at + 1]


def big32(data: Sequence[int], at: int) -> int:
    return big16(data, at) * 65536 + big16(data, at + 2)


def little16(data: Sequence[int], at: int) -> int:
    return data[at] + data[at + 1] * 256


def little24(data: Sequence[int], at: int) -> int:
    return little16(data, at) + data[at + 2] * 65536


def little32(data: Sequence[int], at: int) -> int:
    return little16(data, at) + little16(data, at + 2) * 65536


def jpeg_size(data: Sequence[int], count: int) -> List[int]:
    """Walk the marker segments to the first frame header (SOFn); [0, 0] if not reached."""
    at = 2
    while at + 9 < count:
        if data[at] != 0xFF:
            return [0, 0]
        marker = data[at + 1]
        if marker == 0xFF:
            at += 1  # fill byte
            continue
        if (marker >= 0xD0 and marker <= 0xD9) or marker == 0x01:
            at += 2  # markers without a length
            continue
        # SOF0..SOF15, except DHT (C4), JPG (C8) and DAC (CC), carry the frame size.
        if marker >= 0xC0 and marker <= 0xCF and marker != 0xC4 and marker != 0xC8 and marker != 0xCC:
            return [big16(data, at + 7), big16(data, at + 5)]
        at += 2 + big16(data, at + 2)
    return [0, 0]


def webp_size(data: Sequence[int], count: int) -> List[int]:
    if count < 30:
        return [0, 0]
    if starts_with(data, count, 12, "VP8X"):
        return [little24(data, 24) + 1, little24(data, 27) + 1]
    if starts_with(data, count, 12, "VP8L"):
        bits = little32(data, 21)
        width = (bits & 0x3FFF) + 1
        height = ((bits >> 14) & 0x3FFF) + 1
        return [width, height]
    if starts_with(data, count, 12, "VP8 "):
        return [little16(data, 26) & 0x3FFF, little16(data, 28) & 0x3FFF]
    return [0, 0]


def box_at(data: Sequence[int], count: int, at: int, end: int) -> List[int]:
    """[content start, box end] of the ISO BMFF box at `at` (its end cut to what was read), or
    [-1, -1] when no whole box header lies before `end`."""
    if at + 8 > end or at + 8 > count:
        return [-1, -1]
    size = big32(data, at)
    start = at + 8
    if size == 1:
        if at + 16 > count:
            return [-1, -1]
        size = big32(data, at + 8) * 4294967296 + big32(data, at + 12)
        start = at + 16
    if size == 0:
        size = end - at  # to the end of the enclosing box (or file)
    if size < start - at:
        return [-1, -1]
    stop = at + size
    return [start, stop if stop < end else end]


def find_box(data: Sequence[int], count: int, at: int, end: int, name: str) -> List[int]:
    """[content start, end] of the first box called `name` among the boxes in [at, end)."""
    while at < end:
        box = box_at(data, count, at, end)
        if box[0] < 0:
            return [-1, -1]
        if starts_with(data, count, at + 4, name):
            return box
        at = box[1]
    return [-1, -1]


def primary_properties(data: Sequence[int], count: int, ipma: List[int], primary: int) -> List[int]:
    """The 1-based indices into ipco of the properties `ipma` associates with item `primary`."""
    at = ipma[0]
    if at + 8 > ipma[1]:
        return []
    version = data[at]
    wide = data[at + 3] & 1  # flags: 15-bit property indices
    entries = big32(data, at + 4)
    at += 8
    for _ in range(entries):
        if at + 4 > ipma[1]:
            return []
        if version < 1:
            item = big16(data, at)
            at += 2
        else:
            item = big32(data, at)
            at += 4
        associations = data[at]
        at += 1
        found = []
        for _ in range(associations):
            if at + 1 + wide > ipma[1]:
                return []
            if wide:
                found.append(big16(data, at) & 0x7FFF)
                at += 2
            else:
                found.append(data[at] & 0x7F)
                at += 1
        if item == primary:
            return found
    return []


def heif_size(data: Sequence[int], count: int) -> List[int]:
    """The primary image's displayed size in a HEIF/AVIF file: its ispe property, sides swapped
    by a quarter-turn irot; [0, 0] when the meta box is not within what was read."""
    meta = find_box(data, count, 0, count, "meta")
    if meta[0] < 0:
        return [0, 0]
    inside = meta[0] + 4  # a full box: version and flags first
    pitm = find_box(data, count, inside, meta[1], "pitm")
    iprp = find_box(data, count, inside, meta[1], "iprp")
    if pitm[0] < 0 or iprp[0] < 0 or pitm[0] + 8 > count:
        return [0, 0]
    primary = big16(data, pitm[0] + 4) if data[pitm[0]] == 0 else big32(data, pitm[0] + 4)
    ipco = find_box(data, count, iprp[0], iprp[1], "ipco")
    ipma = find_box(data, count, iprp[0], iprp[1], "ipma")
    if ipco[0] < 0 or ipma[0] < 0:
        return [0, 0]
    wanted = primary_properties(data, count, ipma, primary)
    width = 0
    height = 0
    turned = False
    at = ipco[0]
    index = 1
    while at < ipco[1]:
        box = box_at(data, count, at, ipco[1])
        if box[0] < 0:
            break
        if index in wanted:
            if starts_with(data, count, at + 4, "ispe") and box[0] + 12 <= count:
                width = big32(data, box[0] + 4)
                height = big32(data, box[0] + 8)
            if starts_with(data, count, at + 4, "irot") and box[0] < count:
                turned = (data[box[0]] & 1) == 1
        at = box[1]
        index += 1
    if turned:
        return [height, width]
    return [width, height]


def looks_like_svg(data: Sequence[int], count: int) -> bool:
    limit = count if count < 1024 else 1024
    text = ""
    for i in range(limit):
        text += chr(data[i])
    lowered = text.lower()
    return lowered.find("<svg") >= 0


def sniff(data: Sequence[int], count: int) -> Sniffed:
    """Identify the first `count` bytes of a file."""
    if count == 0:
        return Sniffed(EMPTY, 0, 0)
    if count >= 3 and data[0] == 0xFF and data[1] == 0xD8 and data[2] == 0xFF:
        size = jpeg_size(data, count)
        return Sniffed(JPEG, size[0], size[1])
    if starts_with(data, count, 0, "\x89PNG\r\n\x1a\n") and count >= 24:
        return Sniffed(PNG, big32(data, 16), big32(data, 20))
    if starts_with(data, count, 0, "GIF8") and count >= 10:
        return Sniffed(GIF, little16(data, 6), little16(data, 8))
    if starts_with(data, count, 0, "RIFF") and starts_with(data, count, 8, "WEBP"):
        size = webp_size(data, count)
        return Sniffed(WEBP, size[0], size[1])
    if starts_with(data, count, 0, "BM") and count >= 26:
        height = little32(data, 22)
        if height >= 2147483648:
            height = 4294967296 - height  # top-down bitmaps store a negative height
        return Sniffed(BMP, little32(data, 18), height)
    if starts_with(data, count, 4, "ftyp") and count >= 12:
        for brand in ["avif", "avis"]:
            if starts_with(data, count, 8, brand):
                size = heif_size(data, count)
                return Sniffed(AVIF, size[0], size[1])
        for brand in ["heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1"]:
            if starts_with(data, count, 8, brand):
                size = heif_size(data, count)
                return Sniffed(HEIC, size[0], size[1])
    if starts_with(data, count, 0, "%PDF"):
        return Sniffed(PDF, 0, 0)
    if starts_with(data, count, 0, "PK\x03\x04"):
        return Sniffed(ZIP, 0, 0)
    if looks_like_svg(data, count):
        return Sniffed(SVG, 0, 0)
    return Sniffed(UNKNOWN, 0, 0)
