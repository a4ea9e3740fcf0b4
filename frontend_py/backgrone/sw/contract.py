"""What the page and the service worker agree on; plain data, so both bundles can import it."""

# Relative to the document, so the site works under any sub-path; its folder is its scope.
SCRIPT = "sw.js"

# page -> service worker: the user accepted the new version, so the waiting worker takes over.
SKIP_WAITING = "skip-waiting"

# Cache Storage is shared by the whole origin: the scope in the name keeps two deployments
# under different sub-paths from deleting each other's caches.
CACHE_PREFIX = "backgrone-shell "


def cache_prefix(scope: str) -> str:
    return CACHE_PREFIX + scope + " "


def cache_name(scope: str, version: str) -> str:
    return cache_prefix(scope) + version
