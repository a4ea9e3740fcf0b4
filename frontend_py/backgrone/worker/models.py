"""Model delivery: chunks fetched in parallel, each verified by sha256, cached in IndexedDB."""
# __pragma__('skip')
from typing import Any, Callable, List
from backgrone.jsglobals import Promise, Uint8Array, crypto, fetch, __new__
# __pragma__('noskip')

from backgrone.core.engines import Engine
from backgrone.core import messages
from backgrone.core.messages import AnyError, AppError

# Enough requests in flight to fill a connection without starving the page's own requests.
PARALLEL_FETCHES = 4
HEX = "0123456789abcdef"

# __pragma__('skip')
ProgressFn = Callable[[float, float], None]  # a type alias: mypy only
# __pragma__('noskip')


async def sha256_hex(data: Any) -> str:
    digest = __new__(Uint8Array(await crypto.subtle.digest("SHA-256", data)))
    text = ""
    for i in range(digest.length):
        byte = digest[i]
        text += HEX[byte >> 4] + HEX[byte & 15]
    return text


def cache_key(engine_id: str, sha256: str) -> str:
    return "model:" + engine_id + ":" + sha256


class ModelStore:
    """Knows where models live (the site's models/ folder) and keeps them in IndexedDB."""

    def __init__(self, base_url: str, idb: Any) -> None:
        self.base_url = base_url
        self.idb = idb
        self._manifest: Any = None

    async def manifest(self) -> Any:
        if not self._manifest:
            try:
                response = await fetch(self.base_url + "models/manifest.json", {"cache": "no-cache"})
            except AnyError as exc:
                raise AppError(messages.MODEL_DOWNLOAD, str(exc))
            if not response.ok:
                raise AppError(messages.MODEL_DOWNLOAD, "manifest: HTTP " + str(response.status))
            self._manifest = await response.json()
        return self._manifest

    async def entry(self, engine: Engine) -> Any:
        manifest = await self.manifest()
        engines = manifest["engines"]
        if engine.engine_id not in engines:
            raise AppError(messages.ENGINE_UNAVAILABLE, engine.label)
        return engines[engine.engine_id]

    async def cached(self, engine: Engine) -> Any:
        """The cached model bytes as a Uint8Array, or None.

        Only the size is checked here: hashing 88 MB on every load would cost more than the
        read itself, and a damaged entry is caught when the session fails to load from it.
        """
        entry = await self.entry(engine)
        try:
            stored = await self.idb.read(cache_key(engine.engine_id, entry["sha256"]))
        except AnyError:
            return None
        if not stored or stored.byteLength != entry["bytes"]:
            return None
        return __new__(Uint8Array(stored))

    async def forget(self, engine: Engine) -> None:
        entry = await self.entry(engine)
        await self.idb.remove(cache_key(engine.engine_id, entry["sha256"]))

    async def download(self, engine: Engine, on_progress: ProgressFn) -> Any:
        """Fetch, verify and assemble the model; cache it; return it as a Uint8Array."""
        entry = await self.entry(engine)
        chunks: List[Any] = entry["chunks"]
        total = entry["bytes"]
        model = __new__(Uint8Array(total))
        offsets: List[int] = []
        position = 0
        for chunk in chunks:
            offsets.append(position)
            position += chunk["bytes"]
        if position != total:
            raise AppError(messages.MODEL_INTEGRITY, "manifest chunks do not add up")
        loaded = [0]
        pending = [i for i in range(len(chunks))]

        async def fetch_one(index: int) -> None:
            chunk = chunks[index]
            url = self.base_url + "models/" + chunk["file"]
            try:
                response = await fetch(url)
            except AnyError as exc:
                raise AppError(messages.MODEL_DOWNLOAD, str(exc))
            if not response.ok:
                raise AppError(messages.MODEL_DOWNLOAD, chunk["file"] + ": HTTP " + str(response.status))
            data = await response.arrayBuffer()
            digest = await sha256_hex(data)
            if data.byteLength != chunk["bytes"] or digest != chunk["sha256"]:
                raise AppError(messages.MODEL_INTEGRITY, chunk["file"])
            model.set(__new__(Uint8Array(data)), offsets[index])
            loaded[0] += data.byteLength
            on_progress(loaded[0], total)

        async def drain() -> None:
            while len(pending) > 0:
                await fetch_one(pending.pop(0))

        lanes = []
        for _ in range(min(PARALLEL_FETCHES, len(chunks))):
            lanes.append(drain())
        await Promise.all(lanes)
        await self._store(engine, entry, model)
        return model

    async def _store(self, engine: Engine, entry: Any, model: Any) -> None:
        """Cache the verified model and drop any other version of the same engine."""
        prefix = cache_key(engine.engine_id, "")
        keep = cache_key(engine.engine_id, entry["sha256"])
        try:
            for key in await self.idb.list():
                if str(key).startswith(prefix) and key != keep:
                    await self.idb.remove(key)
            await self.idb.write(keep, model.buffer)
        except AnyError:
            # Storage full or unavailable: the model still runs from memory for this session.
            pass
