"""Transcrypt entry of the page bundle; shims/page.js imports what it compiles."""
from backgrone.ui.app import start  # noqa: F401
