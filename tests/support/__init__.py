"""Shared test machinery: the dev server, headless Chromium, photos, the native reference,
the metrics and bilinear sampling's numpy twin (the bench imports the last three as well)."""
