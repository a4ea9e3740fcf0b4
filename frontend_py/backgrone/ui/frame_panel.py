"""The Output form's frame and what is saved: the framing presets (core/framing.FRAMINGS), the
custom frame's fields (crop to the subject, margin, size, position) and cutout or mask. Part
of ui/output_panel, which reads it with the rest of the form."""
# __pragma__('skip')
from typing import Any, List
# __pragma__('noskip')
import math

from backgrone.core import framing
from backgrone.core.messages import AnyError
from backgrone.core.output import OutputSettings

POSITION_LABELS = {framing.POSITION_CENTER: "Centred", framing.POSITION_BOTTOM: "On the floor"}


def options_of(document: Any, select: Any, pairs: List[List[str]], chosen: str) -> None:
    for pair in pairs:
        option = document.createElement("option")
        option.value = pair[0]
        option.textContent = pair[1]
        option.selected = pair[0] == chosen
        select.appendChild(option)


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
        self.width = root.querySelector("[data-frame-width]")
        self.height = root.querySelector("[data-frame-height]")
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
        width = math.floor(float(self.width.value or "0"))
        height = math.floor(float(self.height.value or "0"))
        if width > 0 and height > 0:
            size = [width, height]
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
        self.width.value = str(settings.size[0]) if len(settings.size) == 2 else ""
        self.height.value = str(settings.size[1]) if len(settings.size) == 2 else ""
        self.position.value = settings.position

    def sync(self) -> None:
        settings = self.settings
        self.select.value = settings.framing_id
        self.kind.value = settings.output_id
        self.custom.hidden = settings.framing_id != framing.FRAMING_CUSTOM
        self.root.dataset.chosenFraming = settings.framing_id
        self.root.dataset.chosenOutput = settings.output_id
