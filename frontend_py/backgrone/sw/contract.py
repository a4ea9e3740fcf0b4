"""Where the page finds the service worker and how its caches are named; plain data, so both
bundles can import it (their one message, SKIP_WAITING, is in core/protocol)."""

# Relative to the document, so the site works under any sub-path; its folder is its scope.
SCRIPT = "sw.js"

# Cache Storage is shared by the whole origin: the scope in the name keeps two deployments
# under different sub-paths from deleting each other's caches.
CACHE_PREFIX = "backgrone-shell "


def cache_prefix(scope: str) -> str:
    return CACHE_PREFIX + scope + " "


def cache_name(scope: str, version: str) -> str:
    return cache_prefix(scope) + version


# The lazy GPU runtime, kept on first use: one cache per scope for every version, since its
# entries are checked by their sha256 on each use (its bytes change only with onnxruntime-web).
LAZY_PREFIX = "backgrone-lazy "
# The header a kept lazy file carries its sha256 in, so that a new build's file is told apart.
LAZY_DIGEST_HEADER = "X-Backgrone-Sha256"


def lazy_cache_name(scope: str) -> str:
    return LAZY_PREFIX + scope


# The manifest's share_target: the system POSTs shared photos (multipart/form-data, field
# SHARE_FIELD) to SHARE_ACTION; the service worker answers it with no server, keeping the files
# in SHARED_PREFIX's cache until the page it redirects to (?SHARED_QUERY) takes them.
SHARE_ACTION = "share-target"
SHARE_FIELD = "photos"
SHARED_QUERY = "shared"
SHARED_PREFIX = "backgrone-shared "
# The header a kept shared file carries its (URI-encoded) name in.
SHARED_NAME_HEADER = "X-Backgrone-Name"


def shared_cache_name(scope: str) -> str:
    return SHARED_PREFIX + scope
