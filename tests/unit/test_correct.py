"""core/correct: a click flips the wrong region it lands in, along the photo's edges; and
core/confidence ranks a whole subject above a broken, uncertain one. Synthetic photos at a
model side of 64 (a 16 x 16 working grid)."""
from __future__ import annotations

from array import array

from backgrone.core import confidence, correct

SIDE = 64
GREY = (120, 120, 120)


def photo(shapes: list[tuple[int, int, int, tuple[int, int, int]]]) -> bytearray:
    """RGBA bytes: a grey ground with filled squares (x0, y0, size, colour)."""
    rgba = bytearray(4 * SIDE * SIDE)
    for i in range(SIDE * SIDE):
        rgba[4 * i:4 * i + 4] = bytes((*GREY, 255))
    for x0, y0, size, colour in shapes:
        for y in range(y0, y0 + size):
            for x in range(x0, x0 + size):
                i = y * SIDE + x
                rgba[4 * i:4 * i + 4] = bytes((*colour, 255))
    return rgba


def square(x0: int, y0: int, size: int) -> bytearray:
    mask = bytearray(SIDE * SIDE)
    for y in range(y0, y0 + size):
        for x in range(x0, x0 + size):
            mask[y * SIDE + x] = 255
    return mask


def run(mask: bytearray, rgba: bytearray, clicks: list[correct.Click],
        strokes: list[correct.Stroke] | None = None) -> tuple[bytearray, int]:
    out = bytearray(SIDE * SIDE)
    work = correct.Work(SIDE, lambda n: array("d", bytes(8 * n)))
    changed = correct.correct(mask, rgba, SIDE, clicks, strokes or [], work, out)
    return out, changed


def iou(ours: bytearray, truth: bytearray) -> float:
    both = sum(1 for a, b in zip(ours, truth, strict=True) if a >= 128 and b >= 128)
    either = sum(1 for a, b in zip(ours, truth, strict=True) if a >= 128 or b >= 128)
    return both / either


def test_a_subject_missed_entirely_comes_back_with_one_keep_click() -> None:
    rgba = photo([(16, 16, 24, (200, 40, 40))])
    truth = square(16, 16, 24)
    missed = bytearray(SIDE * SIDE)
    out, changed = run(missed, rgba, [correct.Click(28, 28, True)])
    assert iou(out, truth) >= 0.9
    assert changed > 0.9 * 24 * 24
    assert out[2 * SIDE + 2] == 0 and out[60 * SIDE + 60] == 0  # the ground stays background


def test_a_second_object_next_to_the_subject_goes_with_one_remove_click() -> None:
    # The subject (red) and a blue box touching it; the model kept both.
    rgba = photo([(8, 16, 24, (200, 40, 40)), (32, 16, 24, (40, 40, 200))])
    both = square(8, 16, 24)
    for y in range(16, 40):
        for x in range(32, 56):
            both[y * SIDE + x] = 255
    out, _ = run(both, rgba, [correct.Click(44, 28, False)])
    truth = square(8, 16, 24)
    assert iou(out, truth) >= 0.9
    assert out[28 * SIDE + 16] == 255  # the subject is untouched


def test_a_click_on_a_region_already_right_changes_nothing() -> None:
    rgba = photo([(16, 16, 24, (200, 40, 40))])
    right = square(16, 16, 24)
    for click in (correct.Click(28, 28, True), correct.Click(4, 4, False)):
        out, changed = run(right, rgba, [click])
        assert changed == 0 and out == right


def test_clicks_are_replayed_oldest_first_and_undo_is_dropping_the_last() -> None:
    rgba = photo([(8, 16, 24, (200, 40, 40)), (32, 16, 24, (40, 40, 200))])
    mask = square(8, 16, 24)
    one, _ = run(mask, rgba, [correct.Click(44, 28, True)])
    two, _ = run(mask, rgba, [correct.Click(44, 28, True), correct.Click(44, 28, False)])
    again, _ = run(mask, rgba, [correct.Click(44, 28, True)])
    assert one == again and one != mask
    assert two == mask  # the second click took back what the first added


def test_a_stroke_paints_a_hard_disc_after_the_clicks() -> None:
    rgba = photo([])
    out, changed = run(bytearray(SIDE * SIDE), rgba, [], [correct.Stroke([[32.0, 32.0]], True, 3.0)])
    assert out[32 * SIDE + 32] == 255 and out[32 * SIDE + 40] == 0
    assert 20 < changed < 40  # about pi * 3 * 3


def test_hints_map_from_the_photo_onto_the_mask_grid() -> None:
    clicks = correct.clicks_in_grid([[0, 0, True], [399, 199, False]], 400, 200, 64)
    assert (clicks[0].x, clicks[0].y, clicks[0].keep) == (0.08, 0.16, True)
    assert abs(clicks[1].x - 63.92) < 1e-9 and abs(clicks[1].y - 63.84) < 1e-9 and not clicks[1].keep
    strokes = correct.strokes_in_grid([[[[10, 10]], False, 20]], 400, 200, 64)
    assert strokes[0].radius == 20 * 64 / 400 and not strokes[0].keep


def test_confidence_ranks_a_whole_sure_subject_above_a_broken_uncertain_one() -> None:
    whole = square(16, 16, 24)
    broken = square(16, 16, 12)
    for y in range(44, 56):
        for x in range(44, 56):
            broken[y * SIDE + x] = 255
    for y in range(0, 10):
        for x in range(0, 64):
            broken[y * SIDE + x] = 100  # uncertain
    sure = confidence.confidence(whole, SIDE, bytearray(SIDE * SIDE))
    unsure = confidence.confidence(broken, SIDE, bytearray(SIDE * SIDE))
    assert sure == 1.0
    assert 0.0 < unsure < 0.5 * sure
    assert confidence.confidence(bytearray(SIDE * SIDE), SIDE, bytearray(SIDE * SIDE)) == 0.0
