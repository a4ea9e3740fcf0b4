"""Runs core/ on fixed pseudo-random inputs and prints the results as one JSON document.

Run by CPython as it is and by Node after Transcrypt: the two outputs must be identical.
"""
# __pragma__('skip')
from typing import Any, List
# __pragma__('noskip')
from parity_correct import correct_section  # noqa: E402
from parity_support import Random, as_list, clamped_bytes, doubles, dump, floats  # noqa: E402
from parity_framing import framing_section  # noqa: E402
from backgrone.core import jobs, errors, protocol  # noqa: E402
from backgrone.core.engines import ENGINES, OUTPUT_CLAMP, OUTPUT_MINMAX, find_engine  # noqa: E402
from parity_devices import devices_section  # noqa: E402
from backgrone.core.bilinear import block_axis, pixel_axis, resize_axis  # noqa: E402
from backgrone.core.geometry import fits  # noqa: E402
from backgrone.core.mask import apply_alpha, mask_to_alpha8  # noqa: E402
from backgrone.core.tensor import rgba_to_nchw  # noqa: E402
from backgrone.core import backdrop, brush, framing, output, sniff  # noqa: E402
from backgrone.core.threads import threads_note, threads_to_ask  # noqa: E402
from backgrone.core.digest import to_hex  # noqa: E402
from backgrone.core import png, refine  # noqa: E402
from backgrone.core.mask import apply_alpha_rows  # noqa: E402
from backgrone.core.refine_planes import PLANES, Planes  # noqa: E402


