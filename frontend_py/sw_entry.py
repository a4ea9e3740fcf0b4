"""Transcrypt entry of the service worker bundle; shims/sw.js imports what it compiles."""
from backgrone.sw.service_worker import start  # noqa: F401
