"""Shared test machinery: the dev server, headless Chromium, photos, the native reference
and the metrics (the bench imports the last two as well)."""