def main() -> None:
    rng = Random(20261127)
    report: Any = {}

    axes = []
    for pair in [[1024, 512], [512, 1024], [7, 3], [3, 7], [1, 5], [5, 1], [1024, 4000]]:
        axis = resize_axis(pair[0], pair[1])
        axes.append([axis.lo, axis.hi, axis.frac])
        # Refinement's: the mask at blocks of 3 pixels' centres, and the blocks back to pixels.
        blocks = block_axis(pair[0], pair[1], 3, (pair[1] + 2) // 3)
        axes.append([blocks.lo, blocks.hi, blocks.frac])
        back = pixel_axis(len(blocks.lo), pair[1], 3)
        axes.append([back.lo, back.hi, back.frac])
    report["axes"] = axes

    side = 9
    count = side * side
    rgba = clamped_bytes(4 * count)
    for i in range(4 * count):
        rgba[i] = rng.next_int(256)
    planes = []
    for engine in ENGINES:
        out = floats(3 * count)
        rgba_to_nchw(rgba, count, engine.mean, engine.std, out)
        planes.append(as_list(out, 3 * count))
    report["nchw"] = planes

    raw = floats(count)
    for i in range(count):
        raw[i] = rng.next_float() * 1.4 - 0.2  # spills past [0, 1] on both sides
    alphas = []
    for mode in [OUTPUT_CLAMP, OUTPUT_MINMAX]:
        alpha8 = clamped_bytes(count)
        mask_to_alpha8(raw, count, mode, alpha8)
        alphas.append(as_list(alpha8, count))
    flat = floats(count)
    flat_alpha = clamped_bytes(count)
    mask_to_alpha8(flat, count, OUTPUT_MINMAX, flat_alpha)
    alphas.append(as_list(flat_alpha, count))
    report["alpha8"] = alphas

    mask = clamped_bytes(count)
    mask_to_alpha8(raw, count, OUTPUT_CLAMP, mask)
    upscaled = []
    for size in [[23, 17], [9, 9], [4, 30], [1, 1]]:
        width = size[0]
        height = size[1]
        photo = clamped_bytes(4 * width * height)
        for i in range(4 * width * height):
            photo[i] = rng.next_int(256)
        apply_alpha(mask, side, side, photo, width, height, doubles(width))
        upscaled.append(as_list(photo, 4 * width * height))
    report["apply_alpha"] = upscaled

    queue = jobs.JobQueue()
    trace = []
    for name in ["a.jpg", "b.png", "c"]:
        queue.add(name, "precision")
    first = queue.start_next()
    trace.append(first.job_id if first is not None else -1)
    trace.append(queue.start_next() is None)
    if first is not None:
        first.move(jobs.DONE)
    second = queue.start_next()
    if second is not None:
        second.move(jobs.FAILED)
    trace.append(queue.counts())
    report["jobs"] = trace
    report["names"] = [jobs.output_name(n) for n in ["photo.jpg", "archive.tar.gz", ".hidden", "plain", ""]]
    report["fractions"] = [protocol.stage_fraction(s, 1, 4) for s in protocol.STAGES]
    report["messages"] = [errors.message_for(errors.NOT_AN_IMAGE, "x"), errors.message_for("nope", "")]
    try:
        find_engine("nope")
        report["unknown_engine"] = ""
    except ValueError as exc:
        report["unknown_engine"] = str(exc)
    report["fits"] = [fits(10000, 10000), fits(10001, 10000), fits(0, 5)]
    report["threads"] = [threads_to_ask(isolated, shares, cores) for isolated in [True, False]
                         for shares in [True, False] for cores in [1, 2, 8]]
    report["thread_notes"] = [threads_note(t, True, False) for t in [1, 2]]
    queue_section(report)
    output_section(report)
    brush_section(report, rng)
    backdrop_section(report, rng)
    framing_section(report, rng)
    sniff_section(report)
    report["hex"] = to_hex(bytes_of("\x00\x0f\xf0\xff\x12\xab"), 6)
    refine_section(report, rng)
    strips_section(report, rng)
    devices_section(report)
    correct_section(report, rng)
    dump(report)


def queue_section(report: Any) -> None:
    """Cancel, retry and remove: the order jobs run in and what each state looks like."""
    queue = jobs.JobQueue()
    for name in ["a.jpg", "b.png", "c.webp", "d"]:
        queue.add(name, "lightweight")
    trace: List[Any] = []
    trace.append(queue.cancel(2))
    first = queue.start_next()
    trace.append(first.job_id if first is not None else -1)
    trace.append(queue.cancel(1))
    trace.append(queue.retry(2))
    trace.append(queue.retry(3))
    trace.append(queue.remove(4))
    order = []
    job = queue.start_next()
    while job is not None:
        order.append(job.job_id)
        job.move(jobs.DONE if job.job_id != 3 else jobs.FAILED)
        job = queue.start_next()
    trace.append(order)
    trace.append(queue.retry(1))
    trace.append(queue.cancel(1))
    trace.append([[j.job_id, j.state, j.attempts] for j in queue.jobs])
    trace.append(queue.summary())
    trace.append(queue.counts())
    report["queue"] = trace


def output_section(report: Any) -> None:
    names = [output.output_name(n, e) for n in ["a.jpeg", "dir/b.png", ".x", "c"] for e in ["png", "jpg"]]
    doubled = []
    for _ in range(2):
        doubled.extend(names)
    report["output_names"] = output.unique_names(doubled)
    report["cover"] = [framing.cover_rect(s[0], s[1], s[2], s[3])
                       for s in [[400, 200, 100, 100], [200, 400, 100, 100], [1000, 10, 10, 1000],
                                 [4000, 3000, 1920, 1080], [7, 5, 5, 7]]]
    report["colors"] = [output.parse_color(c) for c in ["#00ff00", "#A0b1C2"]]
    # Records built with keyword arguments (the kwargs pragma): every field where it belongs.
    report["engine_table"] = [
        [e.engine_id, e.label, e.summary, e.size_bytes, e.input_name, e.output_name, e.input_size,
         e.mean, e.std, e.output_mode, e.source, e.source_key, e.licence, e.recipe]
        for e in ENGINES]
    report["format_table"] = [[f.format_id, f.label, f.short, f.mime, f.extension, f.alpha, f.lossy]
                              for f in output.FORMATS]
    report["preset_table"] = [[p.preset_id, p.label, p.background, p.color] for p in output.PRESETS]
    report["kind_table"] = [[k.kind_id, k.words, k.checkerboard, k.takes_color, k.takes_image,
                             k.takes_photo, k.css_class] for k in output.BACKGROUND_KINDS]
    report["free_names"] = output.free_names(["a.png", "b", "a.png", "c.jpg"], ["a.png", "a-2.png", "b"])
    chosen = output.OutputSettings()
    summaries = []
    keys: List[str] = []
    for preset in output.PRESETS:
        chosen.choose(preset.preset_id, "#00c040")
        # Keys hold str(float), which the two languages print differently: compare which differ.
        summaries.append([chosen.summary(), chosen.key() in keys, chosen.untouched()])
        keys.append(chosen.key())
    report["preset_summaries"] = summaries
    settings = output.OutputSettings()
    states = []
    for fmt in ["png", "webp", "jpeg"]:
        settings.format_id = fmt
        quality = settings.encode_quality() * 100
        states.append([settings.effective_background(), settings.untouched(), quality])
    report["settings"] = states


def backdrop_section(report: Any, rng: Random) -> None:
    width = 19
    height = 13
    photo = clamped_bytes(4 * width * height)
    cutout = clamped_bytes(4 * width * height)
    for i in range(4 * width * height):
        photo[i] = rng.next_int(256)
        cutout[i] = rng.next_int(256)
    outs = []
    for radius in [1, 5]:
        planes = [doubles(width * height) for _ in range(5)]
        out = clamped_bytes(4 * width * height)
        backdrop.blurred_background(photo, cutout, width, height, radius, planes, out)
        outs.append([out[i] for i in range(4 * width * height)])
    report["backdrop"] = outs
    sizes = []
    for size in [[256, 200], [4000, 3000], [10, 5000], [513, 512]]:
        work = backdrop.work_size(size[0], size[1])
        sizes.append([work[0], work[1], backdrop.blur_radius(work[0], work[1])])
    report["backdrop_sizes"] = sizes


def brush_section(report: Any, rng: Random) -> None:
    width = 23
    height = 17
    alpha = clamped_bytes(width * height)
    for i in range(width * height):
        alpha[i] = rng.next_int(256)
    edits = brush.EditHistory(alpha, width, height, clamped_bytes)
    rects = []
    for stroke in range(3):
        x = rng.next_int(width)
        y = rng.next_int(height)
        mode = brush.ERASE if stroke != 1 else brush.RESTORE
        for point in brush.stroke_points(x, y, x + 6.3, y + 2.7, 1.5):
            rects.append(edits.dab(point[0], point[1], 3.5, 0.35, mode))
        edits.end_stroke()
    states = [as_list(edits.alpha, width * height)]
    rects.append(edits.undo())
    states.append(as_list(edits.alpha, width * height))
    rects.append(edits.redo())
    states.append(as_list(edits.alpha, width * height))
    report["brush"] = [rects, states, edits.version,
                       [brush.dab_weight(d / 4, 3.0, 0.3) for d in range(14)]]
    # The brush's colours and the edited download over a random cutout and photo.
    count = width * height
    cutout = clamped_bytes(4 * count)
    photo = clamped_bytes(4 * count)
    for i in range(4 * count):
        cutout[i] = rng.next_int(256)
        photo[i] = rng.next_int(256)
    layer = clamped_bytes(4 * count)
    edited = clamped_bytes(4 * count)
    for i in range(4 * count):
        layer[i] = cutout[i]
        edited[i] = cutout[i]
    original = clamped_bytes(count)
    brush.colour_layer(layer, photo, count, original)
    brush.edited_layer(edited, photo, edits.alpha, count)
    report["brush_layers"] = [as_list(layer, 4 * count), as_list(original, count),
                              as_list(edited, 4 * count)]


def bytes_of(text: str) -> Any:
    data = clamped_bytes(len(text))
    for i in range(len(text)):
        data[i] = ord(text[i])
    return data


# A HEIC's boxes to its primary image's ispe (12000x9000) and a quarter-turn irot
# (tests/support/heic.header_only).
HEIC_HEADER = ("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic\x00\x00\x00}meta\x00\x00\x00\x00"
               + "\x00\x00\x00!hdlr\x00\x00\x00\x00\x00\x00\x00\x00pict"
               + "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
               + "\x00\x00\x00\x0epitm\x00\x00\x00\x00\x00\x01\x00\x00\x00Biprp\x00\x00\x00%ipco"
               + "\x00\x00\x00\x14ispe\x00\x00\x00\x00\x00\x00\x2e\xe0\x00\x00\x23\x28"
               + "\x00\x00\x00\tirot\x01\x00\x00\x00\x15ipma\x00\x00\x00\x00\x00\x00\x00\x01"
               + "\x00\x01\x02\x81\x02")


def sniff_section(report: Any) -> None:
    """Format and size from headers, including cut-short ones."""
    headers = [
        "\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
        + "\xff\xc0\x00\x11\x08\x01\xe0\x02\x80\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01",
        "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x0f\xa0\x00\x00\x0b\xb8\x08\x06\x00\x00\x00",
        "GIF89a\x10\x27\x01\x00\x00\x00",
        "BM\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x05\x00\x00\x00\xfb\xff\xff\xff",
        "RIFF\x00\x00\x00\x00WEBPVP8X\x0a\x00\x00\x00\x10\x00\x00\x00\xff\x0f\x00\x01\x00\x00",
        "RIFF\x00\x00\x00\x00WEBPVP8L\x00\x00\x00\x00\x2f\xff\xff\xff\xff\x00\x00\x00\x00",
        "\x00\x00\x00\x18ftypheic", HEIC_HEADER,
        "%PDF-1.4", "PK\x03\x04", "<?xml?><SVG width='1'>", "plain text", "",
    ]
    found = []
    for header in headers:
        for cut in [len(header), 12]:
            data = bytes_of(header)
            count = cut if cut < len(header) else len(header)
            result = sniff.sniff(data, count)
            found.append([result.kind, result.width, result.height])
    report["sniff"] = found


def refine_section(report: Any, rng: Random) -> None:
    """Edge refinement: at full resolution (step 1) and through a subsampled working grid,
    on noisy photos with an edge and masks with opaque, transparent and fractional parts."""
    cutouts = []
    for case in [[23, 17, 9, refine.WORK_SIDE], [31, 45, 8, 7], [40, 30, 16, 12]]:
        width = case[0]
        height = case[1]
        side = case[2]
        plan = refine.RefinePlan(width, height, side, case[3])
        photo = clamped_bytes(4 * width * height)
        for y in range(height):
            for x in range(width):
                pixel = 4 * (y * width + x)
                base = 40 if 2 * x < width else 160
                photo[pixel] = base + rng.next_int(60)
                photo[pixel + 1] = 200 - base + rng.next_int(40)
                photo[pixel + 2] = rng.next_int(256)
                photo[pixel + 3] = 255 if y % 3 else rng.next_int(256)
        mask = clamped_bytes(side * side)
        for i in range(side * side):
            column = i - side * (i // side)
            mask[i] = 255 if 3 * column < side else (0 if 3 * column > 2 * side else rng.next_int(256))
        planes = []
        for _ in range(PLANES):
            planes.append(floats(plan.count))
        refine.refine(mask, photo, plan, planes, doubles(plan.line_length))
        cutouts.append([plan.step, plan.radius, as_list(photo, 4 * width * height)])
    report["refine"] = cutouts


def band_of(photo: Any, width: int, top: int, rows: int) -> Any:
    band = clamped_bytes(4 * width * rows)
    for i in range(4 * width * rows):
        band[i] = photo[4 * top * width + i]
    return band


def strips_section(report: Any, rng: Random) -> None:
    """Full size in bands (worker/strips.py): the PNG framing and row filter, refinement and
    alpha a band of rows at a time (the unit tests compare these with the whole photo)."""
    data = clamped_bytes(300)
    for i in range(300):
        data[i] = rng.next_int(256)
    report["crc"] = [png.crc32(0, data, 0, 300), png.crc32(png.crc32(0, data, 0, 7), data, 7, 300)]
    report["png_frame"] = [png.header(4000, 3000), png.trailer(), png.chunk_head("IDAT", 70000),
                           png.chunk_crc("IDAT", data, 300)]
    width = 13
    height = 11
    photo = clamped_bytes(4 * width * height)
    for i in range(4 * width * height):
        photo[i] = rng.next_int(256)
    lines = clamped_bytes(png.filtered_length(width, height))
    png.filter_rows(photo, width, height, lines)
    report["filtered"] = as_list(lines, png.filtered_length(width, height))
    side = 8
    mask = clamped_bytes(side * side)
    for i in range(side * side):
        mask[i] = 255 if i < 20 else (0 if i > 50 else rng.next_int(256))
    plan = refine.RefinePlan(width, height, side, 4)
    buffers = []
    for _ in range(PLANES):
        buffers.append(floats(plan.count))
    planes = Planes(buffers)
    line = doubles(plan.line_length)
    for top in range(0, height, 3):
        rows = 3 if top + 3 <= height else height - top
        refine.add_guide_rows(band_of(photo, width, top, rows), top, rows, plan, planes, line)
    refine.fit(mask, plan, planes, line)
    bands = []
    alphas = []
    for top in range(0, height, 3):
        rows = 3 if top + 3 <= height else height - top
        band = band_of(photo, width, top, rows)
        unrefined = band_of(photo, width, top, rows)
        refine.write_rows(band, top, rows, plan, planes, line)
        bands.append(as_list(band, 4 * width * rows))
        apply_alpha_rows(mask, side, side, unrefined, width, height, top, rows, doubles(width))
        alphas.append(as_list(unrefined, 4 * width * rows))
    report["banded"] = [bands, alphas]


main()
