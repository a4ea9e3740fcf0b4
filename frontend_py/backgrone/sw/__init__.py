"""The service worker: the app shell offline, cross-origin isolation on any host, updates."""
