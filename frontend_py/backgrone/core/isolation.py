"""The response headers that make the page cross-origin isolated (ORT's threads need
SharedArrayBuffer) and let its workers load: one list that the service worker adds to the
shell, the dev server sends, and the build writes into _headers (the CSP is build/policy.py)."""

ISOLATION_HEADERS = [
    ["Cross-Origin-Opener-Policy", "same-origin"],
    ["Cross-Origin-Embedder-Policy", "require-corp"],
    ["Cross-Origin-Resource-Policy", "same-origin"],
]
