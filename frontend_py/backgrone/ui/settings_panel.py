"""The settings panel: engine, refine, device and output in one foldable panel, with a one-line
summary of the choices when folded ("Precision · edges refined · PNG, transparent"). Open on a
wide screen, where it sits beside the stage; folded on a phone."""
# __pragma__('skip')
from typing import Any, Callable, List
# __pragma__('noskip')

from backgrone.core import protocol
from backgrone.core.engines import find_engine
from backgrone.core.errors import AnyError

# __pragma__('skip')
TextFn = Callable[[], str]  # a type alias: mypy only
# __pragma__('noskip')

# Where the panel starts open: wide enough for it to sit beside the stage (see app.css).
WIDE = "(min-width: 60rem)"


def device_choice(document: Any) -> str:
    """The device setting's choice in words: the chosen option of the device picker's select
    (ui/device_picker), or "" where the page has none."""
    select = document.querySelector("[data-device-picker] select")
    if select and select.selectedIndex >= 0:
        return str(select.options[select.selectedIndex].textContent).strip()
    return ""


class SettingsPanel:
    def __init__(self, document: Any, window: Any, root: Any, engine_id: TextFn,
                 output_summary: TextFn) -> None:
        self.document = document
        self.root = root
        self.engine_id = engine_id
        self.output_summary = output_summary
        self.line = root.querySelector("[data-settings-summary]")
        self.refine_box = root.querySelector("[data-refine]")
        if window.matchMedia and window.matchMedia(WIDE).matches:
            root.open = True
        # Every change inside the panel (the device picker's too) may change the line; the
        # engine picker and the output panel also call refresh() when they change by themselves.
        root.addEventListener("change", lambda event: self.refresh())
        root.addEventListener("input", lambda event: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        parts: List[str] = []
        try:
            parts.append(find_engine(self.engine_id()).label)
        except AnyError:
            parts.append(self.engine_id())
        refine = bool(self.refine_box.checked) if self.refine_box else protocol.REFINE_DEFAULT
        parts.append("edges refined" if refine else "edges not refined")
        device = device_choice(self.document)
        if device:
            parts.append(device)
        parts.append(self.output_summary())
        self.line.textContent = " \u00b7 ".join(parts)
