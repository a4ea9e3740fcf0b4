"""core/framing: the subject's box, the frame's margins, fit, position and rounding."""
from __future__ import annotations

import numpy as np
import pytest

from backgrone.core import framing, errors, output
from backgrone.core.framing import CROP_NONE, CROP_SUBJECT, POSITION_BOTTOM, POSITION_CENTER
from backgrone.core.errors import AppError


def box_of(alpha: np.ndarray, band: int) -> list[int]:
    """The box as the export worker finds it: RGBA rows, `band` rows at a time."""
    height, width = alpha.shape
    rgba = np.zeros((height, width, 4), np.uint8)
    rgba[:, :, 3] = alpha
    box = framing.empty_box(width, height)
    for top in range(0, height, band):
        rows = min(band, height - top)
        framing.grow_box(box, bytearray(rgba[top:top + rows].tobytes()), width, rows, top, 4, 3)
    return box


@pytest.mark.parametrize("band", [1, 3, 7, 100])
def test_box_is_the_visible_pixels_whatever_the_bands(band: int) -> None:
    alpha = np.zeros((20, 30), np.uint8)
    alpha[4:9, 11:17] = 255
    alpha[15, 2] = 1  # one faint pixel counts: alpha > 0
    assert box_of(alpha, band) == [2, 4, 17, 16]
    ys, xs = np.nonzero(alpha)
    assert box_of(alpha, band) == [xs.min(), ys.min(), xs.max() + 1, ys.max() + 1]


def test_margin_grows_the_box_by_a_fraction_of_its_longer_side() -> None:
    # A 40 x 20 subject at (30, 50) in a 200 x 100 photo; margin 0.1 of 40 = 4 on every side.
    frame = framing.frame(200, 100, [30, 50, 70, 70], CROP_SUBJECT, 0.1, [], POSITION_CENTER)
    assert (frame.width, frame.height) == (48, 28)
    # The photo drawn 1:1, its subject's corner 4 px in.
    assert frame.rect == [-26, -46, 200, 100]
    none = framing.frame(200, 100, [30, 50, 70, 70], CROP_SUBJECT, 0.0, [], POSITION_CENTER)
    assert (none.width, none.height, none.rect) == (40, 20, [-30, -50, 200, 100])


def test_subject_touching_the_photo_edge_frames_beyond_it() -> None:
    # The subject fills the photo's left and bottom edge: the frame reaches past the photo,
    # where the output has only the background.
    # The box is 50 x 60: a margin of 0.2 x 60 = 12 px.
    frame = framing.frame(100, 80, [0, 20, 50, 80], CROP_SUBJECT, 0.2, [], POSITION_CENTER)
    assert (frame.width, frame.height) == (74, 84)
    assert frame.rect == [12, -8, 100, 80]
    # 12 columns left of the photo and 12 rows below it are outside it.
    assert frame.rect[0] == 12 and frame.height - (frame.rect[1] + 80) == 12


def test_fit_in_a_size_centred() -> None:
    # A 100 x 50 frame into 2000 x 2000: scale 20, letterboxed top and bottom.
    frame = framing.frame(400, 300, [100, 100, 200, 150], CROP_SUBJECT, 0.0, [2000, 2000], POSITION_CENTER)
    assert (frame.width, frame.height) == (2000, 2000)
    assert frame.rect == [-2000, -1500, 8000, 6000]
    # The subject's box lands centred: x 0..2000, y 500..1500.
    assert frame.rect[0] + 100 * 20 == 0 and frame.rect[1] + 100 * 20 == 500
    assert frame.scale(400) == 20


def test_bottom_stands_the_subject_one_margin_above_the_edge() -> None:
    # A tall 50 x 100 subject, margin 0.1 (10 px), into 1000 x 1000: scale 1000 / 120.
    frame = framing.frame(300, 300, [100, 100, 150, 200], CROP_SUBJECT, 0.1, [1000, 1000], POSITION_BOTTOM)
    scale = 1000 / 120
    assert frame.rect[2] == round(300 * scale)
    bottom = frame.rect[1] + 200 * scale
    assert abs(bottom - (1000 - 10 * scale)) <= 0.5
    # A wide subject: the scale comes from the width, the room is all above it.
    wide = framing.frame(300, 300, [0, 100, 300, 150], CROP_SUBJECT, 0.0, [600, 600], POSITION_BOTTOM)
    assert wide.rect == [0, 600 - 150 * 2, 600, 600]
    centred = framing.frame(300, 300, [0, 100, 300, 150], CROP_SUBJECT, 0.0, [600, 600], POSITION_CENTER)
    assert centred.rect == [0, 250 - 200, 600, 600]


