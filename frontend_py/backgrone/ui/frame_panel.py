"""The Output form's frame and what is saved: the framing presets (core/framing.FRAMINGS), the
custom frame's fields (crop to the subject, margin, size, position) and cutout or mask. Part
of ui/output_panel, which reads it with the rest of the form."""
# __pragma__('skip')
from typing import Any, List
# __pragma__('noskip')
import math

from backgrone.core import framing
from backgrone.core.errors import AnyError
from backgrone.core.output import OutputSettings

POSITION_LABELS = {framing.POSITION_CENTER: "Centred", framing.POSITION_BOTTOM: "On the floor"}


def options_of(document: Any, select: Any, pairs: List[List[str]], chosen: str) -> None:
    for pair in pairs:
        option = document.createElement("option")
        option.value = pair[0]
        option.textContent = pair[1]
        option.selected = pair[0] == chosen
        select.appendChild(option)


def size_value(size: List[int]) -> str:
    return str(size[0]) + "x" + str(size[1]) if len(size) == 2 else ""


def size_label(size: List[int]) -> str:
    return str(size[0]) + " \u00d7 " + str(size[1]) if len(size) == 2 else "As cropped"


class FramePanel:
    def __init__(self, document: Any, root: Any, settings: OutputSettings) -> None:
        self.root = root
        self.settings = settings
        self.select = root.querySelector("[data-framing]")
        options_of(document, self.select, [[f.framing_id, f.label] for f in framing.FRAMINGS],
                   settings.framing_id)
        self.kind = root.querySelector("[data-output-kind]")
        options_of(document, self.kind, [[k.output_id, k.label] for k in framing.OUTPUTS],
                   settings.output_id)
        self.custom = root.querySelector("[data-frame-custom]")
        self.crop = root.querySelector("[data-crop]")
        self.margin = root.querySelector("[data-margin]")
        self.margin_value = root.querySelector("[data-margin-value]")
        self.size = root.querySelector("[data-frame-size]")
        options_of(document, self.size, [[size_value(size), size_label(size)] for size in framing.SIZES], "")
        self.position = root.querySelector("[data-position]")
        options_of(document, self.position, [[p, POSITION_LABELS[p]] for p in framing.POSITIONS],
                   settings.position)

    def read(self, event: Any) -> None:
        """Take what the user changed; a framing preset may choose a background too (its radio
        is checked here, so that the rest of the form reads it)."""
        settings = self.settings
        target = event.target if event else None
        settings.output_id = self.kind.value
        if target == self.select:
            settings.choose_framing(self.select.value)
            chosen = framing.find_framing(settings.framing_id)
            if chosen.background:
                radio = "input[name=background][value=" + chosen.background + "]"
                self.root.querySelector(radio).checked = True
            self.fill()
        elif target and self.custom.contains(target):
            self.read_custom()

    def read_custom(self) -> None:
        size: List[int] = []
        text = self.size.value
        if text:
            cross = text.find("x")
            size = [math.floor(float(text[:cross])), math.floor(float(text[cross + 1:]))]
        crop = framing.CROP_SUBJECT if self.crop.checked else framing.CROP_NONE
        margin = float(self.margin.value or "0") / 100
        try:
            self.settings.set_frame(crop, margin, size, self.position.value)
            self.custom.dataset.invalid = "false"
        except AnyError:
            # Out of range while typing: the last good frame stays, the field says so.
            self.custom.dataset.invalid = "true"

    def fill(self) -> None:
        """The custom fields show the frame in force (a preset's too, as a starting point)."""
        settings = self.settings
        self.crop.checked = settings.crop == framing.CROP_SUBJECT
        self.margin.value = str(framing.round_half_up(settings.margin * 100))
        value = size_value(settings.size)
        if not self.size.querySelector("option[value='" + value + "']"):
            # A preset's size the list lacks: offered too, so that Custom starts from it.
            option = self.size.ownerDocument.createElement("option")
            option.value = value
            option.textContent = size_label(settings.size)
            self.size.appendChild(option)
        self.size.value = value
        self.position.value = settings.position

    def sync(self) -> None:
        settings = self.settings
        self.margin_value.textContent = str(framing.round_half_up(settings.margin * 100)) + " %"
        self.select.value = settings.framing_id
        self.kind.value = settings.output_id
        self.custom.hidden = settings.framing_id != framing.FRAMING_CUSTOM
        self.root.dataset.chosenFraming = settings.framing_id
        self.root.dataset.chosenOutput = settings.output_id
