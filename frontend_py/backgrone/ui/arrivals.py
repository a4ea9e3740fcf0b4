"""Photos that come from the system rather than the page: shared to the installed app (the
manifest's share_target, answered by the service worker, sw/service_worker.receive_shared) and
opened with it (file_handlers, through launchQueue); and the sample photos of the empty page."""
# __pragma__('skip')
from typing import Any, Callable, List
from backgrone.jsglobals import File, Promise, URL, console, __new__, __pragma__
# __pragma__('noskip')

from backgrone.sw import contract

# __pragma__('skip')
FilesFn = Callable[[List[Any]], None]  # a type alias: mypy only
# __pragma__('noskip')


def log_failure(error: Any) -> None:
    console.warn("backgrone: photos from the system could not be taken", error)


async def take_shared(window: Any, take: FilesFn) -> int:
    """The photos the service worker kept from a share, in the order shared, into the queue;
    their copies are deleted, and the address loses its ?shared= so a reload adds nothing."""
    base = str(__new__(URL(".", window.location.href)).href)
    caches = window.caches
    if not caches:
        return 0
    name = contract.shared_cache_name(base)
    if not await caches.has(name):
        return 0
    cache = await caches.open(name)
    requests = await cache.js_keys()
    keys: List[str] = [str(requests[i].url) for i in range(requests.length)]
    keys.sort()
    files: List[Any] = []
    for key in keys:
        response = await cache.match(key)
        if response:
            blob = await response.blob()
            file_name = window.decodeURIComponent(response.headers.js_get(contract.SHARED_NAME_HEADER)
                                                  or "shared-image")
            __pragma__("jsiter")
            options = {"type": blob.js_type}
            __pragma__("nojsiter")
            files.append(__new__(File([blob], file_name, options)))
        await cache.delete(key)
    await caches.delete(name)
    if len(files) > 0:
        take(files)
    return len(files)


def forget_query(window: Any) -> None:
    url = __new__(URL(window.location.href))
    if url.searchParams.has(contract.SHARED_QUERY):
        url.searchParams.delete(contract.SHARED_QUERY)
        window.history.replaceState(None, "", url.href)


async def launched_files(params: Any, take: FilesFn) -> None:
    """Files the system opened the installed app with (file_handlers)."""
    handles = params.files
    if not handles or handles.length == 0:
        return
    files: List[Any] = []
    for i in range(handles.length):
        files.append(await handles[i].getFile())
    take(files)


def start(window: Any, take: FilesFn) -> Any:
    """Take what the system handed over; a Promise of how many shared photos there were."""
    if window.launchQueue:
        window.launchQueue.setConsumer(
            lambda params: Promise.resolve(launched_files(params, take)).catch(log_failure))
    query = __new__(URL(window.location.href)).searchParams
    if not query.has(contract.SHARED_QUERY):
        return Promise.resolve(0)
    forget_query(window)
    return Promise.resolve(take_shared(window, take)).catch(log_failure)


class Samples:
    """The empty page's sample photos (public/samples/, see README): one tap puts one in the
    queue, fetched from the site itself (kept offline with the shell)."""

    def __init__(self, window: Any, root: Any, take: FilesFn) -> None:
        self.window = window
        self.take = take
        if not root:
            return
        buttons = root.querySelectorAll("[data-sample]")
        for i in range(buttons.length):
            buttons[i].addEventListener("click", self.clicked)

    def clicked(self, event: Any) -> None:
        button = event.currentTarget
        Promise.resolve(self.add(button.dataset.sample)).catch(log_failure)

    async def add(self, path: str) -> None:
        response = await self.window.fetch(path)
        if not response.ok:
            raise ValueError(path + ": HTTP " + str(response.status))
        blob = await response.blob()
        file_name = path[path.rfind("/") + 1:]
        __pragma__("jsiter")
        options = {"type": blob.js_type}
        __pragma__("nojsiter")
        self.take([__new__(File([blob], file_name, options))])
