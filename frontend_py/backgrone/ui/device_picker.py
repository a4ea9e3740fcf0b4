"""The device setting (Auto / GPU / CPU, kept across visits) and what really runs the jobs,
with the action that forgets a remembered GPU failure. Self-contained in its own element
([data-device-picker]), so the layout can place it anywhere."""
# __pragma__('skip')
from typing import Any
from backgrone.jsglobals import console, __pragma__
# __pragma__('noskip')

from backgrone.core import devices, protocol
from backgrone.core.errors import AnyError
from backgrone.ui.job_client import JobClient

STORAGE_KEY = "backgrone.device"
LABELS = {devices.DEVICE_AUTO: "Auto", devices.DEVICE_GPU: "GPU", devices.DEVICE_CPU: "CPU"}


def describe(state: Any) -> str:
    """The device line: what runs the jobs, on which adapter, and why not the GPU."""
    adapter = state["vendor"] + " " + state["architecture"] if state["vendor"] else "no adapter"
    if state["fallback"]:
        adapter += ", software emulation"
    if state["backend"] == devices.BACKEND_WEBGPU:
        return "Running on the GPU (WebGPU, " + adapter + ")."
    text = "Running on the CPU (WebAssembly, " + str(state["threads"]) + " threads); GPU: " + adapter + "."
    if state["failure"]:
        text += " The GPU failed before (" + state["failure"] + ")."
    elif state["reason"]:
        text += " Not on the GPU: " + state["reason"] + "."
    return text


def stored_setting(window: Any) -> str:
    try:
        return devices.normalise(window.localStorage.getItem(STORAGE_KEY))
    except AnyError:
        return devices.DEVICE_AUTO  # storage blocked: the default, every visit


class DevicePicker:
    """`restart()` is the app's: a fresh job worker once no job runs (a lost GPU device stays
    lost in the worker that had it)."""

    def __init__(self, window: Any, root: Any, worker: JobClient, restart: Any) -> None:
        self.window = window
        self.root = root
        self.worker = worker
        self.restart = restart
        self.state: Any = None
        self.select = root.querySelector("[data-device]")
        self.line = root.querySelector("[data-device-status]")
        self.retry_button = root.querySelector("[data-gpu-retry]")
        self.setting = stored_setting(window)
        self.select.textContent = ""
        for device in devices.DEVICES:
            option = window.document.createElement("option")
            option.value = device
            option.textContent = LABELS[device]
            self.select.appendChild(option)
        self.select.value = self.setting
        self.select.addEventListener("change", lambda event: self.choose(self.select.value))
        self.retry_button.addEventListener("click", lambda event: self.retry())

    def current(self) -> str:
        return self.setting

    def choose(self, setting: str) -> None:
        self.setting = devices.normalise(setting)
        self.select.value = self.setting
        try:
            self.window.localStorage.setItem(STORAGE_KEY, self.setting)
        except AnyError as exc:
            console.warn("backgrone: the device setting is not kept:", exc)

    def show(self, message: protocol.Message) -> None:
        """A protocol.DEVICE message: redraw the line and the retry action."""
        self.state = message
        self.line.textContent = describe(message)
        self.retry_button.hidden = not message["failure"]

    async def retry(self) -> bool:
        """Forget this adapter's GPU failure; the next job tries the GPU again."""
        self.retry_button.disabled = True
        try:
            await self.worker.gpu_retry()
        finally:
            self.retry_button.disabled = False
        self.restart()
        return True

    def status(self) -> Any:
        """status()'s device fields: {backend, adapter: {vendor, architecture}, f16, threads}
        and the remembered failure and the GPU session's node placement."""
        state = self.state
        if not state:
            return None
        __pragma__("jsiter")
        answer = {
            "backend": state["backend"],
            "adapter": {"vendor": state["vendor"], "architecture": state["architecture"],
                        "fallback": state["fallback"]} if state["vendor"] else None,
            "f16": state["f16"], "threads": state["threads"], "failure": state["failure"],
            "placement": state["placement"], "reason": state["reason"],
        }
        __pragma__("nojsiter")
        return answer
