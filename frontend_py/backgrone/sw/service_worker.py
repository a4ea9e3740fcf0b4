"""The service worker: the app shell cache-first from a cache named by the build's content hash,
served with the headers that make the page cross-origin isolated on any static host."""
# __pragma__('skip')
from typing import Any, Dict, List
from backgrone.jsglobals import Promise, URL, console, __new__, __pragma__, __typeof__
# __pragma__('noskip')

from backgrone.core.errors import AnyError
from backgrone.sw import contract
from backgrone.core import protocol
from backgrone.core.isolation import ISOLATION_HEADERS
from backgrone.web import sha256_hex

# The stored body is already decoded: these would describe the bytes on the wire, not it.
WIRE_HEADERS = ["Content-Encoding", "Content-Length"]


class PrecacheError(Exception):
    pass


def isolated(scope: Any, response: Any, body: Any) -> Any:
    """A copy of `response` with `body` and the isolation headers; also drops the redirected
    flag, which would make a navigation fail on hosts that redirect index.html to its folder."""
    # Isolation even when the host sends no such headers (core/isolation).
    headers = __new__(scope.Headers(response.headers))
    for header in WIRE_HEADERS:
        headers.delete(header)
    for pair in ISOLATION_HEADERS:
        headers.set(pair[0], pair[1])
    __pragma__("jsiter")
    init = {"status": response.status, "statusText": response.statusText, "headers": headers}
    __pragma__("nojsiter")
    return __new__(scope.Response(body, init))


class Shell:
    """The build's files as absolute URLs in this worker's scope, and the cache that holds them."""

    def __init__(self, scope: Any, build: Any) -> None:
        self.scope = scope
        self.base: str = scope.registration.scope
        self.version: str = build.version
        self.cache_name = contract.cache_name(self.base, self.version)
        # URL -> the file's sha256; "" for the document, since some hosts rewrite HTML.
        self.files: Dict[str, str] = {}
        self.urls: List[str] = []
        for entry in build.files:
            url = str(__new__(URL(entry.path, self.base)).href)
            self.files[url] = entry.sha256
            self.urls.append(url)
        # The GPU runtime: URL -> sha256, kept on first use in a cache of its own.
        self.lazy: Dict[str, str] = {}
        for entry in build.lazy or []:
            self.lazy[str(__new__(URL(entry.path, self.base)).href)] = entry.sha256
        self.lazy_name = contract.lazy_cache_name(self.base)

    def key_for(self, request: Any) -> str:
        """The cache key that answers this request, or "" to leave it to the network (models)."""
        if request.method != "GET":
            return ""
        url = str(request.url)
        query = url.find("?")
        if query >= 0:
            url = url[:query]
        if url == self.base + "index.html":
            url = self.base
        if url in self.files or url in self.lazy:
            return url
        return ""

    async def download(self, url: str, expected: str) -> Any:
        """The file at `url`, checked against its sha256 (`expected`; "" for unchecked)."""
        # Revalidate: a stale HTTP cache entry must not end up in a new version's cache.
        __pragma__("jsiter")
        init = {"cache": "no-cache"}
        __pragma__("nojsiter")
        response = await self.scope.fetch(url, init)
        if not response.ok:
            raise PrecacheError(url + ": HTTP " + str(response.status))
        body = await response.arrayBuffer()
        if expected:
            actual = await sha256_hex(body)
            if actual != expected:
                # A deploy in progress or a proxy's rewrite: never label it with this version.
                raise PrecacheError(url + ": not the file of build " + self.version)
        return isolated(self.scope, response, body)

    async def fill(self) -> None:
        """Fetch, verify and store every file, or store none: a failed install is retried by
        the browser on the next visit, and the version in use keeps serving meanwhile."""
        try:
            responses = await Promise.all([self.download(url, self.files[url]) for url in self.urls])
            cache = await self.scope.caches.open(self.cache_name)
            for i in range(len(self.urls)):
                await cache.put(self.urls[i], responses[i])
        except AnyError as exc:
            console.warn("backgrone: offline copy of build", self.version, "failed:", exc)
            await self.scope.caches.delete(self.cache_name)
            raise exc

    async def serve_lazy(self, key: str) -> Any:
        """A GPU runtime file: the kept copy when it is this build's, else fetched, checked
        against the build's sha256 and kept (a wrong file is refused, never kept)."""
        expected = self.lazy[key]
        cache = await self.scope.caches.open(self.lazy_name)
        hit = await cache.match(key)
        if hit and hit.headers.js_get(contract.LAZY_DIGEST_HEADER) == expected:
            return hit
        response = await self.download(key, expected)
        response.headers.set(contract.LAZY_DIGEST_HEADER, expected)
        await cache.put(key, response.clone())
        return response

    async def prune_lazy(self) -> None:
        """Drop kept GPU runtime files this build does not list (an older onnxruntime-web's)."""
        if not await self.scope.caches.has(self.lazy_name):
            return  # never opened here: a CPU-only visitor gets no cache for it
        cache = await self.scope.caches.open(self.lazy_name)
        for request in await cache.js_keys():
            url = str(request.url)
            if url not in self.lazy:
                await cache.delete(request)

    async def serve(self, request: Any, key: str) -> Any:
        if key in self.lazy:
            return await self.serve_lazy(key)
        cache = await self.scope.caches.open(self.cache_name)
        hit = await cache.match(key)
        if hit:
            return hit
        # The cache is gone (the user cleared site data): the network, with the same headers.
        response = await self.scope.fetch(request)
        if response.js_type != "basic" or not response.ok:
            return response
        return isolated(self.scope, response, response.body)


