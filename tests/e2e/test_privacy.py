"""Privacy and security promises (SECURITY.md): one origin, nothing uploaded, a strict CSP."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from selenium.webdriver.support.ui import WebDriverWait

from backgrone.core.engines import ENGINES
from policy import HEADER_POLICY, META_POLICY
from support import photos
from support.browser import wait_for, wait_for_jobs
from support.chromium import ChromiumPage, NetLog
from support.server import Server

# Absolute URLs that may appear in public/ because nothing ever loads them, each with why.
NEVER_FETCHED = {
    # The engines' provenance (a download address in the engine table), shown to the user; only
    # `make models` downloads them.
    *[engine.source for engine in ENGINES if "://" in engine.source],
    # A link in onnxruntime-web's console warning about cross-origin isolation.
    "https://web.dev/cross-origin-isolation-guide/",
    # XML namespace names in SVG markup: identifiers, not addresses.
    "http://www.w3.org/2000/svg",
}
# Source maps are left out: only developer tools load them, on demand, and the library
# sources they embed cite their issue trackers in comments.
TEXT_SUFFIXES = {".html", ".css", ".js", ".mjs", ".json", ".webmanifest", ".txt", ""}


def test_the_csp_is_the_same_everywhere(site: Path) -> None:
    html = (site / "index.html").read_text()
    metas = re.findall(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', html)
    assert metas == [META_POLICY]
    assert "  Content-Security-Policy: " + HEADER_POLICY in (site / "_headers").read_text()
    assert "'unsafe-inline'" not in HEADER_POLICY and "'unsafe-eval'" not in HEADER_POLICY
    assert "connect-src 'self' blob:" in HEADER_POLICY and "default-src 'self'" in HEADER_POLICY


def test_no_third_party_address_in_the_site(site: Path) -> None:
    found: dict[str, str] = {}
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in TEXT_SUFFIXES and "models" not in path.parts:
            for url in re.findall(r"https?://[^\s\"'`<>)\\]+", path.read_text(errors="replace")):
                found.setdefault(url.rstrip(".,;"), str(path.relative_to(site)))
    unexpected = {url: where for url, where in found.items() if url not in NEVER_FETCHED}
    assert unexpected == {}


@pytest.mark.e2e
def test_processing_photos_sends_nothing_anywhere(page: ChromiumPage, server: Server, net_log: NetLog,
                                                  tmp_path: Path) -> None:
    wait_for(page, "#engine-lightweight", 30)
    page.click("#engine-lightweight")
    paths = [photos.save(photos.astronaut().resize((200, 200)), tmp_path, "a.jpg"),
             photos.save(photos.coffee().resize((240, 160)), tmp_path, "b.png")]
    page.upload("input[type=file]", paths)
    assert [job["state"] for job in wait_for_jobs(page, 2)] == ["done", "done"]
    WebDriverWait(page.driver, 15).until(
        lambda d: any("/models/lightweight/" in r["url"] for r in net_log.page_requests(server.origin)))
    sent = net_log.page_requests(server.origin)
    assert len(sent) > 10  # the page, its bundles, ORT, the model chunks: the log sees workers too
    for request in sent:
        assert request["url"].startswith(server.origin + "/"), request["url"]
        assert request["method"] == "GET" and "upload_id" not in request, request
        assert len(request["url"]) < 300, "no data smuggled into a query string"
    violations = [entry["message"] for entry in page.driver.get_log("browser")
                  if "Content Security Policy" in entry["message"]]
    assert violations == []
