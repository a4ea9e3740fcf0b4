"""What a file is, from its first bytes: format and, where the header says, its size in pixels.

Reading the header first lets the app refuse a PDF or a 200-megapixel panorama with a precise
message before the browser spends memory decoding it. Works on any indexable byte sequence.
"""
# __pragma__('skip')
from typing import List, Sequence
# __pragma__('noskip')

# Enough to reach a JPEG's frame header behind a large EXIF block with its thumbnail.
HEADER_BYTES = 262144

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
                return Sniffed(AVIF, 0, 0)
        for brand in ["heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1"]:
            if starts_with(data, count, 8, brand):
                return Sniffed(HEIC, 0, 0)
    if starts_with(data, count, 0, "%PDF"):
        return Sniffed(PDF, 0, 0)
    if starts_with(data, count, 0, "PK\x03\x04"):
        return Sniffed(ZIP, 0, 0)
    if looks_like_svg(data, count):
        return Sniffed(SVG, 0, 0)
    return Sniffed(UNKNOWN, 0, 0)
