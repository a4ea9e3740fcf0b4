"""core/sniff: formats and pixel sizes from headers, on files Pillow writes."""
from __future__ import annotations

import io

import pytest
from PIL import Image

from backgrone.core import sniff


def encoded(fmt: str, size: tuple[int, int] = (123, 45), mode: str = "RGB", **options: object) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, "red").save(buffer, fmt, **options)
    return buffer.getvalue()


def sniffed(data: bytes) -> tuple[str, int, int]:
    found = sniff.sniff(data, len(data))
    return found.kind, found.width, found.height


@pytest.mark.parametrize("fmt,options,kind", [
    ("JPEG", {}, sniff.JPEG),
    ("JPEG", {"progressive": True}, sniff.JPEG),
    ("PNG", {}, sniff.PNG),
    ("GIF", {}, sniff.GIF),
    ("WEBP", {"lossless": True}, sniff.WEBP),
    ("WEBP", {"quality": 80}, sniff.WEBP),
    ("BMP", {}, sniff.BMP),
])
def test_image_headers_give_format_and_size(fmt: str, options: dict[str, object], kind: str) -> None:
    assert sniffed(encoded(fmt, **options)) == (kind, 123, 45)


def test_jpeg_size_is_found_behind_a_large_exif_block() -> None:
    exif = Image.Exif()
    exif[0x010E] = "x" * 30000  # ImageDescription: pushes the frame header far back
    exif[0x0112] = 6  # rotated: the header still stores the unrotated size
    assert sniffed(encoded("JPEG", (640, 480), exif=exif.tobytes())) == (sniff.JPEG, 640, 480)


def test_webp_with_alpha_uses_the_extended_header() -> None:
    assert sniffed(encoded("WEBP", (300, 7), mode="RGBA")) == (sniff.WEBP, 300, 7)


@pytest.mark.parametrize("data,kind", [
    (b"", sniff.EMPTY),
    (b"%PDF-1.7\n%\xe2\xe3", sniff.PDF),
    (b"PK\x03\x04\x14\x00\x00\x00", sniff.ZIP),
    (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", sniff.HEIC),
    (b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1", sniff.AVIF),
    (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10"/>', sniff.SVG),
    (b"hello, this is a text file pretending to be a photo", sniff.UNKNOWN),
    (b"\xff\xd8", sniff.UNKNOWN),
])
def test_non_images_and_other_containers(data: bytes, kind: str) -> None:
    assert sniffed(data)[0] == kind


def test_heic_size_is_the_primary_images_as_displayed() -> None:
    from support import heic

    photo = Image.new("RGB", (96, 64), "red")
    assert sniffed(heic.heic_bytes(photo)) == (sniff.HEIC, 96, 64)
    # Stored 96x64 with a quarter-turn irot: shown (and limited) as 64x96.
    assert sniffed(heic.heic_bytes(photo, heic.TURNED)) == (sniff.HEIC, 64, 96)
    assert sniffed(heic.header_only(12000, 9000)) == (sniff.HEIC, 12000, 9000)
    assert sniffed(heic.header_only(9000, 12000, turned=True)) == (sniff.HEIC, 12000, 9000)


def test_truncated_headers_never_raise() -> None:
    from support import heic

    heif = heic.heic_bytes(Image.new("RGB", (32, 24), "red"))
    for data in [encoded(fmt) for fmt in ("JPEG", "PNG", "GIF", "WEBP", "BMP")] + [heif]:
        for cut in range(0, min(len(data), 700)):
            sniff.sniff(data[:cut], cut)  # any verdict, but no IndexError


def test_to_hex_matches_hashlib() -> None:
    import hashlib

    from backgrone.core.digest import to_hex

    digest = hashlib.sha256(b"backgrone").digest()
    assert to_hex(digest, len(digest)) == hashlib.sha256(b"backgrone").hexdigest()
