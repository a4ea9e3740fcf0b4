"""window.backgrone: the page's public API for automation and for the tests, in one place."""
# __pragma__('skip')
from typing import Any
from backgrone.jsglobals import Object, __pragma__
# __pragma__('noskip')

from backgrone.core import devices, errors, protocol
from backgrone.core.engines import DEFAULT_ENGINE, find_engine
from backgrone.core.errors import AnyError
from backgrone.ui.channel import failure
from backgrone.ui.deferred import Deferred


def remove_background(app: Any, image: Any, options: Any) -> Any:
    """removeBackground(blob, {engine, refine, device}) -> Promise of {png, width, height,
    timings}. The photo joins the queue like a dropped one; edges are refined when refine is
    true, not when it is false, and as protocol.REFINE_DEFAULT says when it is left out;
    `device` ('auto' | 'gpu' | 'cpu') defaults to the page's setting."""
    engine_id = options.engine if options and options.engine else DEFAULT_ENGINE
    refine = protocol.REFINE_DEFAULT
    if options and (options.refine is True or options.refine is False):
        refine = options.refine
    device = devices.normalise(options.device) if options and options.device else app.devices.current()

    answer = Deferred()
    try:
        find_engine(engine_id)
    except AnyError as exc:
        answer.reject(failure(errors.UNKNOWN_ENGINE, str(exc)))
        return answer.promise
    try:
        job = app.add(image, image.js_name if image.js_name else "image", engine_id, refine, device)
    except AnyError as exc:
        answer.reject(exc)
        return answer.promise
    app.waiters[job.job_id] = answer
    return answer.promise


async def clear_cache(app: Any) -> int:
    """clearCache(): delete every saved model; resolves to how many."""
    removed: int = await app.worker.clear_cache()
    await app.engines.refresh()
    return removed


def status(app: Any) -> Any:
    """What runs the jobs (ui/device_picker: backend, adapter, f16, ...) and the worker's own
    status: isolated, sharedMemory, started, and on the CPU the thread count ORT runs with."""
    __pragma__("jsiter")
    answer: Any = {}
    __pragma__("nojsiter")
    device = app.devices.status()
    if device:
        Object.assign(answer, device)
    if app.status:
        answer.isolated = app.status["isolated"]
        answer.sharedMemory = app.status["sharedMemory"]
        answer.started = app.status["started"]
        # The count read back from ORT (core/threads); the GPU's runtime says its own.
        if not device or device.backend != "webgpu":
            answer.threads = app.status["threads"]
    return answer


def page_api(app: Any) -> Any:
    __pragma__("jsiter")
    api = {
        "ready": app.ready.promise,
        "removeBackground": lambda image, options: remove_background(app, image, options),
        # {threads, isolated, backend, adapter: {vendor, architecture}, f16, failure, placement}.
        "status": lambda: status(app),
        "setDevice": lambda device: app.devices.choose(device),
        # Forget this adapter's GPU failure (the "Try the GPU again" action).
        "retryGpu": lambda: app.devices.retry(),
        "engines": lambda: app.worker.list_engines(),
        "clearCache": lambda: clear_cache(app),
        "longTasks": lambda: app.long_tasks.report(),
        "downloadAll": app.save_zip,
        "setBackgroundImage": lambda blob: app.output.set_image(blob),
        # "Save all to a folder…" into this directory handle (the picker's, or for the tests
        # the origin-private file system's): resolves to the names written.
        "saveAllTo": lambda directory: app.folder.save_to(directory),
        # Fault injection for the tests: the job worker throws as if it had crashed.
        "crashWorker": lambda: app.worker.crash(),
        # The export worker crashes on the next request it gets.
        "crashExporter": lambda: app.exporter.crash(),
        # Photos above `pixels` take the PNG-as-a-stream path, in bands of `band` pixels.
        "setCanvasLimit": lambda pixels, band: app.worker.set_canvas_limit(pixels, band),
        # GPU faults through the real failure paths: "lose" (device.destroy()), "mismatch".
        "gpuFault": lambda fault: app.worker.gpu_fault(fault),
    }
    __pragma__("nojsiter")
    return api
