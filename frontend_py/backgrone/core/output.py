"""What a download looks like: formats, background presets, file names, and the one-line
summary of the choices (the export worker's messages are in core/protocol)."""
# __pragma__('skip')
from typing import Dict, List
# __pragma__('noskip')

from backgrone.core import framing, errors
from backgrone.core.errors import AppError

BG_TRANSPARENT = "transparent"
BG_COLOR = "color"
BG_IMAGE = "image"
# The photo's own background, blurred behind the sharp subject (core/backdrop).
BG_BLUR = "blur"

DEFAULT_COLOR = "#ffffff"
DEFAULT_QUALITY = 0.9


# Built with keyword arguments (see the kwargs pragma in core/engines.py).
# __pragma__('kwargs')
class OutputFormat:
    """One file format a result can be saved as."""

    def __init__(self, format_id: str, label: str, short: str, mime: str, extension: str,
                 alpha: bool, lossy: bool) -> None:
        self.format_id = format_id
        self.label = label
        # The name in the settings summary.
        self.short = short
        self.mime = mime
        self.extension = extension
        # False: the format has no transparency, so a background colour is always painted.
        self.alpha = alpha
        # True: the format takes a quality (WebP may still be asked for losslessly).
        self.lossy = lossy


FORMATS = [
    OutputFormat(format_id="png", label="PNG (lossless)", short="PNG", mime="image/png",
                 extension="png", alpha=True, lossy=False),
    OutputFormat(format_id="webp", label="WebP", short="WebP", mime="image/webp", extension="webp",
                 alpha=True, lossy=True),
    OutputFormat(format_id="jpeg", label="JPEG", short="JPEG", mime="image/jpeg", extension="jpg",
                 alpha=False, lossy=True),
]


class BackgroundKind:
    """One kind of background, read by every consumer: the summary, the download's key, the
    stage's preview (ui/viewer), the swatch (ui/output_panel, public/app.css) and the export
    worker, which draws it with the painter of the same id (worker/painters.py)."""

    def __init__(self, kind_id: str, words: str, checkerboard: bool, takes_color: bool,
                 takes_image: bool, takes_photo: bool) -> None:
        self.kind_id = kind_id
        # The settings summary's words for a preset without its own colour; "{color}" is
        # replaced by the colour.
        self.words = words
        # True: nothing is painted, so the stage shows the checkerboard behind the cutout.
        self.checkerboard = checkerboard
        # The download depends on the colour, the picked image, the photo itself (each of these
        # is in the key, the export request and the preview).
        self.takes_color = takes_color
        self.takes_image = takes_image
        self.takes_photo = takes_photo
        # The CSS class of its swatch and of the stage's backdrop (public/app.css).
        self.css_class = "bg-" + kind_id


BACKGROUND_KINDS = [
    BackgroundKind(kind_id=BG_TRANSPARENT, words="transparent", checkerboard=True,
                   takes_color=False, takes_image=False, takes_photo=False),
    BackgroundKind(kind_id=BG_COLOR, words="colour {color}", checkerboard=False,
                   takes_color=True, takes_image=False, takes_photo=False),
    BackgroundKind(kind_id=BG_IMAGE, words="your image", checkerboard=False,
                   takes_color=False, takes_image=True, takes_photo=False),
    BackgroundKind(kind_id=BG_BLUR, words="blurred background", checkerboard=False,
                   takes_color=False, takes_image=False, takes_photo=True),
]


class Preset:
    """One background choice as the user sees it: a kind (BACKGROUND_KINDS) and, for the fixed
    colours, the colour; "color" takes the user's own colour, "image" the user's own image."""

    def __init__(self, preset_id: str, label: str, background: str, color: str) -> None:
        self.preset_id = preset_id
        self.label = label
        self.background = background
        self.color = color


PRESET_CUSTOM_COLOR = "color"
PRESETS = [
    Preset(preset_id=BG_TRANSPARENT, label="Transparent", background=BG_TRANSPARENT, color=""),
    Preset(preset_id="white", label="White", background=BG_COLOR, color="#ffffff"),
    Preset(preset_id="black", label="Black", background=BG_COLOR, color="#000000"),
    Preset(preset_id="grey", label="Grey", background=BG_COLOR, color="#8e9196"),
    Preset(preset_id="sky", label="Sky blue", background=BG_COLOR, color="#a7cdf2"),
    Preset(preset_id="blush", label="Blush", background=BG_COLOR, color="#f4c7cf"),
    Preset(preset_id="sand", label="Sand", background=BG_COLOR, color="#eadcb8"),
    Preset(preset_id=PRESET_CUSTOM_COLOR, label="Your colour", background=BG_COLOR, color=""),
    Preset(preset_id=BG_IMAGE, label="Your image", background=BG_IMAGE, color=""),
    Preset(preset_id=BG_BLUR, label="Blurred photo", background=BG_BLUR, color=""),
]
# __pragma__('nokwargs')
DEFAULT_FORMAT = "png"


