"""HEIC photos made in the test by pillow-heif (libheif with x265), as an iPhone writes them:
orientation as an irot box, EXIF beside it."""
from __future__ import annotations

import io
import struct

import pillow_heif
from PIL import Image

pillow_heif.register_heif_opener()

# EXIF orientation 6: shown turned a quarter clockwise from the stored pixels.
TURNED = 6


def heic_bytes(image: Image.Image, orientation: int = 1, quality: int = 92) -> bytes:
    """The photo as HEIC; with `orientation` other than 1, stored as a camera would store a
    photo taken that way: pixels unturned, orientation in the file (pillow-heif writes irot)."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    buffer = io.BytesIO()
    image.save(buffer, "HEIF", quality=quality, exif=exif.tobytes())
    return buffer.getvalue()


def jpeg_bytes(image: Image.Image, orientation: int = 1, quality: int = 95) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, exif=exif.tobytes())
    return buffer.getvalue()


def box(kind: bytes, body: bytes, full: bool = False) -> bytes:
    if full:
        body = bytes(4) + body  # version 0, no flags
    return struct.pack(">I", 8 + len(body)) + kind + body


def header_only(width: int, height: int, turned: bool = False) -> bytes:
    """A HEIC's boxes up to its primary image's size (ispe), and no image data: what the app
    must read, and refuse when too large, before any decoder runs."""
    ispe = box(b"ispe", struct.pack(">II", width, height), full=True)
    properties = [ispe] + ([box(b"irot", b"\x01")] if turned else [])
    ipco = box(b"ipco", b"".join(properties))
    # Item 1 (16-bit ids, 7-bit indices): properties 1 and 2, the first one essential.
    associations = bytes([0x81]) + (bytes([0x02]) if turned else b"")
    ipma = box(b"ipma", struct.pack(">IHB", 1, 1, len(associations)) + associations, full=True)
    meta = box(b"meta", box(b"hdlr", bytes(4) + b"pict" + bytes(13), full=True)
               + box(b"pitm", struct.pack(">H", 1), full=True)
               + box(b"iprp", ipco + ipma), full=True)
    return box(b"ftyp", b"heic" + bytes(4) + b"mif1heic") + meta + box(b"mdat", bytes(64))
