"""Model delivery: chunks fetched in parallel, each verified by sha256, cached in IndexedDB.

The build bakes the model manifest (per engine: bytes, sha256, chunks) into the worker bundle,
so a cached model loads with no request at all, and a new build brings its new versions along.
"""
# __pragma__('skip')
from typing import Any, Callable, Dict, List
from backgrone.jsglobals import Promise, Uint8Array, fetch, setTimeout, __new__
# __pragma__('noskip')

from backgrone.core import errors
from backgrone.core.engines import ENGINES, Engine
from backgrone.core.errors import AnyError, AppError
from backgrone.web import sha256_hex

# Enough requests in flight to fill a connection without starving the page's own requests.
PARALLEL_FETCHES = 4
# A dropped connection is retried with backoff; chunks already verified are kept.
FETCH_ATTEMPTS = 4
RETRY_BASE_MS = 500
KEY_PREFIX = "model:"
SOURCE_BUNDLED = "bundled"
SOURCE_USER = "user"

# __pragma__('skip')
ProgressFn = Callable[[float, float], None]
# __pragma__('noskip')


def cache_key(engine_id: str, sha256: str) -> str:
    return KEY_PREFIX + engine_id + ":" + sha256


def sleep(millis: float) -> Any:
    return __new__(Promise(lambda resolve, reject: setTimeout(resolve, millis)))


class DownloadState:
    """A model download in progress: its buffer and which chunks are already verified in it."""

    def __init__(self, model: Any, count: int) -> None:
        self.model = model
        self.verified: List[bool] = []
        for _ in range(count):
            self.verified.append(False)
        self.loaded = 0


