"""The parity driver's framing section (core/framing and the settings that carry a frame)."""
# __pragma__('skip')
from typing import Any
# __pragma__('noskip')
from parity_support import Random, clamped_bytes  # noqa: E402
from backgrone.core import framing, output  # noqa: E402


def framing_section(report: Any, rng: Random) -> None:
    width = 23
    height = 17
    alpha = clamped_bytes(4 * width * height)
    for i in range(width * height):
        if rng.next_int(9) == 0 and 3 <= i % width < 19 and i // width >= 2:
            alpha[4 * i + 3] = 1 + rng.next_int(255)
    boxes = []
    for band in [1, 4, 17]:
        box = framing.empty_box(width, height)
        for top in range(0, height, band):
            rows = min(band, height - top)
            part = clamped_bytes(4 * width * rows)
            for k in range(4 * width * rows):
                part[k] = alpha[4 * width * top + k]
            framing.grow_box(box, part, width, rows, top, 4, 3)
        boxes.append(box)
    report["framing_boxes"] = boxes
    frames = []
    for case in [[framing.CROP_SUBJECT, 0.1, [], framing.POSITION_CENTER],
                 [framing.CROP_SUBJECT, 0.05, [2000, 2000], framing.POSITION_BOTTOM],
                 [framing.CROP_SUBJECT, 0.08, [1600, 2000], framing.POSITION_CENTER],
                 [framing.CROP_NONE, 0.0, [13, 10], framing.POSITION_CENTER],
                 [framing.CROP_NONE, 0.0, [], framing.POSITION_CENTER]]:
        made = framing.frame(width, height, boxes[0], case[0], case[1], case[2], case[3])
        frames.append([made.width, made.height, made.rect])
    report["frames"] = frames
    settings = output.OutputSettings()
    summaries = []
    for chosen in framing.FRAMINGS:
        settings.choose_framing(chosen.framing_id)
        summaries.append([settings.summary(), settings.framed(), settings.untouched()])
    report["framing_summaries"] = summaries
    report["framing_table"] = [[f.framing_id, f.label, f.words, f.crop, f.margin, f.size, f.position,
                                f.background] for f in framing.FRAMINGS]
    report["output_kinds"] = [[k.output_id, k.label, k.suffix, k.mask] for k in framing.OUTPUTS]
