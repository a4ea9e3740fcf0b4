"""The parity driver's section for corrective clicks and confidence (core/correct.py,
core/confidence.py): a random photo and mask at a side of 48, clicks and a stroke."""
# __pragma__('skip')
from typing import Any
# __pragma__('noskip')
from parity_support import Random, as_list, clamped_bytes, doubles  # noqa: E402
from backgrone.core import confidence, correct  # noqa: E402


def correct_section(report: Any, rng: Random) -> None:
    side = 48
    count = side * side
    rgba = clamped_bytes(4 * count)
    alpha8 = clamped_bytes(count)
    for y in range(side):
        for x in range(side):
            i = y * side + x
            inside = (x - 20) * (x - 20) + (y - 24) * (y - 24) < 144
            near = 28 <= x < 44 and 12 <= y < 36
            rgba[4 * i] = (200 if inside else (40 if near else 120)) + rng.next_int(20)
            rgba[4 * i + 1] = 60 + rng.next_int(30)
            rgba[4 * i + 2] = (200 if near else 90) + rng.next_int(20)
            rgba[4 * i + 3] = 255
            alpha8[i] = 230 + rng.next_int(26) if inside or near else rng.next_int(40)
    work = correct.Work(side, doubles)
    runs = []
    hints = [[[36.0, 24.0, False]], [[36.0, 24.0, False], [20.0, 24.0, True], [4.0, 4.0, True]],
             [[40.0, 30.0, True]]]
    for clicks in hints:
        out = clamped_bytes(count)
        stroke = correct.strokes_in_grid([[[[10, 40], [14, 42]], False, 3]], side, side, side)
        changed = correct.correct(alpha8, rgba, side, correct.clicks_in_grid(clicks, side, side, side),
                                  stroke, work, out)
        runs.append([changed, as_list(out, count)])
    report["correct"] = runs
    report["confidence"] = [confidence.confidence(alpha8, side, clamped_bytes(count)),
                            confidence.confidence(runs[0][1], side, clamped_bytes(count))]