def find_format(format_id: str) -> OutputFormat:
    for fmt in FORMATS:
        if fmt.format_id == format_id:
            return fmt
    raise ValueError("unknown output format " + format_id)


def find_kind(kind_id: str) -> BackgroundKind:
    for kind in BACKGROUND_KINDS:
        if kind.kind_id == kind_id:
            return kind
    raise ValueError("unknown background kind " + kind_id)


def find_preset(preset_id: str) -> Preset:
    for preset in PRESETS:
        if preset.preset_id == preset_id:
            return preset
    raise ValueError("unknown background preset " + preset_id)


def parse_color(text: str) -> List[int]:
    """'#rrggbb' -> [r, g, b]; ValueError for anything else."""
    digits = "0123456789abcdef"
    value = text.lower()
    if len(value) != 7 or value[0] != "#":
        raise ValueError("not a #rrggbb colour: " + text)
    channels = []
    for i in range(3):
        high = digits.find(value[1 + 2 * i])
        low = digits.find(value[2 + 2 * i])
        if high < 0 or low < 0:
            raise ValueError("not a #rrggbb colour: " + text)
        channels.append(high * 16 + low)
    return channels


class OutputSettings:
    """The user's choices for every download; `key()` changes whenever the bytes would."""

    def __init__(self) -> None:
        self.preset = BG_TRANSPARENT
        self.background = BG_TRANSPARENT
        self.color = DEFAULT_COLOR
        # The user's own colour ("Your colour"; also what JPEG gets for "Transparent").
        self.custom_color = DEFAULT_COLOR
        self.format_id = DEFAULT_FORMAT
        self.quality = DEFAULT_QUALITY
        self.lossless = True
        # Bumped whenever the user picks another background image.
        self.image_version = 0
        # What the download holds (core/framing.OUTPUTS) and its frame (core/framing.FRAMINGS).
        self.output_id = framing.OUTPUT_CUTOUT
        self.framing_id = framing.FRAMING_ORIGINAL
        self.crop = framing.CROP_NONE
        self.margin = 0.0
        self.size: List[int] = []
        self.position = framing.POSITION_CENTER

    def as_png(self) -> "OutputSettings":
        """The same download as a PNG (what Copy puts on the clipboard): the same background,
        frame and output; a JPEG's colour for "Transparent" stays a colour."""
        png = OutputSettings()
        png.preset = self.preset
        png.background = self.kind().kind_id
        png.color = self.color
        png.custom_color = self.custom_color
        png.image_version = self.image_version
        png.output_id = self.output_id
        png.framing_id = self.framing_id
        png.crop = self.crop
        png.margin = self.margin
        png.size = [side for side in self.size]
        png.position = self.position
        return png

    def output_kind(self) -> framing.OutputKind:
        return framing.find_output(self.output_id)

    def choose_framing(self, framing_id: str) -> None:
        """Take a framing preset, and the background it comes with (if it has one)."""
        chosen = framing.find_framing(framing_id)
        self.framing_id = chosen.framing_id
        self.crop = chosen.crop
        self.margin = chosen.margin
        self.size = [side for side in chosen.size]
        self.position = chosen.position
        if chosen.background:
            self.choose(chosen.background, self.custom_color)

    def take_background(self, text: str) -> None:
        """The API's `background`: "transparent", a preset id ("white", "blur", ...) or
        "#rrggbb" (the user's own colour); AppError(BAD_OUTPUT_OPTION) for anything else."""
        if text.startswith("#"):
            try:
                parse_color(text)
            except ValueError as exc:
                raise AppError(errors.BAD_OUTPUT_OPTION, str(exc))
            self.choose(PRESET_CUSTOM_COLOR, text.lower())
            return
        try:
            find_preset(text)
        except ValueError as exc:
            raise AppError(errors.BAD_OUTPUT_OPTION, str(exc))
        self.choose(text, self.custom_color)

    def take_format(self, format_id: str, quality: float) -> None:
        """The API's `format` and `quality` (0..1; a negative one: the default, lossless WebP)."""
        try:
            find_format(format_id)
        except ValueError as exc:
            raise AppError(errors.BAD_OUTPUT_OPTION, str(exc))
        self.format_id = format_id
        if quality >= 0:
            if not (quality <= 1):
                raise AppError(errors.BAD_OUTPUT_OPTION, "quality " + str(quality))
            self.quality = quality
            self.lossless = False

    def set_frame(self, crop: str, margin: float, size: List[int], position: str) -> None:
        """The user's own frame (the API's options, the custom fields): AppError
        (BAD_OUTPUT_OPTION) for one that cannot be."""
        framing.check_options(crop, margin, size, position)
        self.framing_id = framing.FRAMING_CUSTOM
        self.crop = crop
        self.margin = margin
        self.size = [side for side in size]
        self.position = position

    def framed(self) -> bool:
        """False when the download is the photo's own frame."""
        return self.crop != framing.CROP_NONE or len(self.size) == 2

    def frame_words(self) -> str:
        """The frame in the summary: the preset's words, or the custom frame spelt out."""
        if not self.framed():
            return ""
        if self.framing_id != framing.FRAMING_CUSTOM:
            return framing.find_framing(self.framing_id).words
        words = "cropped, margin " + str(framing.round_half_up(self.margin * 100)) + " %" \
            if self.crop == framing.CROP_SUBJECT else "whole photo"
        if len(self.size) == 2:
            words += ", " + str(self.size[0]) + " \u00d7 " + str(self.size[1])
            if self.position == framing.POSITION_BOTTOM:
                words += " on the floor"
        return words

    def frame_key(self) -> str:
        return "|".join([self.crop, str(self.margin), ",".join([str(side) for side in self.size]),
                         self.position])

    def extension(self) -> str:
        return "png" if self.output_kind().mask else self.output_format().extension

    def mime(self) -> str:
        return "image/png" if self.output_kind().mask else self.output_format().mime

    def output_format(self) -> OutputFormat:
        return find_format(self.format_id)

    def choose(self, preset_id: str, custom_color: str) -> None:
        """Take a background preset; `custom_color` is the user's own colour (#rrggbb)."""
        preset = find_preset(preset_id)
        self.preset = preset.preset_id
        self.background = preset.background
        self.custom_color = custom_color
        self.color = preset.color or custom_color

    def summary(self) -> str:
        """The output half of the folded settings' line: "PNG, transparent"."""
        preset = find_preset(self.preset)
        kind = self.kind()
        # A fixed colour's own name; otherwise the kind's words (JPEG's "Transparent" is a colour).
        if preset.color and kind.kind_id == preset.background:
            words = preset.label.lower()
        else:
            words = kind.words.replace("{color}", self.color)
        line = "Mask PNG" if self.output_kind().mask else self.output_format().short + ", " + words
        if self.framed():
            line += ", " + self.frame_words()
        return line

    def kind(self) -> BackgroundKind:
        """The background kind the download gets (see effective_background)."""
        return find_kind(self.effective_background())

    def effective_background(self) -> str:
        """A format without alpha gets the colour instead of transparency."""
        if self.background == BG_TRANSPARENT and not self.output_format().alpha:
            return BG_COLOR
        return self.background

    def encode_quality(self) -> float:
        """The quality handed to the encoder; -1 when the format takes none.

        Chromium encodes WebP losslessly at quality 1.0, so lossy WebP stays just below it.
        """
        fmt = self.output_format()
        if not fmt.lossy:
            return -1.0
        if fmt.format_id == "webp" and self.lossless:
            return 1.0
        quality = self.quality
        if quality < 0.01:
            quality = 0.01
        if quality > 0.99:
            quality = 0.99
        return quality

    def untouched(self) -> bool:
        """True when the worker's own lossless PNG is already the download."""
        return self.format_id == "png" and self.effective_background() == BG_TRANSPARENT \
            and not self.output_kind().mask and not self.framed()

    def key(self) -> str:
        if self.output_kind().mask:
            return framing.OUTPUT_MASK + "|" + self.frame_key()
        kind = self.kind()
        parts = [self.format_id, kind.kind_id, str(self.encode_quality()), self.frame_key()]
        if kind.takes_color:
            parts.append(self.color)
        if kind.takes_image:
            parts.append(str(self.image_version))
        return "|".join(parts)


