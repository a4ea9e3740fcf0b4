"""core/brush: dabs erase and restore alpha; undo and redo restore it exactly."""
from __future__ import annotations

from backgrone.core import brush


def history(width: int, height: int, value: int) -> brush.EditHistory:
    return brush.EditHistory(bytearray([value] * (width * height)), width, height, bytearray)


def test_weight_is_one_in_the_core_and_zero_at_the_rim() -> None:
    assert brush.dab_weight(0, 10, 0.5) == 1.0
    assert brush.dab_weight(5, 10, 0.5) == 1.0
    assert 0 < brush.dab_weight(7.5, 10, 0.5) < 1
    assert brush.dab_weight(10, 10, 0.5) == 0.0
    assert brush.dab_weight(9.99, 10, 1.0) == 1.0
    soft = [brush.dab_weight(d, 10, 0.0) for d in range(11)]
    assert soft == sorted(soft, reverse=True)


def test_erase_dab_clears_the_centre_and_spares_the_rest() -> None:
    edits = history(20, 20, 255)
    rect = edits.dab(10, 10, 4, 1.0, brush.ERASE)
    assert rect == [6, 6, 15, 15]
    assert edits.alpha[10 * 20 + 10] == 0
    assert edits.alpha[0] == 255 and edits.alpha[10 * 20 + 16] == 255
    changed = sum(1 for v in edits.alpha if v != 255)
    assert 40 < changed < 60  # about pi * 4 * 4


def test_restore_only_raises_and_erase_only_lowers() -> None:
    alpha = bytearray([100] * 25)
    bounds = brush.empty_bounds()
    brush.paint_dab(alpha, 5, 5, 2.5, 2.5, 3, 0.0, brush.RESTORE, bounds)
    assert min(alpha) >= 100 and alpha[12] == 255
    before = bytes(alpha)
    brush.paint_dab(alpha, 5, 5, 2.5, 2.5, 3, 0.0, brush.ERASE, bounds)
    assert all(a <= b for a, b in zip(alpha, before, strict=True))
    assert bounds == [0, 0, 5, 5]


def test_dab_outside_the_image_does_nothing() -> None:
    edits = history(8, 8, 255)
    assert edits.dab(-20, -20, 3, 1, brush.ERASE) == brush.empty_bounds()
    assert not edits.end_stroke() and not edits.can_undo()


def test_undo_and_redo_by_stroke() -> None:
    edits = history(30, 30, 200)
    original = bytes(edits.alpha)
    for x in range(5, 20):
        edits.dab(x, 8, 3, 0.8, brush.ERASE)
    assert edits.end_stroke()
    first = bytes(edits.alpha)
    edits.dab(15, 20, 5, 1.0, brush.RESTORE)
    edits.end_stroke()
    second = bytes(edits.alpha)
    assert len({original, first, second}) == 3 and edits.version == 2
    assert edits.undo() == [10, 15, 21, 26]
    assert bytes(edits.alpha) == first
    edits.undo()
    assert bytes(edits.alpha) == original and not edits.can_undo() and edits.undo() == []
    edits.redo()
    assert bytes(edits.alpha) == first
    edits.redo()
    assert bytes(edits.alpha) == second and not edits.can_redo()
    edits.undo()
    edits.dab(1, 1, 2, 1, brush.ERASE)
    edits.end_stroke()
    assert not edits.can_redo()  # a new stroke drops what was undone
    assert edits.version == 8


def test_history_is_capped() -> None:
    edits = history(4, 4, 255)
    for i in range(brush.MAX_HISTORY + 5):
        edits.dab(2, 2, 2, 1, brush.ERASE if i % 2 else brush.RESTORE)
        edits.end_stroke()
    assert len(edits.done) <= brush.MAX_HISTORY


