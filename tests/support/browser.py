"""Headless Chromium through selenium, with helpers to await page promises and read blobs."""
from __future__ import annotations

import base64
import io
import json
from pathlib import Path
from typing import Any

from PIL import Image
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


# Headless Chromium offers a WebGPU adapter only with these (SwiftShader, a CPU emulation:
# `isFallbackAdapter`, no shader-f16), and only on a secure origin (127.0.0.1 is one).
WEBGPU_FLAGS = ("--enable-unsafe-webgpu", "--enable-features=Vulkan", "--use-vulkan=swiftshader",
                "--use-webgpu-adapter=swiftshader", "--use-angle=swiftshader")


def start_chromium(net_log: Path | None = None, extra: tuple[str, ...] = (),
                   webgpu: bool = False) -> webdriver.Chrome:
    """Headless Chromium without a WebGPU adapter, or with SwiftShader's when `webgpu`;
    `extra`: more command-line flags (the memory bench's Blink feature)."""
    options = webdriver.ChromeOptions()
    if net_log is not None:
        options.add_argument("--log-net-log=" + str(net_log))
    options.binary_location = CHROMIUM
    flags = ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--disable-quic", "--window-size=1280,900", *extra)
    for flag in flags + (WEBGPU_FLAGS if webgpu else ("--disable-gpu",)):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_script_timeout(240)
    return driver


def run_async(driver: webdriver.Chrome, body: str, *args: Any) -> Any:
    """Run `body` (the inside of an async function taking `args`) and return its result.

    A rejection comes back as {"error": message} so that the test sees the page's own words.
    """
    script = (
        "const done = arguments[arguments.length - 1];"
        "const args = Array.from(arguments).slice(0, -1);"
        "(async (...args) => {" + body + "})(...args)"
        ".then(value => done({value}), error => done({error: String(error && error.message || error)}));"
    )
    outcome = driver.execute_async_script(script, *args)
    if "error" in outcome:
        raise AssertionError("page rejected: " + outcome["error"])
    return outcome.get("value")


BLOB_TO_BASE64 = """
const [url] = args;
const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
let text = '';
for (let i = 0; i < bytes.length; i += 32768) text += String.fromCharCode(...bytes.subarray(i, i + 32768));
return btoa(text);
"""


def fetch_bytes(driver: webdriver.Chrome, url: str) -> bytes:
    """Bytes behind a blob: URL (or any same-origin URL) as the page sees them."""
    return base64.b64decode(run_async(driver, BLOB_TO_BASE64, url))


def png_from(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    return image


class NetLog:
    """Chromium's own record of every request it sent (--log-net-log): page, workers and
    service worker alike, which CDP's page session does not show for workers.

    A request belongs to the page when its network isolation key names the page's site, or
    the page's origin initiated it; Chromium's own background requests match neither.
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    def requests(self) -> list[dict[str, Any]]:
        text = self.path.read_text() if self.path.exists() else ""
        marker = text.find('"events": [')
        if marker < 0:
            return []
        constants = json.loads(text[:marker] + '"events": []}')["constants"]
        start_job = constants["logEventTypes"]["URL_REQUEST_START_JOB"]
        sent = []
        for line in text[marker:].splitlines()[1:]:
            try:
                event = json.loads(line.rstrip().rstrip(","))
            except ValueError:
                continue  # the line Chromium is still writing, or the closing lines
            params = event.get("params", {})
            if event.get("type") == start_job and "url" in params:
                sent.append(params)
        return sent

    def page_requests(self, origin: str) -> list[dict[str, Any]]:
        site = origin.rsplit(":", 1)[0]  # http://127.0.0.1
        return [r for r in self.requests()
                if r.get("initiator") == origin or r.get("network_isolation_key", "").startswith(site)]


# Each queue card as the tests read it: its state, its name, its download and its alert.
JOB_CARDS = """
return Array.from(document.querySelectorAll('[data-job]')).map(job => ({
  state: job.dataset.state,
  name: job.querySelector('.job-name').textContent,
  href: job.querySelector('a[download]')?.href || '',
  download: job.querySelector('a[download]')?.getAttribute('download') || '',
  alert: job.querySelector('[role=alert]')?.textContent || '',
}));
"""


def wait_for_jobs(driver: webdriver.Chrome, count: int, timeout: float = 240) -> list[dict[str, str]]:
    """Wait until `count` jobs have settled (done or failed); returns each job's state and texts."""
    from selenium.webdriver.support.ui import WebDriverWait

    settled = "[data-job][data-state=done], [data-job][data-state=failed]"
    WebDriverWait(driver, timeout).until(
        lambda d: len(d.find_elements("css selector", settled)) >= count)
    cards: list[dict[str, str]] = driver.execute_script(JOB_CARDS)
    return cards


REMOVE_BACKGROUND = """
const [base64, type, name, options] = args;
const bytes = Uint8Array.from(atob(base64), c => c.charCodeAt(0));
const file = new File([bytes], name, {type});
const result = await window.backgrone.removeBackground(file, options);
const encode = async blob => {
  const data = new Uint8Array(await blob.arrayBuffer());
  let text = '';
  for (let i = 0; i < data.length; i += 32768) text += String.fromCharCode(...data.subarray(i, i + 32768));
  return btoa(text);
};
return {png: await encode(result.png), width: result.width, height: result.height, timings: result.timings,
        type: result.png.type, file: await encode(result.file), fileType: result.file.type};
"""


def remove_background(driver: webdriver.Chrome, data: bytes, type_: str, name: str,
                      options: dict[str, Any]) -> dict[str, Any]:
    """window.backgrone.removeBackground on these bytes; the PNG (the cutout) and the file (the
    download its output options make) come back as bytes."""
    result: dict[str, Any] = run_async(driver, REMOVE_BACKGROUND, base64.b64encode(data).decode(),
                                       type_, name, options)
    result["png"] = base64.b64decode(result["png"])
    result["file"] = base64.b64decode(result["file"])
    return result
