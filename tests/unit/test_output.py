"""core/output: formats, backgrounds, download names and the cover crop."""
from __future__ import annotations

import pytest

from backgrone.core import framing, output
from backgrone.core.output import OutputSettings


@pytest.mark.parametrize("name,ext,expected", [
    ("photo.jpg", "png", "photo-nobg.png"), ("my.holiday.webp", "webp", "my.holiday-nobg.webp"),
    ("noext", "jpg", "noext-nobg.jpg"), (".env", "png", ".env-nobg.png"), ("", "png", "image-nobg.png"),
    ("shoot/day1/a.png", "png", "a-nobg.png"),
])
def test_output_name(name: str, ext: str, expected: str) -> None:
    assert output.output_name(name, ext) == expected


def test_unique_names_number_repeats_without_clashing() -> None:
    names = ["a-nobg.png", "b-nobg.png", "a-nobg.png", "a-nobg-2.png", "a-nobg.png", "x"]
    assert output.unique_names(names) == [
        "a-nobg.png", "b-nobg.png", "a-nobg-3.png", "a-nobg-2.png", "a-nobg-4.png", "x"]
    assert output.unique_names(["x", "x"]) == ["x", "x-2"]
    assert output.unique_names([]) == []


def test_default_is_the_lossless_transparent_png() -> None:
    settings = OutputSettings()
    assert settings.untouched()
    assert settings.output_format().mime == "image/png"
    assert settings.encode_quality() == -1.0


def test_jpeg_has_no_alpha_so_it_gets_the_colour() -> None:
    settings = OutputSettings()
    settings.format_id = "jpeg"
    assert settings.effective_background() == output.BG_COLOR
    assert not settings.untouched()
    settings.color = "#00ff00"
    key = settings.key()
    settings.color = "#ff0000"
    assert settings.key() != key


def test_webp_quality_and_lossless() -> None:
    settings = OutputSettings()
    settings.format_id = "webp"
    assert settings.encode_quality() == 1.0
    settings.lossless = False
    settings.quality = 1.0
    assert settings.encode_quality() == 0.99
    settings.quality = 0.0
    assert settings.encode_quality() == 0.01
    assert settings.effective_background() == output.BG_TRANSPARENT


def test_key_tracks_what_changes_the_bytes() -> None:
    settings = OutputSettings()
    base = settings.key()
    settings.color = "#123456"  # unused while transparent
    assert settings.key() == base
    settings.background = output.BG_IMAGE
    image_key = settings.key()
    settings.image_version += 1
    assert settings.key() != image_key


@pytest.mark.parametrize("text,rgb", [("#00ff00", [0, 255, 0]), ("#FFFFFF", [255, 255, 255]),
                                      ("#1a2b3c", [26, 43, 60])])
def test_parse_color(text: str, rgb: list[int]) -> None:
    assert output.parse_color(text) == rgb


@pytest.mark.parametrize("text", ["00ff00", "#00ff0", "#00ff0g", "red"])
def test_parse_color_refuses_junk(text: str) -> None:
    with pytest.raises(ValueError):
        output.parse_color(text)


@pytest.mark.parametrize("src,dst,rect", [
    ((400, 200), (100, 100), [100, 0, 200, 200]),
    ((200, 400), (100, 100), [0, 100, 200, 200]),
    ((300, 200), (600, 400), [0, 0, 300, 200]),
    ((1000, 10), (10, 1000), [499, 0, 1, 10]),
])
def test_cover_rect(src: tuple[int, int], dst: tuple[int, int], rect: list[int]) -> None:
    assert framing.cover_rect(src[0], src[1], dst[0], dst[1]) == rect


def test_unknown_format() -> None:
    with pytest.raises(ValueError):
        output.find_format("gif")


def test_worker_messages_carry_a_catalogue_code_on_failure() -> None:
    from backgrone.core import errors, protocol

    ok = protocol.reply(3, "blob", "", "")
    assert ok["request"] == 3 and ok["value"] == "blob" and not ok["code"]
    failed = protocol.reply(4, None, errors.BACKGROUND_UNREADABLE, "InvalidStateError")
    text = errors.message_for(failed["code"], failed["detail"])
    assert text.startswith(errors.CATALOGUE[errors.BACKGROUND_UNREADABLE]) and "InvalidStateError" in text
    assert protocol.layers_request(5, "png", "photo") == {
        "kind": protocol.LAYERS, "request": 5, "cutout": "png", "photo": "photo"}
    assert protocol.crash()["kind"] == protocol.CRASH


def test_presets_set_the_background_and_colour() -> None:
    settings = OutputSettings()
    assert settings.summary() == "PNG, transparent"
    settings.choose("black", "#123456")
    assert (settings.background, settings.color) == (output.BG_COLOR, "#000000")
    assert settings.summary() == "PNG, black" and not settings.untouched()
    settings.choose(output.PRESET_CUSTOM_COLOR, "#00c040")
    assert settings.color == "#00c040" and settings.summary() == "PNG, colour #00c040"
    settings.choose(output.BG_BLUR, "#00c040")
    blur_key = settings.key()
    assert settings.background == output.BG_BLUR and settings.summary() == "PNG, blurred background"
    settings.choose(output.BG_TRANSPARENT, "#ffffff")
    assert settings.untouched() and settings.key() != blur_key
    settings.format_id = "jpeg"
    assert settings.summary() == "JPEG, colour #ffffff"
    assert [p.preset_id for p in output.PRESETS][:3] == ["transparent", "white", "black"]
    with pytest.raises(ValueError):
        settings.choose("plaid", "#ffffff")


def test_free_names_never_reuse_a_taken_name() -> None:
    taken = ["a-nobg.png", "a-nobg-2.png", "b-nobg.png"]
    assert output.free_names(["a-nobg.png", "c-nobg.png", "b-nobg.png", "c-nobg.png"], taken) == [
        "a-nobg-3.png", "c-nobg.png", "b-nobg-2.png", "c-nobg-2.png"]
    assert output.free_names(["x"], ["x"]) == ["x-2"]
    assert output.free_names(["a.png"], []) == ["a.png"]


def test_every_preset_names_a_kind_and_the_kinds_drive_summary_and_key() -> None:
    kinds = [kind.kind_id for kind in output.BACKGROUND_KINDS]
    assert len(set(kinds)) == len(kinds)
    assert {preset.background for preset in output.PRESETS} == set(kinds)
    settings = OutputSettings()
    for preset in output.PRESETS:
        settings.choose(preset.preset_id, "#123456")
        kind = settings.kind()
        assert kind.kind_id == preset.background
        key = settings.key()
        # The key follows the row's fields: a colour change matters only to kinds taking one,
        # a new picked image only to kinds taking one.
        settings.choose(preset.preset_id, "#654321")
        recoloured = settings.key()
        assert (recoloured != key) == (kind.takes_color and not preset.color)
        settings.image_version += 1
        assert (settings.key() != recoloured) == kind.takes_image
    with pytest.raises(ValueError):
        output.find_kind("gradient")


def test_as_png_is_the_same_picture_as_a_png() -> None:
    settings = OutputSettings()
    settings.format_id = "jpeg"
    settings.choose_framing("portrait")
    png = settings.as_png()
    # JPEG's "Transparent" is the colour, so the PNG copy paints it too.
    assert png.mime() == "image/png" and png.kind().kind_id == output.BG_COLOR
    assert png.color == settings.color and png.frame_key() == settings.frame_key()
    assert png.key() != settings.key() and png.summary().startswith("PNG, colour #ffffff")
    settings.output_id = "mask"
    assert settings.as_png().key() == settings.key()
