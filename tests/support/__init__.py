"""Shared test machinery: the dev server, headless Chromium, photos and the native reference."""
