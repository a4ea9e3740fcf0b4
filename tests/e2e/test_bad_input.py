"""Whatever a user drops: every file gets its own verdict and the queue goes on.

All files go in through the real file picker in one batch; the successes run the Lightweight
engine (the engine does not matter here)."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from backgrone.core import errors
from support import photos
from support.browser import Page, fetch_bytes, png_from, wait_for, wait_for_jobs

pytestmark = pytest.mark.e2e

TEXT = errors.CATALOGUE


def jpeg_bytes(image: Image.Image, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92, **options)
    return buffer.getvalue()


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def frames() -> tuple[Image.Image, Image.Image]:
    """Two different frames: the astronaut, then the astronaut upside down."""
    first = photos.astronaut().resize((96, 96))
    return first, first.rotate(180)


def animated(fmt: str) -> bytes:
    first, second = frames()
    buffer = io.BytesIO()
    first.save(buffer, fmt, save_all=True, append_images=[second], duration=100, loop=0)
    return buffer.getvalue()


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("photo.txt", "not a photo")
    return buffer.getvalue()


def huge_png_header() -> bytes:
    """The start of a 20000x10000 (200 MP) PNG: enough for the header check to refuse it."""
    whole = png_bytes(Image.new("RGB", (8, 8)))
    return whole[:16] + (20000).to_bytes(4, "big") + (10000).to_bytes(4, "big") + whole[24:60]


def cases() -> list[tuple[str, bytes, str]]:
    """(file name, bytes, expected verdict): a catalogue code, or 'done:<width>x<height>'."""
    cat = photos.coffee().resize((300, 200))
    rotated = Image.Exif()
    rotated[0x0112] = 6  # "rotate 90 CW to display": stored 300x200, shown 200x300
    with_alpha = photos.astronaut().resize((128, 128)).convert("RGBA")
    alpha = np.asarray(with_alpha).copy()
    alpha[:, :64, 3] = 0
    sixteen = Image.fromarray(np.asarray(cat.convert("L"), dtype=np.uint16) * 257)  # 16-bit grey
    full = jpeg_bytes(photos.astronaut())
    whole_png = png_bytes(photos.coffee())
    return [
        ("empty.jpg", b"", errors.EMPTY_FILE),
        ("notes.jpg", b"shopping list: milk, eggs, bread\n" * 20, errors.NOT_AN_IMAGE),
        ("invoice.png", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n", errors.NOT_AN_IMAGE),
        ("archive.webp", zip_bytes(), errors.NOT_AN_IMAGE),
        ("cut.jpg", full[: len(full) * 6 // 10], errors.DAMAGED_IMAGE),
        ("cut.png", whole_png[: len(whole_png) // 2], errors.DAMAGED_IMAGE),
        ("iphone.heic", b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(400),
         errors.HEIC_UNSUPPORTED),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40">'
                     b'<circle cx="20" cy="20" r="15" fill="red"/></svg>', errors.SVG_REFUSED),
        ("panorama.png", huge_png_header(), errors.TOO_LARGE),
        ("animated.gif", animated("GIF"), "done:96x96"),
        ("animated.webp", animated("WEBP"), "done:96x96"),
        ("dot.png", png_bytes(Image.new("RGB", (1, 1), "white")), "done:1x1"),
        ("strip.png", png_bytes(Image.new("RGB", (1, 10000), "white")), "done:1x10000"),
        ("gray.png", png_bytes(cat.convert("L")), "done:300x200"),
        ("palette.png", png_bytes(cat.convert("P")), "done:300x200"),
        ("deep.png", png_bytes(sixteen), "done:300x200"),
        ("print.jpg", jpeg_bytes(cat.convert("CMYK")), "done:300x200"),
        ("cutout.png", png_bytes(Image.fromarray(alpha)), "done:128x128"),
        ("rotated.jpg", jpeg_bytes(cat, exif=rotated.tobytes()), "done:200x300"),
    ]


def test_every_file_gets_its_own_verdict(page: Page, tmp_path: Path) -> None:
    wait_for(page, "#engine-lightweight", 30)
    page.click("#engine-lightweight")
    paths = []
    expected = []
    for name, data, verdict in cases():
        (tmp_path / name).write_bytes(data)
        paths.append(tmp_path / name)
        expected.append((name, verdict))
    page.upload("input[type=file]", paths)
    jobs = wait_for_jobs(page, len(paths), timeout=600)
    by_name = {job["name"]: job for job in jobs}
    for name, verdict in expected:
        job = by_name[name]
        if verdict.startswith("done:"):
            assert job["state"] == "done", (name, job["alert"])
            png = png_from(fetch_bytes(page, job["href"]))
            assert png.mode == "RGBA" and "x".join(map(str, png.size)) == verdict[5:], name
            if name == "cutout.png":
                # The photo's own transparency survives: its transparent half stays so.
                assert np.asarray(png)[:, :64, 3].max() == 0
            if name.startswith("animated"):
                # The cutout shows the first frame, not the second.
                rgba = np.asarray(png).astype(int)
                shown = rgba[:, :, 3] == 255
                assert shown.sum() > 100, name
                first, second = (np.asarray(f).astype(int)[shown] for f in frames())
                ours = rgba[:, :, :3][shown]
                assert np.abs(ours - first).mean() < np.abs(ours - second).mean() / 2, name
        else:
            assert job["state"] == "failed", name
            assert TEXT[verdict] in job["alert"], (name, job["alert"])
    assert "20000\u00d710000 = 200 MP; the limit is 100 MP" in by_name["panorama.png"]["alert"]
    # Nothing was lost along the way: the worker is alive and the next photo still works.
    assert page.run_async("return (await window.backgrone.engines()).length;") == 3