def shared_post(url: str, base: str) -> bool:
    query = url.find("?")
    return (url[:query] if query >= 0 else url) == base + contract.SHARE_ACTION


class ServiceWorker:
    def __init__(self, host: Any) -> None:
        self.scope = host.scope
        self.shell = Shell(host.scope, host.build)

    def on_install(self, event: Any) -> None:
        # No skipWaiting here: a new version waits until the user accepts the page's prompt.
        event.waitUntil(self.shell.fill())

    def on_activate(self, event: Any) -> None:
        event.waitUntil(self.activate())

    async def activate(self) -> None:
        prefix = contract.cache_prefix(self.shell.base)
        for cache_name in await self.scope.caches.js_keys():
            if cache_name.startswith(prefix) and cache_name != self.shell.cache_name:
                await self.scope.caches.delete(cache_name)
        await self.shell.prune_lazy()
        # Take the first visit's page now, so that its one reload comes back isolated.
        await self.scope.clients.claim()

    def on_fetch(self, event: Any) -> None:
        request = event.request
        if request.method == "POST" and shared_post(str(request.url), self.shell.base):
            event.respondWith(self.receive_shared(request))
            return
        key = self.shell.key_for(event.request)
        if key:
            event.respondWith(self.shell.serve(event.request, key))

    async def receive_shared(self, request: Any) -> Any:
        """Photos shared to the installed app: kept in the shared cache, then the page is
        redirected to its own start URL, which puts them in the queue. Nothing leaves the
        device: the POST never reaches the host."""
        scope = self.scope
        base = self.shell.base
        batch = str(scope.Date.now())
        try:
            form = await request.formData()
            files = form.getAll(contract.SHARE_FIELD)
            cache = await scope.caches.open(contract.shared_cache_name(base))
            for i in range(files.length):
                item = files[i]
                if __typeof__(item) == "string":
                    continue  # a text field under the same name: not a file
                headers = __new__(scope.Headers())
                headers.set("Content-Type", item.js_type or "application/octet-stream")
                name = scope.encodeURIComponent(item.js_name or "shared-image")
                headers.set(contract.SHARED_NAME_HEADER, name)
                __pragma__("jsiter")
                init = {"headers": headers}
                __pragma__("nojsiter")
                # Zero-padded, so that the page takes them in the order they were shared.
                key = base + contract.SHARE_ACTION + "/" + batch + "/" + str(100000 + i)
                await cache.put(key, __new__(scope.Response(item, init)))
        except AnyError as exc:
            console.warn("backgrone: shared photos could not be kept", exc)
        return scope.Response.redirect(base + "?" + contract.SHARED_QUERY + "=" + batch, 303)

    def on_message(self, event: Any) -> None:
        data = event.data
        if data and data["kind"] == protocol.SKIP_WAITING:
            self.scope.skipWaiting()


def start(host: Any) -> None:
    """host: {scope: the ServiceWorkerGlobalScope,
    build: {version, files: [{path, sha256}], lazy: [{path, sha256}]}}."""
    worker = ServiceWorker(host)
    host.scope.addEventListener("install", worker.on_install)
    host.scope.addEventListener("activate", worker.on_activate)
    host.scope.addEventListener("fetch", worker.on_fetch)
    host.scope.addEventListener("message", worker.on_message)
