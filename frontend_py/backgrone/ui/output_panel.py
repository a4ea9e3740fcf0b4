"""The Output form: the background presets (core/output.PRESETS: transparent, fixed colours,
the user's own colour or image, the blurred photo), format (PNG, WebP, JPEG) and quality, and
the frame and cutout or mask (ui/frame_panel). It edits one OutputSettings and says when it
changed."""
# __pragma__('skip')
from typing import Any, Callable
from backgrone.jsglobals import URL
# __pragma__('noskip')
import math

from backgrone.ui.frame_panel import FramePanel
from backgrone.core.output import BG_IMAGE, BG_TRANSPARENT, FORMATS, PRESETS, PRESET_CUSTOM_COLOR, \
    OutputSettings, find_kind, find_preset

# __pragma__('skip')
ChangeFn = Callable[[], None]  # a type alias: mypy only
# __pragma__('noskip')


class OutputPanel:
    def __init__(self, document: Any, root: Any, settings: OutputSettings, on_change: ChangeFn) -> None:
        self.document = document
        self.root = root
        self.settings = settings
        self.on_change = on_change
        self.image: Any = None
        self.image_url = ""
        self.format_select = root.querySelector("[data-format]")
        for fmt in FORMATS:
            option = document.createElement("option")
            option.value = fmt.format_id
            option.textContent = fmt.label
            option.selected = fmt.format_id == settings.format_id
            self.format_select.appendChild(option)
        self.frame = FramePanel(document, root, settings)
        self.color = root.querySelector("[data-bg-color]")
        self.add_presets(root.querySelector("[data-presets]"), self.color.closest("[data-color-row]"))
        self.quality = root.querySelector("[data-quality]")
        self.quality_value = root.querySelector("[data-quality-value]")
        self.lossless = root.querySelector("[data-lossless]")
        self.image_input = root.querySelector("[data-bg-file]")
        self.image_name = root.querySelector("[data-bg-name]")
        root.querySelector("[data-bg-pick]").addEventListener("click", lambda event: self.image_input.click())
        self.image_input.addEventListener("change", self.picked_image)
        root.addEventListener("change", self.read)
        root.addEventListener("input", self.read)
        self.sync()

    def add_presets(self, group: Any, before: Any) -> None:
        """One radio per preset, each with a swatch of what it puts behind the subject."""
        doc = self.document
        for preset in PRESETS:
            label = doc.createElement("label")
            label.className = "preset"
            radio = doc.createElement("input")
            radio.js_type = "radio"
            radio.js_name = "background"
            radio.value = preset.preset_id
            radio.checked = preset.preset_id == self.settings.preset
            swatch = doc.createElement("span")
            kind = find_kind(preset.background)
            swatch.className = "swatch " + kind.css_class
            if kind.checkerboard:
                swatch.classList.add("checkerboard")
            if preset.color:
                swatch.style.backgroundColor = preset.color
            swatch.setAttribute("aria-hidden", "true")
            label.appendChild(radio)
            label.appendChild(swatch)
            label.appendChild(doc.createTextNode(" " + preset.label))
            group.insertBefore(label, before)

    def picked_image(self, event: Any) -> None:
        files = self.image_input.files
        if files.length == 0:
            return
        self.set_image(files[0])
        self.image_input.value = ""

    def set_image(self, blob: Any) -> None:
        """Use `blob` as the background image (also window.backgrone.setBackgroundImage)."""
        if self.image_url:
            URL.revokeObjectURL(self.image_url)
        self.image = blob
        self.image_url = URL.createObjectURL(blob)
        self.settings.image_version += 1
        self.image_name.textContent = blob.js_name if blob.js_name else "image"
        self.root.querySelector("input[name=background][value=image]").checked = True
        self.read(None)

    def read(self, event: Any) -> None:
        if event and event.target == self.image_input:
            return
        settings = self.settings
        before = settings.key()
        # First: a framing preset may check its background's radio.
        self.frame.read(event)
        chosen = self.root.querySelector("input[name=background]:checked")
        preset = chosen.value if chosen else BG_TRANSPARENT
        if preset == BG_IMAGE and not self.image:
            # Nothing picked yet: ask for the image first, keep the old choice meanwhile.
            selector = "input[name=background][value=" + settings.preset + "]"
            self.root.querySelector(selector).checked = True
            self.image_input.click()
            return
        if event and event.target == self.color and event.js_type == "input":
            # Picking a colour picks "Your colour".
            preset = PRESET_CUSTOM_COLOR
            self.root.querySelector("input[name=background][value=" + preset + "]").checked = True
        settings.choose(preset, self.color.value or "#ffffff")
        settings.format_id = self.format_select.value
        settings.quality = int(self.quality.value) / 100
        settings.lossless = bool(self.lossless.checked)
        self.sync()
        if settings.key() != before or event is None:
            self.on_change()

    def sync(self) -> None:
        """Show only the controls that matter for the current choice."""
        settings = self.settings
        fmt = settings.output_format()
        self.root.dataset.chosenFormat = fmt.format_id
        self.root.dataset.chosenBackground = settings.effective_background()
        self.root.dataset.chosenPreset = settings.preset
        self.frame.sync()
        self.lossless.closest("[data-lossless-row]").hidden = fmt.format_id != "webp"
        lossy = fmt.lossy and not (fmt.format_id == "webp" and settings.lossless)
        self.quality.closest("[data-quality-row]").hidden = not lossy
        self.quality_value.textContent = str(math.floor(settings.quality * 100 + 0.5))
        # The colour well stays: choosing a colour there is a way to pick "Your colour".
        custom = settings.preset == PRESET_CUSTOM_COLOR or \
            settings.kind().takes_color and not find_preset(settings.preset).color
        self.color.closest("[data-color-row]").dataset.active = "true" if custom else "false"

    def summary(self) -> str:
        return self.settings.summary()
