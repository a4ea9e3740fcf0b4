"""A PNG written a band of rows at a time (8-bit RGBA, not interlaced), for photos whose PNG
cannot come from one canvas: the bytes around the compressed stream (signature, IHDR, chunk
heads, CRC-32, IEND) and the row filter. The zlib stream itself is fflate's (worker side).

Integers stay in 0 .. 2^32 - 1 in CPython and in JS alike: JS bit operators work on signed
32-bit values, so every shift is masked and every XOR result mapped back from negative.
"""
# __pragma__('skip')
from typing import List, MutableSequence, Sequence
# __pragma__('noskip')

SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10]
TWO_32 = 4294967296
# Filter type 1 ("Sub"): each byte minus the same channel of the pixel to its left. One rule for
# every row, so that a band needs nothing of the band before it.
FILTER_SUB = 1

def unsigned(value: int) -> int:
    """A JS bit operation's signed 32-bit result as 0 .. 2^32 - 1 (a no-op in CPython)."""
    if value < 0:
        return value + TWO_32
    return value


def crc_table() -> List[int]:
    """The CRC-32 table (polynomial 0xEDB88320, as PNG and zlib)."""
    table: List[int] = []
    for n in range(256):
        c = n
        for _k in range(8):
            if c & 1:
                c = unsigned(0xEDB88320 ^ ((c >> 1) & 0x7FFFFFFF))
            else:
                c = (c >> 1) & 0x7FFFFFFF
        table.append(c)
    return table


CRC_TABLE = crc_table()


def crc32(crc: int, data: Sequence[int], start: int, end: int) -> int:
    """CRC-32 of data[start:end] continuing from `crc` (0 to begin), as zlib.crc32."""
    table = CRC_TABLE
    c = unsigned(crc ^ 0xFFFFFFFF)
    for i in range(start, end):
        c = unsigned(table[(c ^ data[i]) & 255] ^ ((c >> 8) & 0xFFFFFF))
    return unsigned(c ^ 0xFFFFFFFF)


def u32(value: int) -> List[int]:
    """Big-endian, as PNG writes lengths and CRCs."""
    return [(value >> 24) & 255, (value >> 16) & 255, (value >> 8) & 255, value & 255]


def kind_bytes(kind: str) -> List[int]:
    out: List[int] = []
    for i in range(4):
        out.append(ord(kind[i]))
    return out


def chunk_head(kind: str, length: int) -> List[int]:
    """A chunk's first 8 bytes: its data's length and its type."""
    out = u32(length)
    out.extend(kind_bytes(kind))
    return out


def chunk_crc(kind: str, data: Sequence[int], length: int) -> List[int]:
    """A chunk's last 4 bytes: CRC-32 of its type and data."""
    kind_code = kind_bytes(kind)
    return u32(crc32(crc32(0, kind_code, 0, 4), data, 0, length))


def chunk(kind: str, data: List[int]) -> List[int]:
    """A whole small chunk (IHDR, IEND) as a list of bytes."""
    out = chunk_head(kind, len(data))
    out.extend(data)
    out.extend(chunk_crc(kind, data, len(data)))
    return out


# IHDR colour types.
RGBA = 6
GREY = 0


def header(width: int, height: int, colour_type: int = RGBA) -> List[int]:
    """Signature and IHDR: 8-bit RGBA (or greyscale), deflate, adaptive filtering, no interlace."""
    data = u32(width)
    data.extend(u32(height))
    data.extend([8, colour_type, 0, 0, 0])
    out: List[int] = []
    out.extend(SIGNATURE)
    out.extend(chunk("IHDR", data))
    return out


def trailer() -> List[int]:
    return chunk("IEND", [])


def filtered_length(width: int, rows: int) -> int:
    """Bytes of `rows` filtered rows: a filter-type byte, then 4 per pixel."""
    return rows * (1 + 4 * width)


def filter_rows(rgba: Sequence[int], width: int, rows: int, out: MutableSequence[int]) -> None:
    """rows x width RGBA pixels into PNG scanlines, each filtered with Sub."""
    stride = 4 * width
    for y in range(rows):
        source = y * stride
        target = y * (stride + 1)
        out[target] = FILTER_SUB
        target += 1
        for k in range(4):
            out[target + k] = rgba[source + k]
        for k in range(4, stride):
            out[target + k] = (rgba[source + k] - rgba[source + k - 4]) & 255


def through_table(rgba: MutableSequence[int], count: int, table: Sequence[int]) -> None:
    """What a trip through a canvas (stored premultiplied in 8 bits, read back unpremultiplied)
    does to `count` RGBA pixels, in place: table[alpha * 256 + value] is the value read back,
    the browser's own rounding measured once (worker/strips.canvas_trip_table)."""
    for i in range(0, 4 * count, 4):
        base = rgba[i + 3] * 256
        rgba[i] = table[base + rgba[i]]
        rgba[i + 1] = table[base + rgba[i + 1]]
        rgba[i + 2] = table[base + rgba[i + 2]]


def grey_length(width: int, rows: int) -> int:
    """Bytes of `rows` filtered greyscale rows: a filter-type byte, then 1 per pixel."""
    return rows * (1 + width)


def filter_alpha_rows(rgba: Sequence[int], width: int, rows: int, out: MutableSequence[int]) -> None:
    """The alpha channel of rows x width RGBA pixels as greyscale PNG scanlines (Sub filter):
    the mask alone, 255 where the subject is opaque."""
    stride = 4 * width
    for y in range(rows):
        source = y * stride + 3
        target = y * (width + 1)
        out[target] = FILTER_SUB
        out[target + 1] = rgba[source]
        for x in range(1, width):
            out[target + 1 + x] = (rgba[source + 4 * x] - rgba[source + 4 * x - 4]) & 255