class ModelStore:
    """The one place that knows where model files live and how they are cached.

    An IndexedDB record is {engine, sha256, bytes, source, data}; its key names the engine and
    the sha256, so a new version never collides with the old one, which is deleted on store.
    """

    def __init__(self, base_url: str, idb: Any, manifest: Any) -> None:
        self.base_url = base_url
        self.idb = idb
        self.bundled = manifest["engines"]
        # Set when IndexedDB refused a model (quota): the user is told once per session.
        self.cache_failure = ""
        self.partial: Dict[str, DownloadState] = {}

    def entry(self, engine: Engine) -> Any:
        """The manifest entry of a bundled engine, or None."""
        if engine.engine_id in self.bundled:
            return self.bundled[engine.engine_id]
        return None

    async def keys(self, engine_id: str) -> List[str]:
        prefix = cache_key(engine_id, "")
        found: List[str] = []
        try:
            for key in await self.idb.list():
                if str(key).startswith(prefix):
                    found.append(str(key))
        except AnyError:
            pass
        return found

    async def cached_record(self, engine: Engine) -> Any:
        """The cached record usable for this engine, or None.

        Only sizes are checked: hashing 88 MB on every load would cost more than the read
        itself, and a damaged entry is caught when the session fails to load from it.
        """
        entry = self.entry(engine)
        keys = await self.keys(engine.engine_id)
        for key in keys:
            if entry and key != cache_key(engine.engine_id, entry["sha256"]):
                continue  # an old version: removed on the next store
            try:
                record = await self.idb.read(key)
            except AnyError:
                return None
            if not record or not record.data or record.data.byteLength != record.bytes:
                return None
            if entry and record.bytes != entry["bytes"]:
                return None
            return record
        return None

    async def cached(self, engine: Engine) -> Any:
        """The cached model bytes as a Uint8Array, or None."""
        record = await self.cached_record(engine)
        if not record:
            return None
        return __new__(Uint8Array(record.data))

    async def forget(self, engine: Engine) -> None:
        for key in await self.keys(engine.engine_id):
            await self.idb.remove(key)

    async def clear(self) -> int:
        """Delete every cached model; returns how many entries went."""
        removed = 0
        for engine in ENGINES:
            for key in await self.keys(engine.engine_id):
                await self.idb.remove(key)
                removed += 1
        return removed

    async def describe(self) -> List[Any]:
        """Per engine: {id, label, summary, bytes, bundled, available, cached, licence}."""
        listing: List[Any] = []
        for engine in ENGINES:
            entry = self.entry(engine)
            record = await self.cached_record(engine)
            size = entry["bytes"] if entry else (record.bytes if record else engine.size_bytes)
            listing.append({
                "id": engine.engine_id, "label": engine.label, "summary": engine.summary,
                "bytes": size, "bundled": bool(entry), "available": bool(entry) or bool(record),
                "cached": bool(record), "licence": engine.licence,
            })
        return listing

    async def fetch_chunk(self, chunk: Any) -> Any:
        """One chunk's bytes, verified; network failures are retried with backoff."""
        url = self.base_url + "models/" + chunk["file"]
        failure = ""
        for attempt in range(FETCH_ATTEMPTS):
            if attempt > 0:
                await sleep(RETRY_BASE_MS * (2 ** (attempt - 1)))
            try:
                response = await fetch(url)
                if response.ok:
                    data = await response.arrayBuffer()
                    digest = await sha256_hex(data)
                    if data.byteLength != chunk["bytes"] or digest != chunk["sha256"]:
                        # Corrupt bytes are not a network blip: retrying the same file won't help.
                        raise AppError(errors.MODEL_INTEGRITY, chunk["file"])
                    return data
                failure = chunk["file"] + ": HTTP " + str(response.status)
                if response.status < 500:
                    break
            except AnyError as exc:
                if isinstance(exc, AppError):
                    raise exc
                failure = chunk["file"] + ": " + str(exc)
        raise AppError(errors.MODEL_DOWNLOAD, failure)

    async def download(self, engine: Engine, on_progress: ProgressFn) -> Any:
        """Fetch, verify and assemble the model; cache it; return it as a Uint8Array."""
        entry = self.entry(engine)
        if not entry:
            raise AppError(errors.ENGINE_UNAVAILABLE, engine.label)
        chunks: List[Any] = entry["chunks"]
        total = entry["bytes"]
        offsets: List[int] = []
        position = 0
        for chunk in chunks:
            offsets.append(position)
            position += chunk["bytes"]
        if position != total:
            raise AppError(errors.MODEL_INTEGRITY, "manifest chunks do not add up")
        # Chunks verified by an earlier, interrupted attempt are kept and not fetched again.
        key = cache_key(engine.engine_id, entry["sha256"])
        if key not in self.partial:
            self.partial[key] = DownloadState(__new__(Uint8Array(total)), len(chunks))
        state = self.partial[key]
        model = state.model
        pending = [i for i in range(len(chunks)) if not state.verified[i]]
        on_progress(state.loaded, total)

        stopped = [False]

        async def drain() -> None:
            # After one lane fails the others stop taking chunks, so that a retry that starts
            # while their last fetches finish never works on the same chunk twice.
            while len(pending) > 0 and not stopped[0]:
                index = pending.pop(0)
                try:
                    data = await self.fetch_chunk(chunks[index])
                except AnyError as exc:
                    stopped[0] = True
                    raise exc
                model.set(__new__(Uint8Array(data)), offsets[index])
                state.verified[index] = True
                state.loaded += data.byteLength
                on_progress(state.loaded, total)

        lanes = []
        for _ in range(min(PARALLEL_FETCHES, len(pending))):
            lanes.append(drain())
        await Promise.all(lanes)
        del self.partial[key]
        # Whole-file hash: the chunks were each right, but so must be their order.
        if await sha256_hex(model) != entry["sha256"]:
            raise AppError(errors.MODEL_INTEGRITY, engine.label)
        await self.store(engine, entry["sha256"], SOURCE_BUNDLED, model)
        return model

    async def store(self, engine: Engine, sha256: str, source: str, model: Any) -> None:
        """Cache a verified model and drop any other version of the same engine."""
        keep = cache_key(engine.engine_id, sha256)
        record = {
            "engine": engine.engine_id, "sha256": sha256, "bytes": model.byteLength,
            "source": source, "data": model.buffer,
        }
        try:
            for key in await self.keys(engine.engine_id):
                if key != keep:
                    await self.idb.remove(key)
            await self.idb.write(keep, record)
        except AnyError as exc:
            # Storage full or unavailable: the model still runs from memory this session.
            self.cache_failure = str(exc)
            try:
                await self.idb.remove(keep)
            except AnyError:
                pass