def output_name(file_name: str, extension: str, suffix: str = "-nobg") -> str:
    """photo.jpg -> photo-nobg.<extension> (or another suffix: photo-mask.png); a name without
    an extension keeps all of itself."""
    slash = max(file_name.rfind("/"), file_name.rfind("\\"))
    base = file_name[slash + 1:]
    dot = base.rfind(".")
    stem = base[:dot] if dot > 0 else base
    return (stem or "image") + suffix + "." + extension


def unique_names(names: List[str]) -> List[str]:
    """The same names in order, a repeated one numbered: a.png, a.png -> a.png, a-2.png."""
    seen: Dict[str, int] = {}
    taken: Dict[str, bool] = {}
    for name in names:
        taken[name] = True
    out = []
    for name in names:
        if name not in seen:
            seen[name] = 1
            out.append(name)
            continue
        dot = name.rfind(".")
        stem = name[:dot] if dot > 0 else name
        ext = name[dot:] if dot > 0 else ""
        count = seen[name]
        candidate = name
        while candidate in taken:
            count += 1
            candidate = stem + "-" + str(count) + ext
        seen[name] = count
        taken[candidate] = True
        out.append(candidate)
    return out


def free_names(names: List[str], taken: List[str]) -> List[str]:
    """The names in order, each one already in `taken` (or given earlier) numbered until it is
    free: what saving into a folder that already holds some of them writes, overwriting none."""
    used: Dict[str, bool] = {}
    for name in taken:
        used[name] = True
    out = []
    for name in names:
        dot = name.rfind(".")
        stem = name[:dot] if dot > 0 else name
        ext = name[dot:] if dot > 0 else ""
        count = 1
        candidate = name
        while candidate in used:
            count += 1
            candidate = stem + "-" + str(count) + ext
        used[candidate] = True
        out.append(candidate)
    return out