def test_rounding_is_half_up_and_whole_pixels() -> None:
    # 3 x 3 subject into 10 x 10: scale 10/3; every rect field a whole number.
    frame = framing.frame(7, 7, [2, 2, 5, 5], CROP_SUBJECT, 0.0, [10, 10], POSITION_CENTER)
    assert all(isinstance(v, int) for v in frame.rect)
    assert frame.rect == [-7, -7, 23, 23]  # -2 * 10/3 = -6.67 -> -7; 7 * 10/3 = 23.3 -> 23
    assert framing.round_half_up(2.5) == 3 and framing.round_half_up(-2.5) == -2
    # Odd room splits with the half pixel rounded up: 2 px of 3 free on the left.
    odd = framing.frame(10, 10, [0, 0, 10, 10], CROP_NONE, 0.0, [13, 10], POSITION_CENTER)
    assert odd.rect == [2, 0, 10, 10]


def test_original_frame_is_the_photo() -> None:
    frame = framing.frame(640, 480, framing.empty_box(640, 480), CROP_NONE, 0.0, [], POSITION_CENTER)
    assert (frame.width, frame.height, frame.rect) == (640, 480, [0, 0, 640, 480])


def test_an_empty_subject_is_a_clear_error_not_a_0x0_file() -> None:
    alpha = np.zeros((12, 9), np.uint8)
    box = box_of(alpha, 5)
    assert not framing.has_subject(box)
    for size, position in [([], POSITION_CENTER), ([100, 100], POSITION_BOTTOM)]:
        with pytest.raises(AppError) as caught:
            framing.frame(9, 12, box, CROP_SUBJECT, 0.05, size, position)
        assert caught.value.code == errors.EMPTY_SUBJECT
    assert "nothing to crop" in errors.message_for(errors.EMPTY_SUBJECT, "")
    # Bottom needs a subject even uncropped; the photo's own frame needs none.
    with pytest.raises(AppError):
        framing.frame(9, 12, box, CROP_NONE, 0.0, [10, 10], POSITION_BOTTOM)
    assert framing.frame(9, 12, box, CROP_NONE, 0.0, [10, 10], POSITION_CENTER).width == 10


@pytest.mark.parametrize("crop,margin,size,position", [
    ("square", 0.0, [], POSITION_CENTER), (CROP_SUBJECT, -0.1, [], POSITION_CENTER),
    (CROP_SUBJECT, 1.5, [], POSITION_CENTER), (CROP_SUBJECT, 0.1, [0, 10], POSITION_CENTER),
    (CROP_SUBJECT, 0.1, [10.5, 10], POSITION_CENTER), (CROP_SUBJECT, 0.1, [10], POSITION_CENTER),
    (CROP_SUBJECT, 0.1, [100000, 10], POSITION_CENTER), (CROP_SUBJECT, 0.1, [], "top"),
])
def test_bad_options_are_refused_by_name(crop: str, margin: float, size: list[float], position: str) -> None:
    with pytest.raises(AppError) as caught:
        framing.frame(10, 10, [0, 0, 5, 5], crop, margin, size, position)  # type: ignore[arg-type]
    assert caught.value.code == errors.BAD_OUTPUT_OPTION


def test_settings_carry_the_frame_into_key_summary_and_names() -> None:
    settings = output.OutputSettings()
    assert not settings.framed() and settings.untouched()
    plain = settings.key()
    settings.choose_framing("shop")
    assert settings.framed() and not settings.untouched()
    assert (settings.crop, settings.size, settings.position) == (CROP_SUBJECT, [2000, 2000], POSITION_BOTTOM)
    assert settings.preset == "white" and settings.key() != plain
    assert settings.summary() == "PNG, white, 2000 \u00d7 2000 on the floor"
    settings.set_frame(CROP_SUBJECT, 0.1, [800, 600], POSITION_CENTER)
    assert settings.framing_id == framing.FRAMING_CUSTOM
    assert settings.summary() == "PNG, white, cropped, margin 10 %, 800 \u00d7 600"
    settings.output_id = framing.OUTPUT_MASK
    assert settings.summary() == "Mask PNG, cropped, margin 10 %, 800 \u00d7 600"
    assert settings.mime() == "image/png" and settings.extension() == "png"
    assert output.output_name("a.jpg", settings.extension(), settings.output_kind().suffix) == "a-mask.png"
    # The mask ignores the background: changing it keeps the key.
    key = settings.key()
    settings.choose("black", "#ffffff")
    assert settings.key() == key
    settings.choose_framing(framing.FRAMING_ORIGINAL)
    settings.output_id = framing.OUTPUT_CUTOUT
    assert not settings.framed()
    with pytest.raises(AppError):
        settings.choose_framing("banner")