def test_stroke_points_are_evenly_spaced_and_end_at_the_target() -> None:
    points = brush.stroke_points(0, 0, 10, 0, 2.5)
    assert points == [[2.5, 0], [5.0, 0], [7.5, 0], [10.0, 0]]
    assert brush.stroke_points(3, 3, 3, 3, 1) == [[3, 3]]


def test_copy_and_paste_rect_round_trip() -> None:
    source = bytearray(range(48))
    patch = bytearray(6)
    brush.copy_rect(source, 8, [2, 1, 5, 3], patch)
    assert list(patch) == [10, 11, 12, 18, 19, 20]
    target = bytearray(48)
    brush.paste_rect(target, 8, [2, 1, 5, 3], patch)
    assert target[10] == 10 and target[20] == 20 and target[9] == 0


def test_copy_rect_into_the_alpha_channel_of_rgba() -> None:
    source = bytearray(range(48))
    rgba_patch = bytearray([7] * 24)
    brush.copy_rect(source, 8, [2, 1, 5, 3], rgba_patch, 3, 4)
    assert list(rgba_patch[3::4]) == [10, 11, 12, 18, 19, 20]
    assert set(rgba_patch[0::4]) | set(rgba_patch[1::4]) | set(rgba_patch[2::4]) == {7}


def rgba(pixels: list[tuple[int, int, int, int]]) -> bytearray:
    return bytearray(channel for pixel in pixels for channel in pixel)


# A cutout row: transparent (no colour left), faint, refined edge, opaque.
CUTOUT = [(0, 0, 0, 0), (250, 0, 0, 10), (40, 50, 60, 128), (7, 8, 9, 255)]
PHOTO = [(200, 210, 220, 255), (201, 211, 221, 255), (90, 100, 110, 255), (7, 8, 9, 255)]


def test_colour_layer_keeps_refined_colours_and_takes_the_photos_where_none_survive() -> None:
    layer = rgba(CUTOUT)
    alpha = bytearray(4)
    brush.colour_layer(layer, rgba(PHOTO), 4, alpha)
    assert list(alpha) == [0, 10, 128, 255]
    assert layer == rgba([(200, 210, 220, 255), (201, 211, 221, 255), (40, 50, 60, 255), (7, 8, 9, 255)])


def test_edited_layer_changes_only_what_the_brush_changed() -> None:
    photo = rgba(PHOTO)
    unchanged = rgba(CUTOUT)
    brush.edited_layer(unchanged, photo, bytearray([0, 10, 128, 255]), 4)
    assert unchanged == rgba(CUTOUT)  # every stroke undone: the cutout, byte for byte
    edited = rgba(CUTOUT)
    brush.edited_layer(edited, photo, bytearray([255, 200, 255, 30]), 4)
    # Restored from nothing or from a faint pixel: the photo's colour; a refined edge pixel
    # keeps its decontaminated colour at its new alpha; erasing keeps the colour too.
    assert edited == rgba([(200, 210, 220, 255), (201, 211, 221, 200), (40, 50, 60, 255), (7, 8, 9, 30)])


def test_edits_then_undo_give_back_the_layer_exactly() -> None:
    width = height = 12
    photo = bytearray((i * 7) % 256 for i in range(4 * width * height))
    cutout = bytearray((i * 13) % 256 for i in range(4 * width * height))
    layer = bytearray(cutout)
    alpha = bytearray(width * height)
    brush.colour_layer(layer, photo, width * height, alpha)
    edits = brush.EditHistory(alpha, width, height, bytearray)
    edits.dab(4, 4, 3, 0.5, brush.RESTORE)
    edits.end_stroke()
    edits.dab(8, 8, 3, 1.0, brush.ERASE)
    edits.end_stroke()
    edited = bytearray(cutout)
    brush.edited_layer(edited, photo, edits.alpha, width * height)
    assert edited != cutout
    edits.undo()
    edits.undo()
    again = bytearray(cutout)
    brush.edited_layer(again, photo, edits.alpha, width * height)
    assert again == cutout
